import type { AppDatabase } from '../../../db/client.js';
import type { AreaScope } from '../../access/scope.js';

/** The period and filters every summary figure is computed over. */
export interface SummaryFilter {
  from: string;
  to: string;
  campaignId?: number;
  scope: AreaScope;
  /** Today in Vietnam, for "overdue". */
  today: string;
}

/** SQL fragments shared by the queries: area scope, campaign, and "an approved report that is still current". */
function scopeClause(column: string, scope: AreaScope): { sql: string; params: number[] } {
  if (scope.all) return { sql: '', params: [] };
  const ids = scope.areaIds.length > 0 ? scope.areaIds : [-1];
  return { sql: ` and ${column} in (${ids.map(() => '?').join(',')})`, params: ids };
}

/**
 * Grouped counts per recorded area for the district summary: one query per kind of record, never one per area.
 * Only approved reports (not replaced by an amendment) count as facts.
 */
export function summaryRepository(db: AppDatabase) {
  const client = db.$client;

  return {
    roundAreas(filter: SummaryFilter): Array<{ roundId: number; areaId: number }> {
      const scope = scopeClause('ra.area_id', filter.scope);
      const campaign = filter.campaignId ? ' and r.campaign_id = ?' : '';
      return client
        .prepare(
          `select ra.round_id as roundId, ra.area_id as areaId from round_areas ra join rounds r on r.id = ra.round_id
           where r.start_date between ? and ? and r.status in ('in_progress', 'completed')${campaign}${scope.sql}`,
        )
        .all(filter.from, filter.to, ...(filter.campaignId ? [filter.campaignId] : []), ...scope.params) as Array<{ roundId: number; areaId: number }>;
    },

    reportsByArea(filter: SummaryFilter): Array<{ areaId: number; approved: number; venues: number; counselled: number; pending: number }> {
      const scope = scopeClause('c.area_id', filter.scope);
      const campaign = filter.campaignId ? ' and c.round_id in (select id from rounds where campaign_id = ?)' : '';
      return client
        .prepare(
          `select c.area_id as areaId,
                  sum(case when c.status = 'approved' and c.superseded_by_id is null then 1 else 0 end) as approved,
                  count(distinct case when c.status = 'approved' and c.superseded_by_id is null then c.venue_id end) as venues,
                  coalesce(sum(case when c.status = 'approved' and c.superseded_by_id is null then c.staff_counselled end), 0) as counselled,
                  sum(case when c.status = 'submitted' then 1 else 0 end) as pending
           from checks c
           where c.visit_date between ? and ?${campaign}${scope.sql}
           group by c.area_id`,
        )
        .all(filter.from, filter.to, ...(filter.campaignId ? [filter.campaignId] : []), ...scope.params) as Array<{ areaId: number; approved: number; venues: number; counselled: number; pending: number }>;
    },

    findingsByArea(filter: SummaryFilter): Array<{ areaId: number; category: string; total: number; critical: number; referred: number }> {
      const scope = scopeClause('f.area_id', filter.scope);
      const campaign = filter.campaignId ? ' and f.round_id in (select id from rounds where campaign_id = ?)' : '';
      return client
        .prepare(
          `select f.area_id as areaId, f.category as category, count(*) as total,
                  sum(case when f.severity = 'critical' then 1 else 0 end) as critical,
                  sum(case when f.severity = 'critical' and f.referred_on is not null then 1 else 0 end) as referred
           from findings f join checks c on c.id = f.check_id
           where f.visit_date between ? and ? and c.status = 'approved' and c.superseded_by_id is null${campaign}${scope.sql}
           group by f.area_id, f.category`,
        )
        .all(filter.from, filter.to, ...(filter.campaignId ? [filter.campaignId] : []), ...scope.params) as Array<{ areaId: number; category: string; total: number; critical: number; referred: number }>;
    },

    followUpsByArea(filter: SummaryFilter): Array<{ areaId: number; open: number; overdue: number; done: number; verified: number; fines: number; fineTotal: number }> {
      const scope = scopeClause('u.area_id', filter.scope);
      const campaign = filter.campaignId ? ' and f.round_id in (select id from rounds where campaign_id = ?)' : '';
      return client
        .prepare(
          `select u.area_id as areaId,
                  sum(case when u.status in ('open', 'in_progress') then 1 else 0 end) as open,
                  sum(case when u.status in ('open', 'in_progress') and u.due_date < ? then 1 else 0 end) as overdue,
                  sum(case when u.status = 'done' then 1 else 0 end) as done,
                  sum(case when u.status = 'verified' then 1 else 0 end) as verified,
                  sum(case when u.measure = 'fine' and u.fine_amount is not null then 1 else 0 end) as fines,
                  coalesce(sum(case when u.measure = 'fine' then u.fine_amount end), 0) as fineTotal
           from findings f join checks c on c.id = f.check_id join follow_ups u on u.finding_id = f.id
           where f.visit_date between ? and ? and c.status = 'approved' and c.superseded_by_id is null${campaign}${scope.sql}
           group by u.area_id`,
        )
        .all(filter.today, filter.from, filter.to, ...(filter.campaignId ? [filter.campaignId] : []), ...scope.params) as Array<{ areaId: number; open: number; overdue: number; done: number; verified: number; fines: number; fineTotal: number }>;
    },

    outreachByArea(filter: SummaryFilter): Array<{ areaId: number; sessions: number; participants: number; women: number }> {
      const scope = scopeClause('o.area_id', filter.scope);
      const campaign = filter.campaignId ? ' and o.campaign_id = ?' : '';
      return client
        .prepare(
          `select o.area_id as areaId, count(*) as sessions, coalesce(sum(o.participants_total), 0) as participants, coalesce(sum(o.participants_women), 0) as women
           from outreach_activities o where o.activity_date between ? and ?${campaign}${scope.sql}
           group by o.area_id`,
        )
        .all(filter.from, filter.to, ...(filter.campaignId ? [filter.campaignId] : []), ...scope.params) as Array<{ areaId: number; sessions: number; participants: number; women: number }>;
    },
  };
}
