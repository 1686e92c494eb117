import type { Message } from '../../i18n/index.js';
import type { AreaCatalog } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { can } from '../../access/permissions.js';
import { scopeIncludes, scopeOfArea } from '../../access/scope.js';

/**
 * Who may change a campaign, beyond the route's permission.
 *
 * A campaign belongs to its owner's area: one without an owner, or whose owner works for the whole province, is
 * province-wide. Its fields, status and owner are changed only by admins and by heads who work for the whole
 * province; a head tied to an area changes the campaigns owned by people of that area. Targets are per area and
 * follow the person's scope instead, on any campaign they may see.
 */
export const campaignsPolicy = {
  /** Whether this person works for the whole province (and so may run province-wide campaigns). */
  worksProvinceWide(actor: Actor): boolean {
    return actor.role === 'admin' || actor.scope.all;
  },

  /** Why this person may not change the campaign, or null when they may. */
  refusal(actor: Actor, ownerAreaId: number | null, catalog: AreaCatalog): Message | null {
    if (!can(actor.role, 'campaigns.write')) return { key: 'error.403.body' };
    if (this.worksProvinceWide(actor)) return null;
    if (ownerAreaId === null || scopeOfArea(ownerAreaId, catalog).all) return { key: 'campaigns.provinceWideOnly' };
    return scopeIncludes(actor.scope, ownerAreaId) ? null : { key: 'campaigns.otherArea' };
  },

  canChange(actor: Actor, ownerAreaId: number | null, catalog: AreaCatalog): boolean {
    return this.refusal(actor, ownerAreaId, catalog) === null;
  },
};
