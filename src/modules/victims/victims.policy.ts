import type { Actor } from '../../access/actor.js';
import { can } from '../../access/permissions.js';
import type { VictimRecordRow } from './victims.repository.js';

/** What a person may do with victim-support records, computed once for the template. */
export interface VictimAbilities {
  create: boolean;
  edit: boolean;
  delete: boolean;
  /** Counts of 1–4 shown as they are (else "<5"). */
  exact: boolean;
}

/**
 * Records a person reaches are already those of their scope, so the role decides; a sample record holds a figure
 * without the sex and age split the form asks for, so it is never edited (only deleted).
 */
export const victimsPolicy = {
  abilities(actor: Actor, record?: VictimRecordRow): VictimAbilities {
    const write = can(actor.role, 'victims.write');
    return { create: write, edit: write && !(record?.isSample ?? false), delete: write, exact: can(actor.role, 'victims.exact') };
  },
};
