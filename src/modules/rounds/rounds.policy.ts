import type { Actor } from '../../access/actor.js';
import { can } from '../../access/permissions.js';
import { statusTransitions, type RoundStatus } from './rounds.schemas.js';

/** What a person may do on a round's page, computed once for the template. */
export interface RoundAbilities {
  edit: boolean;
  changeStatus: boolean;
  /** The result document of a completed round (its page, PDF and DOCX). */
  resultDocument: boolean;
}

/**
 * Who may change a round, beyond the route's permission. The rounds a person reaches are already those of their
 * scope; a cancelled round is read-only, and a completed or cancelled one takes no further status.
 */
export const roundsPolicy = {
  /** Whether a round in this status can still be edited (a cancelled round is kept as it was). */
  isEditable(round: { status: RoundStatus }): boolean {
    return round.status !== 'cancelled';
  },

  abilities(actor: Actor, round: { status: RoundStatus }): RoundAbilities {
    const writes = can(actor.role, 'rounds.write');
    return {
      edit: writes && this.isEditable(round),
      changeStatus: writes && statusTransitions[round.status].length > 0,
      resultDocument: can(actor.role, 'reports.read') && round.status === 'completed',
    };
  },
};
