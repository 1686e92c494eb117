import { and, sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { countsAsFact } from '../../../db/conditions.js';
import { areaColumnInScope, type AreaScope } from '../../access/scope.js';

/** The period and filters every summary figure is computed over. */
export interface SummaryFilter {
  from: string;
  to: string;
  campaignId?: number;
  /** Outreach of this topic only (other figures have no topic). */
  topic?: string;
  scope: AreaScope;
  /** Today in Vietnam, for "overdue". */
  today: string;
}

/** The records of a campaign's rounds (`column` holds the round id), when the summary is for one campaign. */
function ofCampaignRounds(column: SQL, filter: SummaryFilter): SQL | undefined {
  return filter.campaignId ? sql`${column} in (select id from rounds where campaign_id = ${filter.campaignId})` : undefined;
}

/** The activities a summary's outreach figures count: the period, the campaign, the topic, the scope. */
function outreachWhere(filter: SummaryFilter): SQL | undefined {
  return and(
    sql`o.activity_date between ${filter.from} and ${filter.to}`,
    filter.campaignId ? sql`o.campaign_id = ${filter.campaignId}` : undefined,
    filter.topic ? sql`exists (select 1 from outreach_topics t2 where t2.activity_id = o.id and t2.topic_code = ${filter.topic})` : undefined,
    areaColumnInScope(sql`o.area_id`, filter.scope),
  );
}

/**
 * Grouped counts per recorded area for the district summary: one query per kind of record, never one per area.
 * Only approved reports (not replaced by an amendment) count as facts.
 */
export function summaryRepository(db: AppDatabase) {
  const fact = countsAsFact('c');

  return {
    /** Whether a campaign exists (a summary for an unknown one is refused). */
    campaignExists(id: number): boolean {
      return db.get(sql`select 1 as found from campaigns where id = ${id}`) !== undefined;
    },

    roundAreas(filter: SummaryFilter): Array<{ roundId: number; areaId: number }> {
      const where = and(
        sql`r.start_date between ${filter.from} and ${filter.to} and r.status in ('in_progress', 'completed')`,
        filter.campaignId ? sql`r.campaign_id = ${filter.campaignId}` : undefined,
        areaColumnInScope(sql`ra.area_id`, filter.scope),
      );
      return db.all(sql`select ra.round_id as roundId, ra.area_id as areaId from round_areas ra join rounds r on r.id = ra.round_id where ${where}`);
    },

    reportsByArea(filter: SummaryFilter): Array<{ areaId: number; approved: number; venues: number; counselled: number; pending: number }> {
      const where = and(sql`c.visit_date between ${filter.from} and ${filter.to}`, ofCampaignRounds(sql`c.round_id`, filter), areaColumnInScope(sql`c.area_id`, filter.scope));
      return db.all(
        sql`select c.area_id as areaId,
                   sum(case when ${fact} then 1 else 0 end) as approved,
                   count(distinct case when ${fact} then c.venue_id end) as venues,
                   coalesce(sum(case when ${fact} then c.staff_counselled end), 0) as counselled,
                   sum(case when c.status = 'submitted' then 1 else 0 end) as pending
            from checks c
            where ${where}
            group by c.area_id`,
      );
    },

    findingsByArea(filter: SummaryFilter): Array<{ areaId: number; category: string; total: number; critical: number; referred: number }> {
      const where = and(sql`f.visit_date between ${filter.from} and ${filter.to}`, fact, ofCampaignRounds(sql`f.round_id`, filter), areaColumnInScope(sql`f.area_id`, filter.scope));
      return db.all(
        sql`select f.area_id as areaId, f.category as category, count(*) as total,
                   sum(case when f.severity = 'critical' then 1 else 0 end) as critical,
                   sum(case when f.severity = 'critical' and f.referred_on is not null then 1 else 0 end) as referred
            from findings f join checks c on c.id = f.check_id
            where ${where}
            group by f.area_id, f.category`,
      );
    },

    followUpsByArea(filter: SummaryFilter): Array<{ areaId: number; open: number; overdue: number; done: number; verified: number; fines: number; fineTotal: number }> {
      const where = and(sql`f.visit_date between ${filter.from} and ${filter.to}`, fact, ofCampaignRounds(sql`f.round_id`, filter), areaColumnInScope(sql`u.area_id`, filter.scope));
      return db.all(
        sql`select u.area_id as areaId,
                   sum(case when u.status in ('open', 'in_progress') then 1 else 0 end) as open,
                   sum(case when u.status in ('open', 'in_progress') and u.due_date < ${filter.today} then 1 else 0 end) as overdue,
                   sum(case when u.status = 'done' then 1 else 0 end) as done,
                   sum(case when u.status = 'verified' then 1 else 0 end) as verified,
                   sum(case when u.measure = 'fine' and u.fine_amount is not null then 1 else 0 end) as fines,
                   coalesce(sum(case when u.measure = 'fine' then u.fine_amount end), 0) as fineTotal
            from findings f join checks c on c.id = f.check_id join follow_ups u on u.finding_id = f.id
            where ${where}
            group by u.area_id`,
      );
    },

    outreachByArea(filter: SummaryFilter): Array<{ areaId: number; sessions: number; participants: number; women: number; notSplit: number }> {
      return db.all(
        sql`select o.area_id as areaId, coalesce(sum(o.sessions), 0) as sessions, coalesce(sum(o.participants_total), 0) as participants, coalesce(sum(o.participants_women), 0) as women,
                   coalesce(sum(o.participants_total - coalesce((select sum(g.participants) from outreach_target_groups g where g.activity_id = o.id), 0)), 0) as notSplit
            from outreach_activities o where ${outreachWhere(filter)}
            group by o.area_id`,
      );
    },

    /** What the activities' channels produced (media output, commitments), per area, channel and measure; sessions are counted above. */
    outreachMeasuresByArea(filter: SummaryFilter): Array<{ areaId: number; channel: string; measure: string; total: number }> {
      return db.all(
        sql`select o.area_id as areaId, m.channel as channel, m.measure as measure, coalesce(sum(m.value), 0) as total
            from outreach_measures m join outreach_activities o on o.id = m.activity_id
            where ${outreachWhere(filter)} and m.measure <> 'sessions'
            group by o.area_id, m.channel, m.measure`,
      );
    },

    /** Per area and target group: the participants split to it, and the activities with participants not split for it. */
    outreachGroupsByArea(filter: SummaryFilter): Array<{ areaId: number; groupCode: string; split: number; notSplit: number }> {
      return db.all(
        sql`select o.area_id as areaId, g.group_code as groupCode, coalesce(sum(g.participants), 0) as split,
                   sum(case when g.participants is null and o.participants_total > 0 then 1 else 0 end) as notSplit
            from outreach_target_groups g join outreach_activities o on o.id = g.activity_id
            where ${outreachWhere(filter)}
            group by o.area_id, g.group_code`,
      );
    },

    /** Activities per area and topic. */
    outreachTopicsByArea(filter: SummaryFilter): Array<{ areaId: number; topicCode: string; activities: number }> {
      return db.all(
        sql`select o.area_id as areaId, t.topic_code as topicCode, count(*) as activities
            from outreach_topics t join outreach_activities o on o.id = t.activity_id
            where ${outreachWhere(filter)}
            group by o.area_id, t.topic_code`,
      );
    },

    /**
     * Victim support per area and measure (returned, supported, handed to family) over the records whose period
     * lies wholly inside the summary's: quarters are never split. Victim counts belong to no campaign, so a
     * campaign filter leaves them as they are.
     */
    victimsByArea(filter: SummaryFilter): Array<{ areaId: number; measure: string; total: number }> {
      const where = and(
        sql`v.period_start >= ${filter.from} and v.period_end <= ${filter.to} and c.measure in ('returned', 'supported', 'handed_to_family')`,
        areaColumnInScope(sql`v.area_id`, filter.scope),
      );
      return db.all(
        sql`select v.area_id as areaId, c.measure as measure, coalesce(sum(c.count), 0) as total
            from victim_support_records v join victim_support_counts c on c.record_id = v.id
            where ${where}
            group by v.area_id, c.measure`,
      );
    },
  };
}
