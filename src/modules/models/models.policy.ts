import type { Actor } from '../../access/actor.js';
import { can } from '../../access/permissions.js';
import type { ModelRow } from './models.repository.js';

/** What a person may do with prevention models, computed once for the template. */
export interface ModelAbilities {
  create: boolean;
  edit: boolean;
  /** Merge or dissolve (only an active model). */
  changeState: boolean;
  recordMembers: boolean;
}

/** The models a person reaches are already those of their scope, so the role and the model's state decide. */
export const modelsPolicy = {
  abilities(actor: Actor, model?: ModelRow): ModelAbilities {
    const write = can(actor.role, 'models.write');
    return { create: write, edit: write, changeState: write && (model?.state ?? 'active') === 'active', recordMembers: write };
  },
};
