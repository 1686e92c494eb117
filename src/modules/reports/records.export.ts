import { PassThrough, type Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { AppDatabase } from '../../../db/client.js';
import type { Translate, MessageKey } from '../../i18n/index.js';
import type { AreaCatalog } from '../areas/areas.service.js';
import type { AreaScope } from '../auth/scope.js';
import { vocabularyLabel } from '../../lib/vocabulary.js';
import { formatDate, formatMoment } from '../../lib/dates.js';
import { findingTitle } from '../findings/findings.service.js';
import type { Language } from '../../i18n/index.js';

export const recordKinds = ['reports', 'findings', 'followups', 'outreach', 'flat'] as const;
export type RecordKind = (typeof recordKinds)[number];

export interface RecordFilter {
  from: string;
  to: string;
  campaignId?: number;
  scope: AreaScope;
  /** Only approved reports still current (the records behind a summary). */
  approvedOnly?: boolean;
}

interface Column {
  key: string;
  label: MessageKey;
}

/**
 * The columns of each record export. Never exported: the victim-detail note of a finding and who was present
 * for the team; nothing identifies a venue's staff.
 */
const columns: Record<RecordKind, Column[]> = {
  reports: [
    { key: 'report_id', label: 'export.col.reportId' },
    { key: 'round_title', label: 'export.col.round' },
    { key: 'venue_name', label: 'export.col.venue' },
    { key: 'venue_kind', label: 'export.col.venueKind' },
    { key: 'area_name', label: 'export.col.area' },
    { key: 'visit_date', label: 'export.col.visitDate' },
    { key: 'status', label: 'export.col.status' },
    { key: 'inspector', label: 'export.col.inspector' },
    { key: 'owners_present', label: 'export.col.ownersPresent' },
    { key: 'staff_present', label: 'export.col.staffPresent' },
    { key: 'staff_counselled', label: 'export.col.staffCounselled' },
    { key: 'violation_count', label: 'export.col.violations' },
    { key: 'conclusion', label: 'export.col.conclusion' },
    { key: 'superseded_by', label: 'export.col.supersededBy' },
  ],
  findings: [
    { key: 'finding_id', label: 'export.col.findingId' },
    { key: 'report_id', label: 'export.col.reportId' },
    { key: 'report_status', label: 'export.col.reportStatus' },
    { key: 'venue_name', label: 'export.col.venue' },
    { key: 'area_name', label: 'export.col.area' },
    { key: 'visit_date', label: 'export.col.visitDate' },
    { key: 'item_code', label: 'export.col.item' },
    { key: 'category', label: 'export.col.category' },
    { key: 'title', label: 'export.col.finding' },
    { key: 'severity', label: 'export.col.severity' },
    { key: 'finding_status', label: 'export.col.findingStatus' },
    { key: 'referral_agency', label: 'export.col.referralAgency' },
    { key: 'referred_on', label: 'export.col.referredOn' },
    { key: 'follow_up_id', label: 'export.col.followUpId' },
    { key: 'measure', label: 'export.col.measure' },
    { key: 'fine_amount', label: 'export.col.fineAmount' },
    { key: 'due_date', label: 'export.col.dueDate' },
    { key: 'follow_up_status', label: 'export.col.followUpStatus' },
  ],
  followups: [
    { key: 'follow_up_id', label: 'export.col.followUpId' },
    { key: 'finding_id', label: 'export.col.findingId' },
    { key: 'report_id', label: 'export.col.reportId' },
    { key: 'venue_name', label: 'export.col.venue' },
    { key: 'area_name', label: 'export.col.area' },
    { key: 'title', label: 'export.col.finding' },
    { key: 'measure', label: 'export.col.measure' },
    { key: 'fine_amount', label: 'export.col.fineAmount' },
    { key: 'responsible', label: 'export.col.responsible' },
    { key: 'due_date', label: 'export.col.dueDate' },
    { key: 'follow_up_status', label: 'export.col.followUpStatus' },
    { key: 'verified_at', label: 'export.col.verifiedAt' },
  ],
  outreach: [
    { key: 'activity_id', label: 'export.col.activityId' },
    { key: 'activity_date', label: 'export.col.date' },
    { key: 'area_name', label: 'export.col.area' },
    { key: 'village', label: 'export.col.village' },
    { key: 'format', label: 'export.col.format' },
    { key: 'channel', label: 'export.col.channel' },
    { key: 'groups', label: 'export.col.groups' },
    { key: 'organising_agency', label: 'export.col.agency' },
    { key: 'participants_total', label: 'export.col.participants' },
    { key: 'participants_women', label: 'export.col.women' },
    { key: 'leaflets', label: 'export.col.leaflets' },
    { key: 'posters', label: 'export.col.posters' },
    { key: 'broadcast_minutes', label: 'export.col.minutes' },
  ],
  flat: [],
};
columns.flat = [
  ...columns.reports,
  ...columns.findings.filter((column) => !['report_id', 'report_status', 'venue_name', 'area_name', 'visit_date'].includes(column.key)),
];

const BATCH = 2000;

function scopeSql(column: string, scope: AreaScope): { sql: string; params: number[] } {
  if (scope.all) return { sql: '', params: [] };
  const ids = scope.areaIds.length > 0 ? scope.areaIds : [-1];
  return { sql: ` and ${column} in (${ids.map(() => '?').join(',')})`, params: ids };
}

/**
 * Streams the records of one kind in batches keyed on the row id (constant memory, and no cursor held open
 * on the shared connection while the client downloads).
 */
export function recordBatches(db: AppDatabase, kind: RecordKind, filter: RecordFilter, catalog: AreaCatalog, t: Translate, lang: Language): AsyncGenerator<Record<string, string | number | null>> {
  const client = db.$client;
  const campaign = filter.campaignId ? [filter.campaignId] : [];
  const areaName = (id: number) => catalog.byId.get(id)?.name ?? String(id);
  const statusLabel = (prefix: string, status: string | null) => (status ? t(`${prefix}.${status}` as MessageKey) : '');

  // Keyset pagination on row values: each batch resumes after the last (report, finding, follow-up) ids seen.
  const queries: Record<RecordKind, { sql: string; params: unknown[]; keys: string[] }> = (() => {
    const reportScope = scopeSql('c.area_id', filter.scope);
    const approved = filter.approvedOnly ? " and c.status = 'approved' and c.superseded_by_id is null" : '';
    const reportWhere = `c.visit_date between ? and ?${filter.campaignId ? ' and r.campaign_id = ?' : ''}${reportScope.sql}${approved}`;
    const reportParams = [filter.from, filter.to, ...campaign, ...reportScope.params];
    const outreachScope = scopeSql('o.area_id', filter.scope);
    const reportSelect = `c.id as report_id, r.title as round_title, v.name as venue_name, v.kind as venue_kind, c.area_id as area_id, c.visit_date,
      c.status, u.name as inspector, c.owners_present, c.staff_present, c.staff_counselled, c.violation_count, c.conclusion, c.superseded_by_id as superseded_by`;
    const findingSelect = `f.id as finding_id, f.item_code, f.category, f.title, f.severity, f.status as finding_status, f.referral_agency, f.referred_on,
      fu.id as follow_up_id, fu.measure, fu.fine_amount, fu.due_date, fu.status as follow_up_status`;
    return {
      reports: {
        sql: `select ${reportSelect}, c.id as k1 from checks c join rounds r on r.id = c.round_id join venues v on v.id = c.venue_id join users u on u.id = c.inspector_id
              where ${reportWhere} and c.id > ? order by c.id limit ${BATCH}`,
        params: reportParams,
        keys: ['k1'],
      },
      findings: {
        sql: `select ${findingSelect}, c.id as report_id, c.status as report_status, v.name as venue_name, f.area_id as area_id, f.visit_date, f.id as k1, coalesce(fu.id, 0) as k2
              from findings f join checks c on c.id = f.check_id join rounds r on r.id = c.round_id join venues v on v.id = f.venue_id
              left join follow_ups fu on fu.finding_id = f.id
              where ${reportWhere} and (f.id, coalesce(fu.id, 0)) > (?, ?) order by f.id, coalesce(fu.id, 0) limit ${BATCH}`,
        params: reportParams,
        keys: ['k1', 'k2'],
      },
      followups: {
        sql: `select fu.id as follow_up_id, f.id as finding_id, c.id as report_id, v.name as venue_name, fu.area_id as area_id, f.item_code, f.title,
                     fu.measure, fu.fine_amount, fu.responsible_kind, fu.responsible_agency, ru.name as responsible_user, fu.due_date, fu.status as follow_up_status,
                     fu.verified_at, fu.id as k1
              from follow_ups fu join findings f on f.id = fu.finding_id join checks c on c.id = f.check_id join rounds r on r.id = c.round_id
              join venues v on v.id = fu.venue_id left join users ru on ru.id = fu.responsible_user_id
              where ${reportWhere} and fu.id > ? order by fu.id limit ${BATCH}`,
        params: reportParams,
        keys: ['k1'],
      },
      outreach: {
        sql: `select o.id as activity_id, o.activity_date, o.area_id as area_id, o.village, o.format, o.channel, o.organising_agency, o.participants_total,
                     o.participants_women, o.leaflets, o.posters, o.broadcast_minutes,
                     (select group_concat(g.group_code, ',') from outreach_target_groups g where g.activity_id = o.id) as groups, o.id as k1
              from outreach_activities o where o.activity_date between ? and ?${filter.campaignId ? ' and o.campaign_id = ?' : ''}${outreachScope.sql} and o.id > ?
              order by o.id limit ${BATCH}`,
        params: [filter.from, filter.to, ...campaign, ...outreachScope.params],
        keys: ['k1'],
      },
      flat: {
        sql: `select ${reportSelect}, ${findingSelect}, c.id as k1, coalesce(f.id, 0) as k2, coalesce(fu.id, 0) as k3
              from checks c join rounds r on r.id = c.round_id join venues v on v.id = c.venue_id join users u on u.id = c.inspector_id
              left join findings f on f.check_id = c.id left join follow_ups fu on fu.finding_id = f.id
              where ${reportWhere} and (c.id, coalesce(f.id, 0), coalesce(fu.id, 0)) > (?, ?, ?) order by c.id, coalesce(f.id, 0), coalesce(fu.id, 0) limit ${BATCH}`,
        params: reportParams,
        keys: ['k1', 'k2', 'k3'],
      },
    };
  })();

  const query = queries[kind];
  const statement = client.prepare(query.sql);

  function present(row: Record<string, unknown>): Record<string, string | number | null> {
    const out: Record<string, string | number | null> = {};
    for (const column of columns[kind]) {
      const value = row[column.key];
      switch (column.key) {
        case 'area_name':
          out[column.key] = areaName(row.area_id as number);
          break;
        case 'venue_kind':
          out[column.key] = vocabularyLabel('venue_kinds', String(value), lang);
          break;
        case 'status':
        case 'report_status':
          out[column.key] = statusLabel('checkStatus', value as string);
          break;
        case 'superseded_by':
          out[column.key] = value ? t('export.supersededBy', { id: value as number }) : '';
          break;
        case 'visit_date':
        case 'referred_on':
        case 'due_date':
        case 'activity_date':
          out[column.key] = formatDate(value as string | null);
          break;
        case 'verified_at':
          out[column.key] = formatMoment(value as string | null);
          break;
        case 'category':
          // A report without findings (in the flat file) has no category at all.
          out[column.key] = value ? String(value) : row.finding_id ? t('findings.outsideChecklist') : '';
          break;
        case 'title':
          out[column.key] = findingTitle(t, { itemCode: (row.item_code as string | null) ?? null, title: String(value ?? '') });
          break;
        case 'responsible':
          out[column.key] =
            row.responsible_kind === 'agency' ? vocabularyLabel('agencies', String(row.responsible_agency), lang) : row.responsible_kind === 'user' ? String(row.responsible_user ?? '') : t('followUps.responsible.venue');
          break;
        case 'finding_status':
          out[column.key] = statusLabel('findingStatus', value as string | null);
          break;
        case 'follow_up_status':
          out[column.key] = statusLabel('followUpStatus', value as string | null);
          break;
        case 'severity':
          out[column.key] = value ? vocabularyLabel('severities', String(value), lang) : '';
          break;
        case 'measure':
          out[column.key] = value ? vocabularyLabel('follow_up_actions', String(value), lang) : '';
          break;
        case 'referral_agency':
        case 'organising_agency':
          out[column.key] = value ? vocabularyLabel('agencies', String(value), lang) : '';
          break;
        case 'format':
          out[column.key] = vocabularyLabel('outreach_formats', String(value), lang);
          break;
        case 'channel':
          out[column.key] = vocabularyLabel('outreach_channels', String(value), lang);
          break;
        case 'groups':
          out[column.key] = String(value ?? '')
            .split(',')
            .filter(Boolean)
            .map((code) => vocabularyLabel('target_groups', code, lang))
            .join('; ');
          break;
        default:
          out[column.key] = (value ?? null) as string | number | null;
      }
    }
    return out;
  }

  return (async function* () {
    let cursor: unknown[] = query.keys.map(() => -1);
    for (;;) {
      const rows = statement.all(...query.params, ...cursor) as Array<Record<string, unknown>>;
      if (rows.length === 0) return;
      for (const row of rows) yield present(row);
      const last = rows[rows.length - 1]!;
      cursor = query.keys.map((key) => last[key]);
      // Let other requests run between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
}

export function recordColumns(kind: RecordKind, t: Translate): Array<{ key: string; header: string }> {
  return columns[kind].map((column) => ({ key: column.key, header: t(column.label) }));
}

/**
 * A text cell that a spreadsheet would read as a formula (=, +, -, @, or a tab or carriage return first) is
 * written with a leading apostrophe, so what someone typed is shown, never run.
 */
export function safeCell<T>(value: T): T | string {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** CSV (BOM, RFC 4180) streamed row by row; the CSV writer loads with the first export, not at start-up. */
export async function recordsCsv(rows: AsyncGenerator<Record<string, string | number | null>>, header: Array<{ key: string; header: string }>): Promise<Readable> {
  const { stringify } = await import('csv-stringify');
  const output = new PassThrough();
  output.write('\uFEFF');
  const csv = stringify({ header: true, columns: header, record_delimiter: '\r\n', quoted_match: /[",\r\n]/ });
  csv.pipe(output);
  (async () => {
    for await (const row of rows) {
      const safe = Object.fromEntries(Object.entries(row).map(([key, value]) => [key, safeCell(value)]));
      if (!csv.write(safe)) await new Promise((resolve) => csv.once('drain', resolve));
    }
    csv.end();
  })().catch((error: unknown) => output.destroy(error as Error));
  return output;
}

/** A streaming workbook writing into `stream`; the spreadsheet library loads with the first one, not at start-up. */
export async function xlsxWriter(stream: PassThrough): Promise<ExcelJS.stream.xlsx.WorkbookWriter> {
  const { default: excel } = await import('exceljs');
  return new excel.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
}

/** Adds a sheet of records to a streaming workbook, row by row (each row committed so memory stays flat). */
export async function addRecordSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, name: string, rows: AsyncGenerator<Record<string, string | number | null>>, header: Array<{ key: string; header: string }>): Promise<void> {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = header.map((column) => ({ key: column.key, header: column.header, width: Math.min(40, Math.max(10, column.header.length + 2)) }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for await (const row of rows) sheet.addRow(row).commit();
  sheet.commit();
}
