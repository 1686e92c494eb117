import { tableVersions, type AppDatabase } from '../../../db/client.js';
import { REFORM_DATE, todayInVietnam } from '../../lib/dates.js';
import { outreachChannels, vocabularyCodes } from '../../lib/vocabulary.js';
import { reformParts, type AreaCatalog, type AreaRecord, type ReformPart } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { rollupDistrict, scopeIncludes } from '../../access/scope.js';
import { summaryRepository, type SummaryFilter } from './summary.repository.js';
import type { ChecklistsService } from '../checklists/index.js';
import type { SummaryQuery } from './summaries.schemas.js';
import type { Language, Translate } from '../../i18n/index.js';
import type { Cell } from './records.columns.js';
import { recordBatches, type RecordFilter, type RecordKind } from './records.export.js';

/** The figures of one row of the summary. */
export interface Figures {
  rounds: number;
  venuesChecked: number;
  reportsApproved: number;
  reportsPending: number;
  violations: number;
  /** Violations per checklist category code ('' = outside the checklist). */
  byCategory: Record<string, number>;
  critical: number;
  criticalReferred: number;
  followUpsOpen: number;
  followUpsOverdue: number;
  followUpsDone: number;
  followUpsVerified: number;
  fines: number;
  fineTotal: number;
  staffCounselled: number;
  /** In-person sessions only ("buổi tuyên truyền"); media output has its own columns. */
  outreachSessions: number;
  participants: number;
  women: number;
  commitments: number;
  /** Media output per channel and measure (`zalo.posts`). */
  byMeasure: Record<string, number>;
  /** Participants split to each target group (the split only: nobody counted under every group). */
  byGroup: Record<string, number>;
  /** Per target group, the activities with participants that are not split by group ("chưa tách" when any). */
  groupNotSplit: Record<string, number>;
  /** Participants not assigned to any group: each activity's participants less its split, counted once. */
  notSplit: number;
  /** Activities per topic. */
  byTopic: Record<string, number>;
  /** Victim support (quarterly records wholly inside the period): exact here; every export suppresses small cells. */
  victimsReturned: number;
  victimsSupported: number;
  victimsHandedToFamily: number;
  /** Prevention models active at some time in the period, started in it, started in it as copies, and their members at its end. */
  modelsActive: number;
  modelsNew: number;
  modelsReplicated: number;
  modelMembers: number;
  /** Báo cáo viên and tuyên truyền viên trained by the period's end and active in it. */
  trainedPropagandists: number;
  /** Situations watched (monthly or quarterly records wholly inside the period): small cells suppressed in every export. */
  monitorInternalMigration: number;
  monitorWorkAbroad: number;
  monitorForeignMarriage: number;
  monitorViolence: number;
  monitorSexualAbuse: number;
  monitorTraffickingReported: number;
  monitorMissing: number;
  /** Supervision records approved (not replaced by an amendment), their items not met, and their recommendations. */
  supervisionRecords: number;
  supervisionNotMet: number;
  recommendationsOpen: number;
  recommendationsOverdue: number;
  recommendationsVerified: number;
}

/**
 * What a row of the summary stands for, so work is never counted under a unit that did not exist on its date:
 * - by district: `district`, an old district's work before 1 July 2025; `newCommunesOf`, from it, the work of the
 *   new communes formed (mainly) from that district, and of its own venues not yet moved to a new commune;
 * - by commune: `commune`, a new commune from 1 July 2025; before it, `oldCommune` when the old commune is known
 *   (the new commune of the venue was formed from it alone), else `unknownOldCommune` under the old district;
 *   and `unknownNewCommune` for work after the reform on a venue still registered under its old district.
 */
export type SummaryRowKind = 'district' | 'newCommunesOf' | 'commune' | 'oldCommune' | 'unknownOldCommune' | 'unknownNewCommune';

export interface SummaryRow {
  /** The unit the row counts under (a district, a new commune, or an old commune), which its links filter by. */
  area: AreaRecord;
  /** The side of the reform its figures are from; a period spanning the reform has rows of both. */
  part: ReformPart;
  kind: SummaryRowKind;
  /** An old commune's district. */
  district?: AreaRecord;
  figures: Figures;
}

export interface Summary {
  from: string;
  to: string;
  level: 'district' | 'commune';
  campaignId: number | null;
  /** The topic the outreach figures are limited to, if any. */
  topic: string | null;
  categories: Array<{ code: string; vi: string; en: string }>;
  rows: SummaryRow[];
  total: Figures;
  /** The period's parts on each side of 1 July 2025, each with its dates: two when the period spans the reform. */
  parts: Array<{ part: ReformPart; from: string; to: string }>;
}

/** The figures that are one number per row (the others are one number per category, channel, group or topic). */
export type ScalarFigure = { [K in keyof Figures]: Figures[K] extends number ? K : never }[keyof Figures];

/** The media channels' measures the summary counts (`zalo.posts`), in the vocabulary's order. */
export const mediaMeasures = outreachChannels()
  .filter((channel) => channel.kind === 'media')
  .flatMap((channel) => channel.measures.map((measure) => ({ key: `${channel.code}.${measure.code}`, channel, measure })));

/**
 * The scalar columns of a summary in groups that read together. The page shows one group at a time (the
 * categories group holds the violations per checklist category, which follow the checklist); every file has every
 * column, in this order.
 */
export const figureGroups = {
  rounds: ['rounds', 'venuesChecked', 'reportsApproved', 'reportsPending'],
  findings: ['violations', 'critical', 'criticalReferred'],
  followups: ['followUpsOpen', 'followUpsOverdue', 'followUpsDone', 'followUpsVerified', 'fines', 'fineTotal'],
  outreach: ['staffCounselled', 'outreachSessions', 'participants', 'women', 'commitments'],
  // Media output per channel and measure; participants per target group, then those not split; activities per topic.
  media: [],
  reach: ['notSplit'],
  topics: [],
  categories: [],
  victims: ['victimsReturned', 'victimsSupported', 'victimsHandedToFamily'],
  models: ['modelsActive', 'modelsNew', 'modelsReplicated', 'modelMembers', 'trainedPropagandists'],
  monitoring: ['monitorInternalMigration', 'monitorWorkAbroad', 'monitorForeignMarriage', 'monitorViolence', 'monitorSexualAbuse', 'monitorTraffickingReported', 'monitorMissing'],
  supervision: ['supervisionRecords', 'supervisionNotMet', 'recommendationsOpen', 'recommendationsOverdue', 'recommendationsVerified'],
} as const satisfies Record<string, ReadonlyArray<ScalarFigure>>;
export type FigureGroup = keyof typeof figureGroups;
export type FigureColumn = (typeof figureGroups)[FigureGroup][number];

/** The columns that count victims: small cells are suppressed in every export and for those who may not see them exactly. */
export const victimFigures = figureGroups.victims;
export type VictimFigure = (typeof victimFigures)[number];

/** The column of each situation watched (monitoring_situations in vocabulary.json). */
export const monitoringFigureOf: Record<string, (typeof figureGroups.monitoring)[number]> = {
  internal_labour_migration: 'monitorInternalMigration',
  work_abroad: 'monitorWorkAbroad',
  foreign_marriage: 'monitorForeignMarriage',
  violence_women_children: 'monitorViolence',
  sexual_abuse_women_children: 'monitorSexualAbuse',
  suspected_trafficking_reported: 'monitorTraffickingReported',
  missing_suspected_trafficked: 'monitorMissing',
};

/** Every column whose cells of 1–4 are suppressed ("<5") in exports: victims and the situations watched. */
export const smallCellFigures = [...figureGroups.victims, ...figureGroups.monitoring] as const;
export type SmallCellFigure = (typeof smallCellFigures)[number];

/** The scalar columns of a summary, in the order every format shows them. */
export const figureColumns: readonly FigureColumn[] = Object.values(figureGroups).flat();

function emptyFigures(categories: string[]): Figures {
  return {
    rounds: 0,
    venuesChecked: 0,
    reportsApproved: 0,
    reportsPending: 0,
    violations: 0,
    byCategory: Object.fromEntries(categories.map((code) => [code, 0])),
    critical: 0,
    criticalReferred: 0,
    followUpsOpen: 0,
    followUpsOverdue: 0,
    followUpsDone: 0,
    followUpsVerified: 0,
    fines: 0,
    fineTotal: 0,
    staffCounselled: 0,
    outreachSessions: 0,
    participants: 0,
    women: 0,
    commitments: 0,
    byMeasure: Object.fromEntries(mediaMeasures.map((entry) => [entry.key, 0])),
    byGroup: Object.fromEntries(vocabularyCodes('target_groups').map((code) => [code, 0])),
    groupNotSplit: Object.fromEntries(vocabularyCodes('target_groups').map((code) => [code, 0])),
    notSplit: 0,
    byTopic: Object.fromEntries(vocabularyCodes('outreach_topics').map((code) => [code, 0])),
    victimsReturned: 0,
    victimsSupported: 0,
    victimsHandedToFamily: 0,
    modelsActive: 0,
    modelsNew: 0,
    modelsReplicated: 0,
    modelMembers: 0,
    trainedPropagandists: 0,
    monitorInternalMigration: 0,
    monitorWorkAbroad: 0,
    monitorForeignMarriage: 0,
    monitorViolence: 0,
    monitorSexualAbuse: 0,
    monitorTraffickingReported: 0,
    monitorMissing: 0,
    supervisionRecords: 0,
    supervisionNotMet: 0,
    recommendationsOpen: 0,
    recommendationsOverdue: 0,
    recommendationsVerified: 0,
  };
}

/** A round's venue checks in one recorded area: only approved reports (not replaced by an amendment) count. */
export interface RoundAreaFigures {
  areaId: number;
  venuesChecked: number;
  reportsApproved: number;
  violations: number;
  /** Violations per checklist category code ('' = outside the checklist). */
  byCategory: Record<string, number>;
  critical: number;
  criticalReferred: number;
}

/** Summaries already computed, per database, until a table they are read from changes. */
const summaryCaches = new WeakMap<AppDatabase, { generation: string; entries: Map<string, Summary> }>();
const SUMMARY_CACHE_SIZE = 50;

/** Every table a summary reads (its figures, and the checklist's categories); nothing else drops a summary. */
const SUMMARY_TABLES = ['rounds', 'round_areas', 'checks', 'findings', 'follow_ups', 'outreach_activities', 'outreach_measures', 'outreach_topics', 'outreach_target_groups',
  'checklist_templates', 'victim_support_records', 'victim_support_counts', 'prevention_models', 'prevention_model_members', 'propagandists', 'propagandist_trainings',
  'monitoring_records', 'monitoring_counts', 'supervision_records', 'recommendations'] as const;

/**
 * One summary model for the page, CSV, XLSX and PDF, so the figures agree in every format.
 * Each record counts under the units of its date (see SummaryRowKind): a period spanning 1 July 2025 has rows for
 * each side, which add up to one total. By district, the new communes' work rolls up to the district they mainly
 * came from; a round covering several areas counts once per area and once in the total.
 */
export function summaryService({ db, catalog, checklists, now = () => new Date() }: { db: AppDatabase; catalog: AreaCatalog; checklists: ChecklistsService; now?: () => Date }) {
  const repository = summaryRepository(db);
  const generationOf = tableVersions(db, SUMMARY_TABLES);

  /**
   * A summary reads a whole period, so the same one asked again (the page, then its exports; a page reloaded)
   * is served from memory until one of the tables it reads is written. Signing in, exporting (an audit entry)
   * and other unrelated writes keep it.
   */
  function cached(key: string, compute: () => Summary): Summary {
    const generation = generationOf();
    let cache = summaryCaches.get(db);
    if (!cache || cache.generation !== generation) {
      cache = { generation, entries: new Map() };
      summaryCaches.set(db, cache);
    }
    const hit = cache.entries.get(key);
    if (hit) return hit;
    const summary = compute();
    if (cache.entries.size >= SUMMARY_CACHE_SIZE) cache.entries.delete(cache.entries.keys().next().value!);
    cache.entries.set(key, summary);
    return summary;
  }

  return {
    /** The rows of a record export, as the reader's language shows them (streamed in batches). */
    /** A record export's rows; `spreadsheet` writes dates as spreadsheet dates (XLSX) instead of text (CSV). */
    records(kind: RecordKind, filter: RecordFilter, t: Translate, lang: Language, spreadsheet = false): AsyncGenerator<Record<string, Cell>> {
      return recordBatches(db, kind, filter, catalog, t, lang, spreadsheet);
    },

    /** Whether a campaign exists (a summary's filter naming another is refused). */
    campaignExists(id: number): boolean {
      return repository.campaignExists(id);
    },

    /** The period a query asks for; by default the current year. */
    period(query: SummaryQuery): { from: string; to: string } {
      const year = todayInVietnam(now()).slice(0, 4);
      const from = query.from ?? `${year}-01-01`;
      const to = query.to ?? `${year}-12-31`;
      return from <= to ? { from, to } : { from: to, to: from };
    },

    /**
     * One round's venue checks per recorded area (of the person's scope), with the checklist's categories: two
     * grouped queries, whatever the number of areas.
     */
    roundFigures(actor: Actor, roundId: number): { categories: Summary['categories']; areas: RoundAreaFigures[] } {
      const categories = [...checklists.latest().body.categories.map((category) => ({ code: category.code, vi: category.vi, en: category.en })), { code: '', vi: 'Ngoài bộ câu hỏi', en: 'Outside the checklist' }];
      const known = new Set(categories.map((category) => category.code));
      const areas = new Map<number, RoundAreaFigures>();
      const of = (areaId: number) => {
        if (!areas.has(areaId)) areas.set(areaId, { areaId, venuesChecked: 0, reportsApproved: 0, violations: 0, byCategory: {}, critical: 0, criticalReferred: 0 });
        return areas.get(areaId)!;
      };
      for (const row of repository.roundReportsByArea(roundId, actor.scope)) Object.assign(of(row.areaId), { venuesChecked: row.venues, reportsApproved: row.approved });
      for (const row of repository.roundFindingsByArea(roundId, actor.scope)) {
        const figures = of(row.areaId);
        const code = known.has(row.category) ? row.category : '';
        figures.violations += row.total;
        figures.critical += row.critical;
        figures.criticalReferred += row.referred;
        figures.byCategory[code] = (figures.byCategory[code] ?? 0) + row.total;
      }
      return { categories, areas: [...areas.values()] };
    },

    summarise(actor: Actor, query: SummaryQuery): Summary {
      const { from, to } = this.period(query);
      const today = todayInVietnam(now());
      return cached(JSON.stringify([from, to, query.level, query.campaign ?? null, query.topic ?? null, actor.scope, today]), () => compute(actor, query, from, to, today));
    },
  };

  function compute(actor: Actor, query: SummaryQuery, from: string, to: string, today: string): Summary {
    const level = query.level;
    const categories = [...checklists.latest().body.categories.map((category) => ({ code: category.code, vi: category.vi, en: category.en })), { code: '', vi: 'Ngoài bộ câu hỏi', en: 'Outside the checklist' }];
    const categoryCodes = categories.map((category) => category.code);
    const filter: SummaryFilter = { from, to, scope: actor.scope, today, ...(query.campaign ? { campaignId: query.campaign } : {}), ...(query.topic ? { topic: query.topic } : {}) };

    const visible = (area: AreaRecord) => actor.scope.all || scopeIncludes(actor.scope, area.id);
    const parts = reformParts(from, to);
    // The row a record counts under, by its area and the side of the reform its date is on.
    const unitOf = (areaId: number, part: ReformPart): { area: AreaRecord; kind: SummaryRowKind; district?: AreaRecord } | undefined => {
      const area = catalog.byId.get(areaId);
      if (!area || area.level === 'province') return undefined;
      const districtOf = (id: number) => {
        const districtId = rollupDistrict(catalog, id, actor.scope);
        return districtId === undefined ? undefined : catalog.byId.get(districtId);
      };
      if (level === 'district') {
        const district = districtOf(areaId);
        return district && { area: district, kind: part === 'before' ? 'district' : 'newCommunesOf' };
      }
      if (part === 'after') return { area, kind: area.level === 'commune' ? 'commune' : 'unknownNewCommune' };
      if (area.level === 'district') return { area, kind: 'unknownOldCommune' };
      const oldCommune = catalog.oldCommunes.get(catalog.oldCommuneOf(areaId) ?? 0);
      if (oldCommune) return { area: oldCommune, kind: 'oldCommune', ...(oldCommune.parentId && catalog.byId.get(oldCommune.parentId) ? { district: catalog.byId.get(oldCommune.parentId)! } : {}) };
      const district = districtOf(areaId);
      return district && { area: district, kind: 'unknownOldCommune' };
    };
    const rows = new Map<string, SummaryRow>();
    // Rows that hold a record in the person's scope show even when their unit lies outside it, so rows add up to the total.
    const touched = new Set<string>();
    const rowOf = (areaId: number, part: ReformPart, touch = true): SummaryRow | undefined => {
      const unit = unitOf(areaId, part);
      if (!unit) return undefined;
      const key = `${part}:${unit.kind}:${unit.area.id}`;
      if (!rows.has(key)) rows.set(key, { ...unit, part, figures: emptyFigures(categoryCodes) });
      if (touch) touched.add(key);
      return rows.get(key);
    };
    const partOf = (before: number): ReformPart => (before ? 'before' : 'after');
    const figuresOf = (areaId: number, before: number): Figures | undefined => rowOf(areaId, partOf(before))?.figures;
    // Every unit of its time shows, with zeros when nothing happened there: the districts before the reform, the
    // new communes (or, by district, the districts' new communes together) after it.
    for (const { part } of parts) {
      const units = level === 'district' || part === 'before' ? catalog.districts : catalog.communes;
      for (const area of units) if (visible(area)) rowOf(area.id, part, false);
    }

    const total = emptyFigures(categoryCodes);
    const roundsPerRow = new Map<SummaryRow, Set<number>>();
    const allRounds = new Set<number>();
    for (const pair of repository.roundAreas(filter)) {
      const row = rowOf(pair.areaId, partOf(pair.before));
      if (!row) continue;
      if (!roundsPerRow.has(row)) roundsPerRow.set(row, new Set());
      roundsPerRow.get(row)!.add(pair.roundId);
      allRounds.add(pair.roundId);
    }
    for (const [row, set] of roundsPerRow) row.figures.rounds = set.size;
    total.rounds = allRounds.size;

    const add = (figures: Figures | undefined, field: ScalarFigure, value: number) => {
      if (!figures) return;
      figures[field] += value;
      total[field] += value;
    };
    for (const row of repository.reportsByArea(filter)) {
      const figures = figuresOf(row.areaId, row.before);
      add(figures, 'reportsApproved', row.approved);
      add(figures, 'venuesChecked', row.venues);
      add(figures, 'staffCounselled', row.counselled);
      add(figures, 'reportsPending', row.pending);
    }
    for (const row of repository.findingsByArea(filter)) {
      const figures = figuresOf(row.areaId, row.before);
      if (!figures) continue;
      add(figures, 'violations', row.total);
      add(figures, 'critical', row.critical);
      add(figures, 'criticalReferred', row.referred);
      const code = row.category in figures.byCategory ? row.category : '';
      figures.byCategory[code] = (figures.byCategory[code] ?? 0) + row.total;
      total.byCategory[code] = (total.byCategory[code] ?? 0) + row.total;
    }
    for (const row of repository.followUpsByArea(filter)) {
      const figures = figuresOf(row.areaId, row.before);
      add(figures, 'followUpsOpen', row.open);
      add(figures, 'followUpsOverdue', row.overdue);
      add(figures, 'followUpsDone', row.done);
      add(figures, 'followUpsVerified', row.verified);
      add(figures, 'fines', row.fines);
      add(figures, 'fineTotal', row.fineTotal);
    }
    for (const row of repository.outreachByArea(filter)) {
      const figures = figuresOf(row.areaId, row.before);
      add(figures, 'outreachSessions', row.sessions);
      add(figures, 'participants', row.participants);
      add(figures, 'women', row.women);
      add(figures, 'notSplit', row.notSplit);
    }
    const addTo = (figures: Figures | undefined, field: 'byMeasure' | 'byGroup' | 'groupNotSplit' | 'byTopic', key: string, value: number) => {
      if (!figures || !(key in figures[field])) return;
      figures[field][key]! += value;
      total[field][key]! += value;
    };
    for (const row of repository.outreachMeasuresByArea(filter)) {
      const figures = figuresOf(row.areaId, row.before);
      if (row.measure === 'commitments') add(figures, 'commitments', row.total);
      else addTo(figures, 'byMeasure', `${row.channel}.${row.measure}`, row.total);
    }
    for (const row of repository.outreachGroupsByArea(filter)) {
      const figures = figuresOf(row.areaId, row.before);
      addTo(figures, 'byGroup', row.groupCode, row.split);
      addTo(figures, 'groupNotSplit', row.groupCode, row.notSplit);
    }
    for (const row of repository.outreachTopicsByArea(filter)) addTo(figuresOf(row.areaId, row.before), 'byTopic', row.topicCode, row.activities);
    // A figure recorded for the whole province (the sample's 2021–2025 total) belongs to no row, so it stays out.
    const victimColumn: Record<string, VictimFigure> = { returned: 'victimsReturned', supported: 'victimsSupported', handed_to_family: 'victimsHandedToFamily' };
    for (const row of repository.victimsByArea(filter)) {
      if (catalog.byId.get(row.areaId)?.level === 'province') continue;
      const column = victimColumn[row.measure];
      if (column) add(figuresOf(row.areaId, row.before), column, row.total);
    }
    // Models, the roster and the situations watched belong to no campaign: a campaign filter leaves them as they are.
    // Models and the roster are counted as they stand at the period's end, so on that side of the reform.
    const atEnd = to < REFORM_DATE ? 1 : 0;
    for (const row of repository.modelsByArea(filter)) {
      const figures = figuresOf(row.areaId, atEnd);
      add(figures, 'modelsActive', row.active);
      add(figures, 'modelsNew', row.started);
      add(figures, 'modelsReplicated', row.replicated);
      add(figures, 'modelMembers', row.members);
    }
    for (const row of repository.propagandistsByArea(filter)) add(figuresOf(row.areaId, atEnd), 'trainedPropagandists', row.trained);
    for (const row of repository.monitoringByArea(filter)) {
      const column = monitoringFigureOf[row.category];
      if (column) add(figuresOf(row.areaId, row.before), column, row.total);
    }

    for (const row of repository.supervisionByArea(filter)) {
      const figures = figuresOf(row.areaId, row.before);
      add(figures, 'supervisionRecords', row.records);
      add(figures, 'supervisionNotMet', row.notMet);
    }
    for (const row of repository.recommendationsByArea(filter)) {
      const figures = figuresOf(row.areaId, row.before);
      add(figures, 'recommendationsOpen', row.open);
      add(figures, 'recommendationsOverdue', row.overdue);
      add(figures, 'recommendationsVerified', row.verified);
    }

    // Before the reform first; by district code (an old district's known old communes after it), new communes by name.
    const kindOrder: Record<SummaryRowKind, number> = { district: 0, unknownOldCommune: 0, oldCommune: 1, newCommunesOf: 0, commune: 0, unknownNewCommune: 1 };
    const sortKey = (row: SummaryRow) => [
      row.part === 'before' ? 0 : 1,
      row.kind === 'commune' ? '' : (row.district ?? row.area).code,
      kindOrder[row.kind],
      row.area.nameKey,
    ] as const;
    const compare = (a: SummaryRow, b: SummaryRow) => {
      const [x, y] = [sortKey(a), sortKey(b)];
      return x[0] - y[0] || x[1].localeCompare(y[1]) || x[2] - y[2] || x[3].localeCompare(y[3]);
    };
    const ordered = [...rows]
      .filter(([key, row]) => touched.has(key) || visible(row.area))
      .map(([, row]) => row)
      .sort(compare);
    return { from, to, level, campaignId: query.campaign ?? null, topic: query.topic ?? null, categories, rows: ordered, total, parts };
  }
}

export type SummaryService = ReturnType<typeof summaryService>;
