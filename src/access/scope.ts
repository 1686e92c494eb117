import { inArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Bind } from '../../db/prepared.js';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { AreaByDate, AreaCatalog } from '../areas/index.js';
import { REFORM_DATE } from '../lib/dates.js';

/**
 * The areas whose records a user may see. A user tied to a district sees the district's records and, since
 * the reform, those of the communes formed from it; a user tied to a commune sees that commune's records.
 */
export type AreaScope = { all: true } | { all: false; areaIds: number[] };

export const WHOLE_PROVINCE: AreaScope = { all: true };

export function scopeOfArea(areaId: number | null, catalog: AreaCatalog): AreaScope {
  if (areaId === null) return WHOLE_PROVINCE;
  const area = catalog.byId.get(areaId);
  if (!area || area.level === 'province') return WHOLE_PROVINCE;
  return { all: false, areaIds: area.level === 'district' ? catalog.districtFamily(area.id) : [area.id] };
}

export function scopeIncludes(scope: AreaScope, areaId: number): boolean {
  return scope.all || scope.areaIds.includes(areaId);
}

/**
 * The district an area's work counts under in figures by district: a district itself; a commune formed after
 * the reform, its main origin, or, for a person who does not see that one, another district it came from that
 * they do see (so their rows add up to their total).
 */
export function rollupDistrict(catalog: AreaCatalog, areaId: number, scope: AreaScope): number | undefined {
  const area = catalog.byId.get(areaId);
  if (!area || area.level !== 'commune') return area?.id;
  const primary = catalog.primaryDistrictOf(area.id);
  if (primary === undefined || scopeIncludes(scope, primary)) return primary;
  return catalog.districts.find((district) => scopeIncludes(scope, district.id) && catalog.districtFamily(district.id).includes(area.id))?.id ?? primary;
}

/** The area ids of a scope as a query's values: bound (a prepared query, see db/prepared.ts) or inline; none matches nothing. */
function scopeIds(scope: { areaIds: number[] }, bind?: Bind): unknown[] {
  const ids = scope.areaIds.length > 0 ? scope.areaIds : [-1];
  return bind ? ids.map(bind) : ids;
}

/**
 * The one condition that limits a query to a scope, for a table whose rows carry their area; undefined for the
 * whole province. The column is a drizzle column, or a column of a hand-written query (`sql\`c.area_id\``): the
 * answer goes in `.where()` (where `and()` drops undefined) and inside `sql` templates (`${and(base, scope)}`).
 * A prepared query passes `bind` so the ids are placeholders.
 */
export function areaColumnInScope(column: AnySQLiteColumn | SQLWrapper, scope: AreaScope, bind?: Bind): SQL | undefined {
  if (scope.all) return undefined;
  return inArray(column as AnySQLiteColumn, scopeIds(scope, bind));
}

/** The same for records with several areas held in a link table: at least one of them in scope. */
export function linkedAreasInScope(
  linkTable: SQLWrapper,
  linkRecordColumn: AnySQLiteColumn,
  linkAreaColumn: AnySQLiteColumn,
  recordIdColumn: AnySQLiteColumn,
  scope: AreaScope,
  bind?: Bind,
): SQL | undefined {
  if (scope.all) return undefined;
  return sql`exists (select 1 from ${linkTable} where ${linkRecordColumn} = ${recordIdColumn} and ${areaColumnInScope(linkAreaColumn, scope, bind)})`;
}

/**
 * A list's area filter that follows each record's date (see AreaCatalog.communeLevelFilter): its area is one of
 * `anyDate`, or one of `before` with a date before 1 July 2025, or one of `after` with a date from it.
 */
export function areaByDateCondition(areaColumn: AnySQLiteColumn | SQLWrapper, dateColumn: AnySQLiteColumn | SQLWrapper, areas: AreaByDate, bind?: Bind): SQL {
  const value = (item: unknown) => (bind ? bind(item) : item);
  const ids = (list: number[]) => (list.length > 0 ? list : [-1]).map(value);
  return sql`(${inArray(areaColumn as AnySQLiteColumn, ids(areas.anyDate))}
    or (${inArray(areaColumn as AnySQLiteColumn, ids(areas.before))} and ${dateColumn} < ${value(REFORM_DATE)})
    or (${inArray(areaColumn as AnySQLiteColumn, ids(areas.after))} and ${dateColumn} >= ${value(REFORM_DATE)}))`;
}
