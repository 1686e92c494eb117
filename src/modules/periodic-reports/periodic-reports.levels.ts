import { LAST_DAY_BEFORE_REFORM, REFORM_DATE } from '../../lib/dates.js';
import type { AreaCatalog, AreaRecord } from '../../areas/index.js';
import type { ReportingPeriodRow } from './periodic-reports.repository.js';

export type ReportLevel = 'province' | 'district' | 'commune';

/** Where a period lies against the 1 July 2025 reform. */
export type ReformSide = 'before' | 'after' | 'spans';

export function reformSide(period: { periodStart: string; periodEnd: string }): ReformSide {
  if (period.periodEnd <= LAST_DAY_BEFORE_REFORM) return 'before';
  if (period.periodStart >= REFORM_DATE) return 'after';
  return 'spans';
}

/**
 * The level that reports to the province in a period. Before the reform: districts (province → district →
 * commune in law; the area catalog holds no commune of before the reform, so no one reports below a district
 * here). After it: communes (the reform removed districts). A period spanning the reform follows the district
 * summary: by district, a new commune's work counted under the district it came from.
 */
export function lowerLevel(period: { periodStart: string; periodEnd: string }): 'district' | 'commune' {
  return reformSide(period) === 'after' ? 'commune' : 'district';
}

/** The levels that report in a period, top first. */
export function levelsOf(period: { periodStart: string; periodEnd: string }): ReportLevel[] {
  return ['province', lowerLevel(period)];
}

/** The areas that report in a period at a level. */
export function areasAtLevel(catalog: AreaCatalog, period: { periodStart: string; periodEnd: string }, level: ReportLevel): AreaRecord[] {
  if (level === 'province') return [catalog.province];
  if (level !== lowerLevel(period)) return [];
  return level === 'district' ? catalog.districts : catalog.communes;
}

/** Whether an area makes a report of its own in a period. */
export function reportsIn(catalog: AreaCatalog, period: { periodStart: string; periodEnd: string }, area: AreaRecord): boolean {
  return area.id === catalog.province.id || area.level === lowerLevel(period);
}

/** The area a report goes up to: the province for a district or commune; none for the province. */
export function parentArea(catalog: AreaCatalog, area: AreaRecord): AreaRecord | null {
  return area.id === catalog.province.id ? null : catalog.province;
}

/** The areas whose reports roll up into this area's report in a period. */
export function childAreas(catalog: AreaCatalog, period: { periodStart: string; periodEnd: string }, area: AreaRecord): AreaRecord[] {
  return area.id === catalog.province.id ? areasAtLevel(catalog, period, lowerLevel(period)) : [];
}

/** The due date of a level's reports in a period (null when the level does not report in it). */
export function dueDateOf(period: ReportingPeriodRow, level: ReportLevel): string | null {
  if (!levelsOf(period).includes(level)) return null;
  return level === 'province' ? period.dueProvince : level === 'district' ? period.dueDistrict : period.dueCommune;
}

export function levelOf(catalog: AreaCatalog, area: AreaRecord): ReportLevel {
  return area.id === catalog.province.id ? 'province' : area.level === 'district' ? 'district' : 'commune';
}
