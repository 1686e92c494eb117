import { tableVersions, type AppDatabase } from '../../../db/client.js';
import { todayInVietnam } from '../../lib/dates.js';
import { outreachChannels, vocabularyCodes } from '../../lib/vocabulary.js';
import type { AreaCatalog, AreaRecord } from '../../areas/index.js';
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
}

export interface SummaryRow {
  area: AreaRecord;
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
} as const satisfies Record<string, ReadonlyArray<ScalarFigure>>;
export type FigureGroup = keyof typeof figureGroups;
export type FigureColumn = (typeof figureGroups)[FigureGroup][number];

/** The columns that count victims: small cells are suppressed in every export and for those who may not see them exactly. */
export const victimFigures = figureGroups.victims;
export type VictimFigure = (typeof victimFigures)[number];

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
  };
}

/** Summaries already computed, per database, until a table they are read from changes. */
const summaryCaches = new WeakMap<AppDatabase, { generation: string; entries: Map<string, Summary> }>();
const SUMMARY_CACHE_SIZE = 50;

/** Every table a summary reads (its figures, and the checklist's categories); nothing else drops a summary. */
const SUMMARY_TABLES = [
  'rounds',
  'round_areas',
  'checks',
  'findings',
  'follow_ups',
  'outreach_activities',
  'outreach_measures',
  'outreach_topics',
  'outreach_target_groups',
  'checklist_templates',
  'victim_support_records',
  'victim_support_counts',
] as const;

/**
 * One summary model for the page, CSV, XLSX and PDF, so the figures agree in every format.
 * Work recorded by commune after 2025-07-01 rolls up to the district it mainly came from, so a summary by
 * district across the reform is whole; a round covering several areas counts once per area and once in the total.
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
    // The row an area's records count under.
    const rowOf = (areaId: number): number | undefined => {
      if (!catalog.byId.has(areaId)) return undefined;
      return level === 'commune' ? areaId : rollupDistrict(catalog, areaId, actor.scope);
    };
    const rows = new Map<number, Figures>();
    const figuresOf = (areaId: number): Figures | undefined => {
      const key = rowOf(areaId);
      if (key === undefined) return undefined;
      if (!rows.has(key)) rows.set(key, emptyFigures(categoryCodes));
      return rows.get(key);
    };
    // Every area of the level shows, with zeros when nothing happened there.
    for (const area of level === 'district' ? catalog.districts : catalog.communes) if (visible(area)) figuresOf(area.id);

    const total = emptyFigures(categoryCodes);
    const roundsPerRow = new Map<number, Set<number>>();
    const allRounds = new Set<number>();
    for (const pair of repository.roundAreas(filter)) {
      const key = rowOf(pair.areaId);
      if (key === undefined) continue;
      figuresOf(pair.areaId);
      if (!roundsPerRow.has(key)) roundsPerRow.set(key, new Set());
      roundsPerRow.get(key)!.add(pair.roundId);
      allRounds.add(pair.roundId);
    }
    for (const [key, set] of roundsPerRow) rows.get(key)!.rounds = set.size;
    total.rounds = allRounds.size;

    const add = (figures: Figures | undefined, field: ScalarFigure, value: number) => {
      if (!figures) return;
      figures[field] += value;
      total[field] += value;
    };
    for (const row of repository.reportsByArea(filter)) {
      const figures = figuresOf(row.areaId);
      add(figures, 'reportsApproved', row.approved);
      add(figures, 'venuesChecked', row.venues);
      add(figures, 'staffCounselled', row.counselled);
      add(figures, 'reportsPending', row.pending);
    }
    for (const row of repository.findingsByArea(filter)) {
      const figures = figuresOf(row.areaId);
      if (!figures) continue;
      add(figures, 'violations', row.total);
      add(figures, 'critical', row.critical);
      add(figures, 'criticalReferred', row.referred);
      const code = row.category in figures.byCategory ? row.category : '';
      figures.byCategory[code] = (figures.byCategory[code] ?? 0) + row.total;
      total.byCategory[code] = (total.byCategory[code] ?? 0) + row.total;
    }
    for (const row of repository.followUpsByArea(filter)) {
      const figures = figuresOf(row.areaId);
      add(figures, 'followUpsOpen', row.open);
      add(figures, 'followUpsOverdue', row.overdue);
      add(figures, 'followUpsDone', row.done);
      add(figures, 'followUpsVerified', row.verified);
      add(figures, 'fines', row.fines);
      add(figures, 'fineTotal', row.fineTotal);
    }
    for (const row of repository.outreachByArea(filter)) {
      const figures = figuresOf(row.areaId);
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
      const figures = figuresOf(row.areaId);
      if (row.measure === 'commitments') add(figures, 'commitments', row.total);
      else addTo(figures, 'byMeasure', `${row.channel}.${row.measure}`, row.total);
    }
    for (const row of repository.outreachGroupsByArea(filter)) {
      const figures = figuresOf(row.areaId);
      addTo(figures, 'byGroup', row.groupCode, row.split);
      addTo(figures, 'groupNotSplit', row.groupCode, row.notSplit);
    }
    for (const row of repository.outreachTopicsByArea(filter)) addTo(figuresOf(row.areaId), 'byTopic', row.topicCode, row.activities);
    // A figure recorded for the whole province (the sample's 2021–2025 total) belongs to no row, so it stays out.
    const victimColumn: Record<string, VictimFigure> = { returned: 'victimsReturned', supported: 'victimsSupported', handed_to_family: 'victimsHandedToFamily' };
    for (const row of repository.victimsByArea(filter)) {
      if (catalog.byId.get(row.areaId)?.level === 'province') continue;
      const column = victimColumn[row.measure];
      if (column) add(figuresOf(row.areaId), column, row.total);
    }

    const ordered = [...rows]
      .map(([areaId, figures]) => ({ area: catalog.byId.get(areaId)!, figures }))
      .filter((row) => row.area && visible(row.area))
      .sort((a, b) => (a.area.level === b.area.level ? (a.area.level === 'district' ? a.area.code.localeCompare(b.area.code) : a.area.nameKey.localeCompare(b.area.nameKey)) : a.area.level === 'district' ? 1 : -1));
    return { from, to, level, campaignId: query.campaign ?? null, topic: query.topic ?? null, categories, rows: ordered, total };
  }
}

export type SummaryService = ReturnType<typeof summaryService>;
