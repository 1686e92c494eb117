import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import Database from 'better-sqlite3';
import { stringify } from 'csv-stringify';
import type { AppDatabase } from '../../../db/client.js';
import { nextDay, startOfDayInVietnam } from '../../lib/dates.js';
import type { AreaScope } from '../../access/scope.js';

export interface SnapshotOptions {
  /** The SQLite file (sqlite) or the folder of CSV files (csv) to write; it must not exist yet. */
  out: string;
  format: 'sqlite' | 'csv';
  /** Only this area's records (and their children); the whole province when `all`. */
  scope: AreaScope;
  /** Records of this period only (YYYY-MM-DD, inclusive); undefined = no limit. */
  from?: string;
  to?: string;
  /** A private folder for the full copy the snapshot is cut from (DATA_DIR): it holds everything until it is deleted. */
  workDir: string;
}

export class SnapshotError extends Error {}

/**
 * The tables a snapshot holds, in the order they are cut, each with what keeps a row (SQL conditions on the copy;
 * `:from`/`:to` are the period, `in_scope(area)` the area) and the columns left out. A table not listed here is
 * left out whole: sessions, sign-in attempts, known devices, server secrets, request keys, webhook endpoints (their
 * secrets) and deliveries, counters; and any table added later until it is listed, so a new secret never leaks.
 */
interface TableRule {
  name: string;
  scope?: string;
  period?: string;
  /** Conditions on parents already cut (always applied). */
  parents?: string;
  dropColumns?: string[];
}

const tableRules: TableRule[] = [
  { name: 'areas' },
  { name: 'area_links' },
  { name: 'app_meta' },
  { name: 'checklist_templates' },
  { name: 'users', scope: 'area_id is null or in_scope(area_id)', dropColumns: ['password_hash', 'email'] },
  { name: 'rounds', scope: 'exists (select 1 from round_areas ra where ra.round_id = rounds.id and in_scope(ra.area_id))', period: 'start_date <= :to and end_date >= :from' },
  { name: 'round_areas', parents: 'round_id in (select id from rounds)' },
  { name: 'round_team_members', parents: 'round_id in (select id from rounds)' },
  { name: 'round_status_changes', parents: 'round_id in (select id from rounds)' },
  { name: 'venues', scope: 'in_scope(area_id)' },
  { name: 'checks', scope: 'in_scope(area_id)', period: 'visit_date between :from and :to', parents: 'round_id in (select id from rounds) and venue_id in (select id from venues)' },
  { name: 'check_answers', parents: 'check_id in (select id from checks)' },
  { name: 'check_attachments', parents: 'check_id in (select id from checks)' },
  // The note that could identify a possible victim never leaves the app.
  { name: 'findings', scope: 'in_scope(area_id)', period: 'visit_date between :from and :to', parents: 'check_id in (select id from checks)', dropColumns: ['victim_details'] },
  { name: 'finding_confirmations', parents: 'check_id in (select id from checks) and finding_id in (select id from findings)' },
  { name: 'follow_ups', scope: 'in_scope(area_id)', parents: 'finding_id in (select id from findings)' },
  { name: 'follow_up_comments', parents: 'follow_up_id in (select id from follow_ups)' },
  { name: 'outreach_activities', scope: 'in_scope(area_id)', period: 'activity_date between :from and :to' },
  { name: 'outreach_target_groups', parents: 'activity_id in (select id from outreach_activities)' },
  { name: 'outreach_measures', parents: 'activity_id in (select id from outreach_activities)' },
  { name: 'outreach_topics', parents: 'activity_id in (select id from outreach_activities)' },
  { name: 'outreach_reclassifications', scope: 'in_scope(area_id)', parents: 'activity_id in (select id from outreach_activities)' },
  // The roster names officials (not the public); prevention models and their history.
  { name: 'propagandists', scope: 'in_scope(area_id)' },
  { name: 'propagandist_trainings', parents: 'propagandist_id in (select id from propagandists)' },
  { name: 'activity_speakers', parents: 'activity_id in (select id from outreach_activities) and propagandist_id in (select id from propagandists)' },
  { name: 'prevention_models', scope: 'in_scope(area_id)' },
  { name: 'prevention_model_members', parents: 'model_id in (select id from prevention_models)' },
  { name: 'prevention_model_events', parents: 'model_id in (select id from prevention_models)' },
  // Supervision records of area authorities and their recommendations (victim figures: see the cut below).
  { name: 'supervision_records', scope: 'in_scope(area_id)', period: 'visit_date between :from and :to', parents: 'round_id in (select id from rounds)' },
  { name: 'supervision_answers', parents: 'record_id in (select id from supervision_records)' },
  { name: 'recommendations', scope: 'in_scope(area_id)', parents: 'record_id in (select id from supervision_records)' },
  { name: 'recommendation_comments', parents: 'recommendation_id in (select id from recommendations)' },
  {
    name: 'campaigns',
    scope: 'exists (select 1 from campaign_targets t where t.campaign_id = campaigns.id and in_scope(t.area_id)) or exists (select 1 from outreach_activities o where o.campaign_id = campaigns.id)',
    period: 'start_date <= :to and end_date >= :from',
  },
  { name: 'campaign_targets', scope: 'in_scope(area_id)', parents: 'campaign_id in (select id from campaigns)' },
  // Quarters wholly inside the period, as the summaries count them.
  { name: 'victim_support_records', scope: 'in_scope(area_id)', period: 'period_start >= :from and period_end <= :to' },
  { name: 'victim_support_counts', parents: 'record_id in (select id from victim_support_records)' },
  // Who did what and when, without the before/after values (they can hold any text typed) or addresses.
  {
    name: 'audit_log',
    scope: 'exists (select 1 from audit_areas aa where aa.audit_id = audit_log.id and in_scope(aa.area_id))',
    period: 'at >= :fromMoment and at < :toMoment',
    dropColumns: ['changes', 'ip'],
  },
  { name: 'audit_areas', scope: 'in_scope(area_id)', parents: 'audit_id in (select id from audit_log)' },
];

/** The names of the tables a snapshot may hold (tests check that nothing else is there). */
export const snapshotTables = tableRules.map((rule) => rule.name);

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function removeDatabaseFiles(file: string): void {
  for (const part of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) fs.rmSync(part, { force: true });
}

/**
 * Writes a consistent, read-only copy of the data for reporting tools: SQLite's `VACUUM INTO` copies the live
 * database in one read transaction (the app may keep writing), the copy is cut to the area and period and
 * stripped of secrets, then written out compacted (so nothing removed lingers in free pages) or as CSV files.
 */
export async function writeSnapshot(db: AppDatabase, options: SnapshotOptions): Promise<{ tables: Array<{ name: string; rows: number }> }> {
  if (fs.existsSync(options.out)) throw new SnapshotError(`${options.out} already exists; choose a new name`);
  if (options.from && options.to && options.from > options.to) throw new SnapshotError('--from is after --to');
  const work = path.join(options.workDir, `snapshot-${randomBytes(6).toString('hex')}.db`);
  db.$client.prepare('vacuum into ?').run(work);
  const copy = new Database(work);
  try {
    copy.pragma('foreign_keys = OFF');
    const scopeIds = options.scope.all ? null : options.scope.areaIds;
    copy.function('in_scope', { deterministic: true }, (areaId: unknown) => (scopeIds === null || scopeIds.includes(Number(areaId)) ? 1 : 0));
    const present = new Set((copy.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").pluck().all() as string[]));
    for (const trigger of copy.prepare("select name from sqlite_master where type = 'trigger'").pluck().all() as string[]) copy.exec(`drop trigger ${quote(trigger)}`);
    for (const view of copy.prepare("select name from sqlite_master where type = 'view'").pluck().all() as string[]) copy.exec(`drop view ${quote(view)}`);
    for (const table of present) if (!snapshotTables.includes(table)) copy.exec(`drop table ${quote(table)}`);

    const period = { from: options.from ?? '0000-01-01', to: options.to ?? '9999-12-31' };
    const moments = { fromMoment: options.from ? startOfDayInVietnam(options.from) : '0000', toMoment: options.to ? startOfDayInVietnam(nextDay(options.to)) : '9999' };
    const cut = copy.transaction(() => {
      for (const rule of tableRules) {
        if (!present.has(rule.name)) continue;
        const keep: string[] = [];
        if (rule.scope && scopeIds !== null) keep.push(`(${rule.scope})`);
        if (rule.period && (options.from || options.to)) keep.push(`(${rule.period})`);
        if (rule.parents) keep.push(`(${rule.parents})`);
        if (keep.length > 0) {
          const params = Object.fromEntries(Object.entries({ ...period, ...moments }).filter(([name]) => new RegExp(`:${name}\\b`).test(keep.join(' '))));
          copy.prepare(`delete from ${quote(rule.name)} where not (${keep.join(' and ')})`).run(params);
        }
      }
      // Victim counts of 1 to 4 are never shown outside the app: such a cell is empty, flagged `under_five`.
      if (present.has('victim_support_counts')) {
        copy.exec(`create table victim_support_counts_shown as select record_id, measure, sex, age_group,
                     case when count between 1 and 4 then null else count end as count, case when count between 1 and 4 then 1 else 0 end as under_five
                   from victim_support_counts`);
        copy.exec('drop table victim_support_counts; alter table victim_support_counts_shown rename to victim_support_counts');
      }
      // A supervision record's victim items (V…) carry counts of people: 1 to 4 left empty, as every export does.
      if (present.has('supervision_answers')) copy.exec("update supervision_answers set figure = null where item_code like 'V%' and figure between 1 and 4");
      for (const rule of tableRules) {
        if (!present.has(rule.name)) continue;
        for (const column of rule.dropColumns ?? []) {
          // An index on the column would stop it being dropped.
          const indexes = copy.prepare('select distinct il.name from pragma_index_list(?) il join pragma_index_info(il.name) ii where ii.name = ? and il.origin = ?').pluck().all(rule.name, column, 'c') as string[];
          for (const index of indexes) copy.exec(`drop index ${quote(index)}`);
          copy.exec(`alter table ${quote(rule.name)} drop column ${quote(column)}`);
        }
      }
    });
    cut();
    const tables = tableRules
      .filter((rule) => present.has(rule.name))
      .map((rule) => ({ name: rule.name, rows: copy.prepare(`select count(*) from ${quote(rule.name)}`).pluck().get() as number }));

    if (options.format === 'sqlite') {
      copy.prepare('vacuum into ?').run(options.out);
      fs.chmodSync(options.out, 0o400);
    } else {
      fs.mkdirSync(options.out, { recursive: false, mode: 0o700 });
      for (const table of tables) await writeCsv(copy, table.name, path.join(options.out, `${table.name}.csv`));
    }
    return { tables };
  } finally {
    copy.close();
    removeDatabaseFiles(work);
  }
}

/** One table as CSV, UTF-8 with a BOM (so Excel reads the diacritics), a header row, null as empty. */
async function writeCsv(copy: Database.Database, table: string, file: string): Promise<void> {
  const statement = copy.prepare(`select * from ${quote(table)}`);
  const columns = statement.columns().map((column) => column.name);
  const output = fs.createWriteStream(file, { mode: 0o600 });
  output.write('\ufeff');
  const csv = stringify({ header: true, columns });
  csv.pipe(output);
  for (const row of statement.iterate() as Iterable<Record<string, unknown>>) {
    if (!csv.write(row)) await once(csv, 'drain');
  }
  csv.end();
  await once(output, 'finish');
}
