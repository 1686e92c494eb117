import type { Actor } from '../../access/actor.js';
import { can } from '../../access/permissions.js';

/** What a person may do with monitoring records, computed once for the template. */
export interface MonitoringAbilities {
  create: boolean;
  edit: boolean;
}

/** Records a person reaches are those of their scope, so the role decides (inspectors enter their area's counts). */
export const monitoringPolicy = {
  abilities(actor: Actor): MonitoringAbilities {
    const write = can(actor.role, 'monitoring.write');
    return { create: write, edit: write };
  },
};
