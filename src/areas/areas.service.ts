import type { AppDatabase } from '../../db/client.js';
import { LAST_DAY_BEFORE_REFORM, REFORM_DATE } from '../lib/dates.js';
import { areasRepository, type AreaRecord } from './areas.repository.js';

export type { AreaRecord };

/**
 * The units the configured province offers, read once at start-up (they change only with a new reference file):
 * its districts until 2025-06-30 and its communes from 2025-07-01, with the reform's links between them.
 */
export interface AreaCatalog {
  province: AreaRecord;
  /** Districts (and towns, cities) of the province before the reform, by code. */
  districts: AreaRecord[];
  /** Communes and wards of the province from the reform, by name. */
  communes: AreaRecord[];
  byId: Map<number, AreaRecord>;
  /** Ids that hold a district's work: the district and the new communes formed (wholly or in part) from it. */
  districtFamily(districtId: number): number[];
  /** The old districts a new commune was formed from. */
  districtsOfCommune(communeId: number): number[];
  /** True when the area is one the province offers (a district before, a commune after the reform). */
  isOffered(areaId: number): boolean;
  /**
   * What a filter by this area matches, the same partition the summaries use: a district also matches the
   * communes whose main origin it is (see primaryDistrictOf), so list counts agree with summary figures.
   */
  filterIds(areaId: number): number[];
  /**
   * The one old district a new commune's work rolls up to: the district most of its old communes came from
   * (ties broken by the lower district code). Sơn La has one commune formed from two districts.
   */
  primaryDistrictOf(communeId: number): number | undefined;
  /** Areas that overlap this one on the ground: a district and the communes formed from it, either way. */
  relatedAreas(areaId: number): number[];
  /** Old communes (before the reform) that are the one origin of a new commune, by id: where work there was, when known. */
  oldCommunes: Map<number, AreaRecord>;
  /** The old commune a new commune was formed from, when it was formed from that one alone (so any place in it lay there). */
  oldCommuneOf(communeId: number): number | undefined;
  /**
   * What a list filter by this area matches when it follows the summary by commune, record by record on its date:
   * a new commune its records from 1 July 2025; an old commune the records before it of the new communes formed
   * from it alone; a district its own records whatever their date, and before the reform those of the new
   * communes it mainly formed whose old commune is not known.
   */
  communeLevelFilter(areaId: number): AreaByDate;
}

/** Areas a list matches on each side of the reform: any date, before 1 July 2025 only, from it only. */
export interface AreaByDate {
  anyDate: number[];
  before: number[];
  after: number[];
}

/** Which side of the reform a date (YYYY-MM-DD) falls on. */
export type ReformPart = 'before' | 'after';
export function reformPartOf(date: string): ReformPart {
  return date < REFORM_DATE ? 'before' : 'after';
}

/** The parts of the period [from, to] on each side of the reform, each with its own dates. */
export function reformParts(from: string, to: string): Array<{ part: ReformPart; from: string; to: string }> {
  const parts: Array<{ part: ReformPart; from: string; to: string }> = [];
  if (from < REFORM_DATE) parts.push({ part: 'before', from, to: to < REFORM_DATE ? to : LAST_DAY_BEFORE_REFORM });
  if (to >= REFORM_DATE) parts.push({ part: 'after', from: from >= REFORM_DATE ? from : REFORM_DATE, to });
  return parts;
}

export class ProvinceNotFoundError extends Error {}

export function buildAreaCatalog(db: AppDatabase, provinceCode: string): AreaCatalog {
  const repository = areasRepository(db);
  const province = repository.findCurrentProvince(provinceCode);
  if (!province) {
    throw new ProvinceNotFoundError(`PROVINCE_CODE ${provinceCode} is not a province from 1 July 2025 in the reference data`);
  }
  const communes = repository
    .listChildren(province.id, 'commune')
    .filter((area) => area.validFrom === REFORM_DATE)
    .sort((a, b) => a.nameKey.localeCompare(b.nameKey));
  const links = repository.listOldDistrictLinks(communes.map((commune) => commune.id));
  const districts = repository
    .listByIds([...new Set(links.map((link) => link.districtId))])
    .filter((area) => area.level === 'district')
    .sort((a, b) => a.code.localeCompare(b.code));

  const communesByDistrict = new Map<number, Set<number>>();
  const districtsByCommune = new Map<number, Set<number>>();
  const linkCounts = new Map<number, Map<number, number>>();
  for (const link of links) {
    if (!linkCounts.has(link.newAreaId)) linkCounts.set(link.newAreaId, new Map());
    const counts = linkCounts.get(link.newAreaId)!;
    counts.set(link.districtId, (counts.get(link.districtId) ?? 0) + 1);
    if (!communesByDistrict.has(link.districtId)) communesByDistrict.set(link.districtId, new Set());
    communesByDistrict.get(link.districtId)!.add(link.newAreaId);
    if (!districtsByCommune.has(link.newAreaId)) districtsByCommune.set(link.newAreaId, new Set());
    districtsByCommune.get(link.newAreaId)!.add(link.districtId);
  }
  const byId = new Map<number, AreaRecord>([province, ...districts, ...communes].map((area) => [area.id, area]));
  const primary = new Map<number, number>();
  for (const [communeId, counts] of linkCounts) {
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || (byId.get(a[0])?.code ?? '').localeCompare(byId.get(b[0])?.code ?? ''));
    if (ranked[0]) primary.set(communeId, ranked[0][0]);
  }
  // A new commune formed from one old commune alone: its places lay in that commune before the reform.
  const origins = new Map<number, Array<{ oldAreaId: number; level: AreaRecord['level'] }>>();
  for (const link of repository.listOldLinks(communes.map((commune) => commune.id))) {
    if (!origins.has(link.newAreaId)) origins.set(link.newAreaId, []);
    origins.get(link.newAreaId)!.push(link);
  }
  const oldCommuneByCommune = new Map<number, number>();
  const communesByOldCommune = new Map<number, number[]>();
  for (const [communeId, list] of origins) {
    if (list.length !== 1 || list[0]!.level !== 'commune') continue;
    const oldId = list[0]!.oldAreaId;
    oldCommuneByCommune.set(communeId, oldId);
    if (!communesByOldCommune.has(oldId)) communesByOldCommune.set(oldId, []);
    communesByOldCommune.get(oldId)!.push(communeId);
  }
  const oldCommunes = new Map(repository.listByIds([...communesByOldCommune.keys()]).map((area) => [area.id, area]));
  const primaryCommunes = new Map<number, number[]>();
  for (const [communeId, districtId] of primary) {
    if (!primaryCommunes.has(districtId)) primaryCommunes.set(districtId, []);
    primaryCommunes.get(districtId)!.push(communeId);
  }

  return {
    province,
    districts,
    communes,
    byId,
    districtFamily: (districtId) => [districtId, ...(communesByDistrict.get(districtId) ?? [])],
    districtsOfCommune: (communeId) => [...(districtsByCommune.get(communeId) ?? [])],
    isOffered: (areaId) => {
      const area = byId.get(areaId);
      return area !== undefined && area.level !== 'province';
    },
    filterIds: (areaId) => {
      const area = byId.get(areaId);
      if (!area || area.level === 'province') return [];
      return area.level === 'district' ? [area.id, ...(primaryCommunes.get(area.id) ?? [])] : [area.id];
    },
    primaryDistrictOf: (communeId) => primary.get(communeId),
    relatedAreas: (areaId) => {
      const area = byId.get(areaId);
      if (!area || area.level === 'province') return [];
      if (area.level === 'district') return [area.id, ...(communesByDistrict.get(area.id) ?? [])];
      return [area.id, ...(districtsByCommune.get(area.id) ?? [])];
    },
    oldCommunes,
    oldCommuneOf: (communeId) => oldCommuneByCommune.get(communeId),
    communeLevelFilter: (areaId) => {
      if (oldCommunes.has(areaId)) return { anyDate: [], before: communesByOldCommune.get(areaId) ?? [], after: [] };
      const area = byId.get(areaId);
      if (!area || area.level === 'province') return { anyDate: [], before: [], after: [] };
      if (area.level === 'commune') return { anyDate: [], before: [], after: [area.id] };
      return { anyDate: [area.id], before: (primaryCommunes.get(area.id) ?? []).filter((id) => !oldCommuneByCommune.has(id)), after: [] };
    },
  };
}

/** Whether the unit existed over the whole of [startDate, endDate] (YYYY-MM-DD, inclusive). */
export function areaExistsThroughout(area: AreaRecord, startDate: string, endDate: string): boolean {
  return (area.validFrom === null || area.validFrom <= startDate) && (area.validTo === null || endDate <= area.validTo);
}
