import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { AppDatabase } from '../../db/client.js';
import { areaLinks, areas } from '../../db/schema/index.js';

export type AreaRecord = typeof areas.$inferSelect;

export function areasRepository(db: AppDatabase) {
  return {
    findCurrentProvince(code: string): AreaRecord | undefined {
      return db
        .select()
        .from(areas)
        .where(and(eq(areas.level, 'province'), eq(areas.code, code), isNull(areas.validTo)))
        .get();
    },

    listChildren(parentId: number, level: AreaRecord['level']): AreaRecord[] {
      return db
        .select()
        .from(areas)
        .where(and(eq(areas.parentId, parentId), eq(areas.level, level)))
        .all();
    },

    listByIds(ids: number[]): AreaRecord[] {
      if (ids.length === 0) return [];
      return db.select().from(areas).where(inArray(areas.id, ids)).all();
    },

    /** For each new commune: the old district it came from (through its old communes, or directly for a whole district). */
    listOldDistrictLinks(newCommuneIds: number[]): Array<{ newAreaId: number; districtId: number }> {
      if (newCommuneIds.length === 0) return [];
      const rows = db
        .select({
          newAreaId: areaLinks.newAreaId,
          districtId: sql<number>`case when ${areas.level} = 'commune' then ${areas.parentId} else ${areas.id} end`,
        })
        .from(areaLinks)
        .innerJoin(areas, eq(areas.id, areaLinks.oldAreaId))
        .where(inArray(areaLinks.newAreaId, newCommuneIds))
        .all();
      return rows;
    },

    /** For each new commune: every old unit it was formed from (a commune, or a whole district), with its level. */
    listOldLinks(newCommuneIds: number[]): Array<{ newAreaId: number; oldAreaId: number; level: AreaRecord['level'] }> {
      if (newCommuneIds.length === 0) return [];
      return db
        .select({ newAreaId: areaLinks.newAreaId, oldAreaId: areaLinks.oldAreaId, level: areas.level })
        .from(areaLinks)
        .innerJoin(areas, eq(areas.id, areaLinks.oldAreaId))
        .where(inArray(areaLinks.newAreaId, newCommuneIds))
        .all();
    },

    countByLevel(provinceIds: number[]): { districts: number; oldCommunes: number } {
      if (provinceIds.length === 0) return { districts: 0, oldCommunes: 0 };
      const row = db
        .select({
          districts: sql<number>`count(distinct d.id)`,
          oldCommunes: sql<number>`count(c.id)`,
        })
        .from(sql`areas d left join areas c on c.parent_id = d.id and c.level = 'commune'`)
        .where(sql`d.level = 'district' and d.parent_id in (${sql.join(provinceIds, sql`, `)})`)
        .get();
      return row ?? { districts: 0, oldCommunes: 0 };
    },
  };
}
