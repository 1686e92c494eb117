import type { Language, MessageKey, Translate } from '../../i18n/index.js';
import type { VocabularyName } from '../../lib/vocabulary.js';
import { outreachChannels, vocabularyLabel } from '../../lib/vocabulary.js';
import { formatDate, formatMoment } from '../../lib/dates.js';
import { findingTitle } from '../findings/index.js';
import type { RecordKind, RecordRow } from './records.queries.js';

/** A cell of a record export: dates are text in a CSV and spreadsheet dates in an XLSX. */
export type Cell = string | number | Date | null;

/** What a column's value may need besides its row: the language, its messages, the names of areas. */
export interface ExportContext {
  t: Translate;
  lang: Language;
  areaName: (areaId: number) => string;
  /** Dates and moments as spreadsheet dates (XLSX), so they sort and filter as dates, instead of dd/mm/yyyy text. */
  spreadsheet?: boolean;
}

/**
 * One column of a record export: its header, what it holds, and how its cell is read from a row. Without
 * `value`, the row's field named `key` is written as it is (text, number) or as a date or a moment in Vietnam.
 */
export interface ExportColumn {
  key: string;
  header: MessageKey;
  type: 'text' | 'number' | 'date' | 'moment';
  value?: (row: RecordRow, context: ExportContext) => Cell;
}

const label = (vocabulary: VocabularyName, field: string) => (row: RecordRow, { lang }: ExportContext) => (row[field] ? vocabularyLabel(vocabulary, String(row[field]), lang) : '');
/** A label even for an empty value (columns that are never empty in their table). */
const labelAlways = (vocabulary: VocabularyName, field: string) => (row: RecordRow, { lang }: ExportContext) => vocabularyLabel(vocabulary, String(row[field]), lang);
const status = (prefix: string, field: string) => (row: RecordRow, { t }: ExportContext) => (row[field] ? t(`${prefix}.${String(row[field])}` as MessageKey) : '');

/** Every column any export has, by key. */
const column = {
  reportId: { key: 'report_id', header: 'export.col.reportId', type: 'number' },
  roundTitle: { key: 'round_title', header: 'export.col.round', type: 'text' },
  venueName: { key: 'venue_name', header: 'export.col.venue', type: 'text' },
  venueKind: { key: 'venue_kind', header: 'export.col.venueKind', type: 'text', value: labelAlways('venue_kinds', 'venue_kind') },
  areaName: { key: 'area_name', header: 'export.col.area', type: 'text', value: (row, { areaName }) => areaName(row.area_id as number) },
  visitDate: { key: 'visit_date', header: 'export.col.visitDate', type: 'date' },
  status: { key: 'status', header: 'export.col.status', type: 'text', value: status('checkStatus', 'status') },
  inspector: { key: 'inspector', header: 'export.col.inspector', type: 'text' },
  ownersPresent: { key: 'owners_present', header: 'export.col.ownersPresent', type: 'number' },
  staffPresent: { key: 'staff_present', header: 'export.col.staffPresent', type: 'number' },
  staffCounselled: { key: 'staff_counselled', header: 'export.col.staffCounselled', type: 'number' },
  violationCount: { key: 'violation_count', header: 'export.col.violations', type: 'number' },
  conclusion: { key: 'conclusion', header: 'export.col.conclusion', type: 'text' },
  supersededBy: { key: 'superseded_by', header: 'export.col.supersededBy', type: 'text', value: (row, { t }) => (row.superseded_by ? t('export.supersededBy', { id: row.superseded_by as number }) : '') },
  findingId: { key: 'finding_id', header: 'export.col.findingId', type: 'number' },
  reportStatus: { key: 'report_status', header: 'export.col.reportStatus', type: 'text', value: status('checkStatus', 'report_status') },
  itemCode: { key: 'item_code', header: 'export.col.item', type: 'text' },
  // A report without findings (in the flat file) has no category at all.
  category: { key: 'category', header: 'export.col.category', type: 'text', value: (row, { t }) => (row.category ? String(row.category) : row.finding_id ? t('findings.outsideChecklist') : '') },
  title: { key: 'title', header: 'export.col.finding', type: 'text', value: (row, { t }) => findingTitle(t, { itemCode: (row.item_code as string | null) ?? null, title: String(row.title ?? '') }) },
  severity: { key: 'severity', header: 'export.col.severity', type: 'text', value: label('severities', 'severity') },
  findingStatus: { key: 'finding_status', header: 'export.col.findingStatus', type: 'text', value: status('findingStatus', 'finding_status') },
  referralAgency: { key: 'referral_agency', header: 'export.col.referralAgency', type: 'text', value: label('agencies', 'referral_agency') },
  referredOn: { key: 'referred_on', header: 'export.col.referredOn', type: 'date' },
  followUpId: { key: 'follow_up_id', header: 'export.col.followUpId', type: 'number' },
  measure: { key: 'measure', header: 'export.col.measure', type: 'text', value: label('follow_up_actions', 'measure') },
  fineAmount: { key: 'fine_amount', header: 'export.col.fineAmount', type: 'number' },
  dueDate: { key: 'due_date', header: 'export.col.dueDate', type: 'date' },
  followUpStatus: { key: 'follow_up_status', header: 'export.col.followUpStatus', type: 'text', value: status('followUpStatus', 'follow_up_status') },
  responsible: {
    key: 'responsible',
    header: 'export.col.responsible',
    type: 'text',
    value: (row, { t, lang }) =>
      row.responsible_kind === 'agency' ? vocabularyLabel('agencies', String(row.responsible_agency), lang) : row.responsible_kind === 'user' ? String(row.responsible_user ?? '') : t('followUps.responsible.venue'),
  },
  verifiedAt: { key: 'verified_at', header: 'export.col.verifiedAt', type: 'moment' },
  activityId: { key: 'activity_id', header: 'export.col.activityId', type: 'number' },
  activityDate: { key: 'activity_date', header: 'export.col.date', type: 'date' },
  village: { key: 'village', header: 'export.col.village', type: 'text' },
  channels: {
    key: 'measures',
    header: 'export.col.channels',
    type: 'text',
    value: (row, { lang }) => {
      // "zalo.posts=2,zalo.members=300" → "Nhóm Zalo: Bài, tin đăng 2, Thành viên các nhóm nhận tin 300", in the vocabulary's order.
      const values = new Map(
        String(row.measures ?? '')
          .split(',')
          .filter(Boolean)
          .map((pair) => [pair.slice(0, pair.lastIndexOf('=')), Number(pair.slice(pair.lastIndexOf('=') + 1))] as const),
      );
      return outreachChannels()
        .filter((channel) => channel.measures.some((measure) => values.has(`${channel.code}.${measure.code}`)))
        .map((channel) => `${channel[lang]}: ${channel.measures.map((measure) => `${measure[lang]} ${values.get(`${channel.code}.${measure.code}`) ?? 0}`).join(', ')}`)
        .join('; ');
    },
  },
  topics: {
    key: 'topics',
    header: 'export.col.topics',
    type: 'text',
    value: (row, { lang }) =>
      String(row.topics ?? '')
        .split(',')
        .filter(Boolean)
        .map((code) => (code === 'other' && row.topic_other ? `${vocabularyLabel('outreach_topics', code, lang)}: ${String(row.topic_other)}` : vocabularyLabel('outreach_topics', code, lang)))
        .join('; '),
  },
  groups: {
    key: 'groups',
    header: 'export.col.groups',
    type: 'text',
    // "students=60,officials=" → "Học sinh, sinh viên (60); Cán bộ … (chưa tách)" when there are participants.
    value: (row, { t, lang }) =>
      String(row.groups ?? '')
        .split(',')
        .filter(Boolean)
        .map((pair) => {
          const [code, share] = pair.split('=');
          const label = vocabularyLabel('target_groups', code!, lang);
          return Number(row.participants_total) > 0 ? `${label} (${share ? share : t('outreach.notSplit')})` : label;
        })
        .join('; '),
  },
  sessions: { key: 'sessions', header: 'export.col.sessions', type: 'number' },
  organisingAgency: { key: 'organising_agency', header: 'export.col.agency', type: 'text', value: label('agencies', 'organising_agency') },
  participantsTotal: { key: 'participants_total', header: 'export.col.participants', type: 'number' },
  participantsWomen: { key: 'participants_women', header: 'export.col.women', type: 'number' },
} satisfies Record<string, ExportColumn>;

const c = column;
const reports: ExportColumn[] = [c.reportId, c.roundTitle, c.venueName, c.venueKind, c.areaName, c.visitDate, c.status, c.inspector, c.ownersPresent, c.staffPresent, c.staffCounselled, c.violationCount, c.conclusion, c.supersededBy];
const findings: ExportColumn[] = [c.findingId, c.reportId, c.reportStatus, c.venueName, c.areaName, c.visitDate, c.itemCode, c.category, c.title, c.severity, c.findingStatus, c.referralAgency, c.referredOn, c.followUpId, c.measure, c.fineAmount, c.dueDate, c.followUpStatus];

/**
 * The columns of each record export, in order. Never exported: the victim-detail note of a finding and who was
 * present for the team; nothing identifies a venue's staff.
 */
export const exportColumns: Record<RecordKind, ExportColumn[]> = {
  reports,
  findings,
  followups: [c.followUpId, c.findingId, c.reportId, c.venueName, c.areaName, c.title, c.measure, c.fineAmount, c.responsible, c.dueDate, c.followUpStatus, c.verifiedAt],
  outreach: [c.activityId, c.activityDate, c.areaName, c.village, c.topics, c.channels, c.groups, c.organisingAgency, c.sessions, c.participantsTotal, c.participantsWomen],
  // One line per report, finding and follow-up: the report's columns, then the finding's not already there.
  flat: [...reports, ...findings.filter((one) => ![c.reportId, c.reportStatus, c.venueName, c.areaName, c.visitDate].some((shown) => shown.key === one.key))],
};

const VIETNAM_OFFSET_MS = 7 * 3600_000;

/**
 * A stored date (YYYY-MM-DD) or moment (ISO, UTC) as a spreadsheet date. Spreadsheets have no time zones, so a
 * moment is written as the wall-clock time in Vietnam (UTC+7 all year, no daylight saving), as the pages show it.
 */
function spreadsheetDate(value: string | null, type: 'date' | 'moment'): Date | null {
  if (!value) return null;
  const at = type === 'date' ? Date.parse(`${value.slice(0, 10)}T00:00:00Z`) : Date.parse(value) + VIETNAM_OFFSET_MS;
  return Number.isNaN(at) ? null : new Date(type === 'moment' ? Math.floor(at / 60_000) * 60_000 : at);
}

/** A column's cell for one row. */
export function cellOf(column: ExportColumn, row: RecordRow, context: ExportContext): Cell {
  if (column.value) return column.value(row, context);
  const value = row[column.key];
  if (column.type === 'date' || column.type === 'moment') {
    if (context.spreadsheet) return spreadsheetDate(value as string | null, column.type);
    return column.type === 'date' ? formatDate(value as string | null) : formatMoment(value as string | null);
  }
  return (value ?? null) as Cell;
}
