import type { Actor } from '../../access/actor.js';
import { can } from '../../access/permissions.js';

/** What a person may do with the roster, computed once for the template. */
export interface PropagandistAbilities {
  create: boolean;
  edit: boolean;
}

/** People a person reaches are those of their scope, so the role decides. */
export const propagandistsPolicy = {
  abilities(actor: Actor): PropagandistAbilities {
    const write = can(actor.role, 'propagandists.write');
    return { create: write, edit: write };
  },
};
