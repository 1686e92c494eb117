import type { Actor } from '../../access/actor.js';
import { can } from '../../access/permissions.js';

/** What a person may do on a venue's page, computed once for the template. */
export interface VenueAbilities {
  edit: boolean;
  /** File a re-inspection report about the venue's open findings. */
  fileReinspection: boolean;
}

/** Who may change a venue: the venues a person reaches are already those of their scope, so the role decides. */
export const venuesPolicy = {
  abilities(actor: Actor): VenueAbilities {
    return { edit: can(actor.role, 'venues.write'), fileReinspection: can(actor.role, 'checks.file') };
  },
};
