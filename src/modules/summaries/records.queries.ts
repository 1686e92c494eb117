import { and, or, sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { countsAsFact } from '../../../db/conditions.js';
import { areaColumnInScope, type AreaScope } from '../../access/scope.js';

export const recordKinds = ['reports', 'findings', 'followups', 'outreach', 'flat'] as const;
export type RecordKind = (typeof recordKinds)[number];

export interface RecordFilter {
  from: string;
  to: string;
  campaignId?: number;
  /** Outreach of this topic only (the other kinds of record have no topic). */
  topic?: string;
  scope: AreaScope;
  /**
   * The records behind a summary's figures: findings and follow-ups of approved reports still current, and the
   * reports themselves with those awaiting review too, which the summary counts apart (its pending column).
   */
  behindSummary?: boolean;
}

/** A record as read from the database, its columns named as the export's column table expects. */
export type RecordRow = Record<string, unknown>;

const BATCH = 2000;

/** One batch of a kind of record after the keyset `cursor` (the last row's key values; -1 each at the start). */
type BatchQuery = (cursor: unknown[]) => SQL;

function batchQueries(filter: RecordFilter): Record<RecordKind, { batch: BatchQuery; keys: string[] }> {
  const reportBase = [
    sql`c.visit_date between ${filter.from} and ${filter.to}`,
    filter.campaignId ? sql`r.campaign_id = ${filter.campaignId}` : undefined,
    areaColumnInScope(sql`c.area_id`, filter.scope),
  ];
  const reportWhere = and(...reportBase, filter.behindSummary ? countsAsFact('c') : undefined);
  // Behind a summary, the reports listed are those its approved and pending columns count.
  const reportsKindWhere = filter.behindSummary ? and(...reportBase, or(countsAsFact('c'), sql`c.status = 'submitted'`)) : reportWhere;
  const outreachWhere = and(
    sql`o.activity_date between ${filter.from} and ${filter.to}`,
    filter.campaignId ? sql`o.campaign_id = ${filter.campaignId}` : undefined,
    filter.topic ? sql`exists (select 1 from outreach_topics t where t.activity_id = o.id and t.topic_code = ${filter.topic})` : undefined,
    areaColumnInScope(sql`o.area_id`, filter.scope),
  );
  const reportSelect = sql`c.id as report_id, r.title as round_title, v.name as venue_name, v.kind as venue_kind, c.area_id as area_id, c.visit_date,
      c.status, u.name as inspector, c.owners_present, c.staff_present, c.staff_counselled, c.violation_count, c.conclusion, c.superseded_by_id as superseded_by`;
  const findingSelect = sql`f.id as finding_id, f.item_code, f.category, f.title, f.severity, f.status as finding_status, f.referral_agency, f.referred_on,
      fu.id as follow_up_id, fu.measure, fu.fine_amount, fu.due_date, fu.status as follow_up_status`;
  const limit = sql.raw(String(BATCH));
  return {
    reports: {
      batch: ([k1]) =>
        sql`select ${reportSelect}, c.id as k1 from checks c join rounds r on r.id = c.round_id join venues v on v.id = c.venue_id join users u on u.id = c.inspector_id
            where ${reportsKindWhere} and c.id > ${k1} order by c.id limit ${limit}`,
      keys: ['k1'],
    },
    findings: {
      batch: ([k1, k2]) =>
        sql`select ${findingSelect}, c.id as report_id, c.status as report_status, v.name as venue_name, f.area_id as area_id, f.visit_date, f.id as k1, coalesce(fu.id, 0) as k2
            from findings f join checks c on c.id = f.check_id join rounds r on r.id = c.round_id join venues v on v.id = f.venue_id
            left join follow_ups fu on fu.finding_id = f.id
            where ${reportWhere} and (f.id, coalesce(fu.id, 0)) > (${k1}, ${k2}) order by f.id, coalesce(fu.id, 0) limit ${limit}`,
      keys: ['k1', 'k2'],
    },
    followups: {
      batch: ([k1]) =>
        sql`select fu.id as follow_up_id, f.id as finding_id, c.id as report_id, v.name as venue_name, fu.area_id as area_id, f.item_code, f.title,
                   fu.measure, fu.fine_amount, fu.responsible_kind, fu.responsible_agency, ru.name as responsible_user, fu.due_date, fu.status as follow_up_status,
                   fu.verified_at, fu.id as k1
            from follow_ups fu join findings f on f.id = fu.finding_id join checks c on c.id = f.check_id join rounds r on r.id = c.round_id
            join venues v on v.id = fu.venue_id left join users ru on ru.id = fu.responsible_user_id
            where ${reportWhere} and fu.id > ${k1} order by fu.id limit ${limit}`,
      keys: ['k1'],
    },
    outreach: {
      batch: ([k1]) =>
        sql`select o.id as activity_id, o.activity_date, o.area_id as area_id, o.village, o.organising_agency, o.sessions, o.participants_total,
                   o.participants_women, o.topic_other,
                   (select group_concat(m.channel || '.' || m.measure || '=' || m.value, ',') from outreach_measures m where m.activity_id = o.id) as measures,
                   (select group_concat(t.topic_code, ',') from outreach_topics t where t.activity_id = o.id) as topics,
                   (select group_concat(g.group_code || '=' || coalesce(g.participants, ''), ',') from outreach_target_groups g where g.activity_id = o.id) as groups, o.id as k1
            from outreach_activities o where ${outreachWhere} and o.id > ${k1}
            order by o.id limit ${limit}`,
      keys: ['k1'],
    },
    flat: {
      batch: ([k1, k2, k3]) =>
        sql`select ${reportSelect}, ${findingSelect}, c.id as k1, coalesce(f.id, 0) as k2, coalesce(fu.id, 0) as k3
            from checks c join rounds r on r.id = c.round_id join venues v on v.id = c.venue_id join users u on u.id = c.inspector_id
            left join findings f on f.check_id = c.id left join follow_ups fu on fu.finding_id = f.id
            where ${reportWhere} and (c.id, coalesce(f.id, 0), coalesce(fu.id, 0)) > (${k1}, ${k2}, ${k3}) order by c.id, coalesce(f.id, 0), coalesce(fu.id, 0) limit ${limit}`,
      keys: ['k1', 'k2', 'k3'],
    },
  };
}

/**
 * Streams the records of one kind in batches keyed on the row id (constant memory, and no cursor held open
 * on the shared connection while the client downloads).
 */
export async function* recordRows(db: AppDatabase, kind: RecordKind, filter: RecordFilter): AsyncGenerator<RecordRow> {
  const query = batchQueries(filter)[kind];
  // Keyset pagination on row values: each batch resumes after the last (report, finding, follow-up) ids seen.
  let cursor: unknown[] = query.keys.map(() => -1);
  for (;;) {
    const rows = db.all<RecordRow>(query.batch(cursor));
    if (rows.length === 0) return;
    for (const row of rows) yield row;
    const last = rows[rows.length - 1]!;
    cursor = query.keys.map((key) => last[key]);
    // Let other requests run between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
