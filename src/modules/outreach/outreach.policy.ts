import type { Actor } from '../../access/actor.js';
import { can } from '../../access/permissions.js';

/** What a person may do on an activity's page, computed once for the template. */
export interface ActivityAbilities {
  edit: boolean;
}

/** Who may change an outreach activity: the activities a person reaches are already those of their scope, so the role decides. */
export const outreachPolicy = {
  abilities(actor: Actor): ActivityAbilities {
    return { edit: can(actor.role, 'outreach.write') };
  },
};
