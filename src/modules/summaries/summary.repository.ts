import { and, sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { countsAsFact } from '../../../db/conditions.js';
import { areaColumnInScope, type AreaScope } from '../../access/scope.js';
import { REFORM_DATE } from '../../lib/dates.js';

/** 1 for a record dated before the reform (its `column` a YYYY-MM-DD date), else 0: each side counts under the units of its time. */
const beforeReform = (column: SQL) => sql`(case when ${column} < ${REFORM_DATE} then 1 else 0 end)`;

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

    roundAreas(filter: SummaryFilter): Array<{ roundId: number; areaId: number; before: number }> {
      const where = and(
        sql`r.start_date between ${filter.from} and ${filter.to} and r.status in ('in_progress', 'completed')`,
        filter.campaignId ? sql`r.campaign_id = ${filter.campaignId}` : undefined,
        areaColumnInScope(sql`ra.area_id`, filter.scope),
      );
      return db.all(sql`select ra.round_id as roundId, ra.area_id as areaId, ${beforeReform(sql`r.start_date`)} as before from round_areas ra join rounds r on r.id = ra.round_id where ${where}`);
    },

    reportsByArea(filter: SummaryFilter): Array<{ areaId: number; before: number; approved: number; venues: number; counselled: number; pending: number }> {
      const where = and(sql`c.visit_date between ${filter.from} and ${filter.to}`, ofCampaignRounds(sql`c.round_id`, filter), areaColumnInScope(sql`c.area_id`, filter.scope));
      return db.all(
        sql`select c.area_id as areaId, ${beforeReform(sql`c.visit_date`)} as before,
                   sum(case when ${fact} then 1 else 0 end) as approved,
                   count(distinct case when ${fact} then c.venue_id end) as venues,
                   coalesce(sum(case when ${fact} then c.staff_counselled end), 0) as counselled,
                   sum(case when c.status = 'submitted' then 1 else 0 end) as pending
            from checks c
            where ${where}
            group by c.area_id, before`,
      );
    },

    findingsByArea(filter: SummaryFilter): Array<{ areaId: number; before: number; category: string; total: number; critical: number; referred: number }> {
      const where = and(sql`f.visit_date between ${filter.from} and ${filter.to}`, fact, ofCampaignRounds(sql`f.round_id`, filter), areaColumnInScope(sql`f.area_id`, filter.scope));
      return db.all(
        sql`select f.area_id as areaId, ${beforeReform(sql`f.visit_date`)} as before, f.category as category, count(*) as total,
                   sum(case when f.severity = 'critical' then 1 else 0 end) as critical,
                   sum(case when f.severity = 'critical' and f.referred_on is not null then 1 else 0 end) as referred
            from findings f join checks c on c.id = f.check_id
            where ${where}
            group by f.area_id, before, f.category`,
      );
    },

    /** One round's approved reports per recorded area (a round's result document). */
    roundReportsByArea(roundId: number, scope: AreaScope): Array<{ areaId: number; approved: number; venues: number }> {
      const where = and(sql`c.round_id = ${roundId}`, fact, areaColumnInScope(sql`c.area_id`, scope));
      return db.all(sql`select c.area_id as areaId, count(*) as approved, count(distinct c.venue_id) as venues from checks c where ${where} group by c.area_id`);
    },

    /** One round's violations per recorded area and category, from its approved reports. */
    roundFindingsByArea(roundId: number, scope: AreaScope): Array<{ areaId: number; category: string; total: number; critical: number; referred: number }> {
      const where = and(sql`f.round_id = ${roundId}`, fact, areaColumnInScope(sql`f.area_id`, scope));
      return db.all(
        sql`select f.area_id as areaId, f.category as category, count(*) as total,
                   sum(case when f.severity = 'critical' then 1 else 0 end) as critical,
                   sum(case when f.severity = 'critical' and f.referred_on is not null then 1 else 0 end) as referred
            from findings f join checks c on c.id = f.check_id
            where ${where}
            group by f.area_id, f.category`,
      );
    },
    followUpsByArea(filter: SummaryFilter): Array<{ areaId: number; before: number; open: number; overdue: number; done: number; verified: number; fines: number; fineTotal: number }> {
      const where = and(sql`f.visit_date between ${filter.from} and ${filter.to}`, fact, ofCampaignRounds(sql`f.round_id`, filter), areaColumnInScope(sql`u.area_id`, filter.scope));
      return db.all(
        sql`select u.area_id as areaId, ${beforeReform(sql`f.visit_date`)} as before,
                   sum(case when u.status in ('open', 'in_progress') then 1 else 0 end) as open,
                   sum(case when u.status in ('open', 'in_progress') and u.due_date < ${filter.today} then 1 else 0 end) as overdue,
                   sum(case when u.status = 'done' then 1 else 0 end) as done,
                   sum(case when u.status = 'verified' then 1 else 0 end) as verified,
                   sum(case when u.measure = 'fine' and u.fine_amount is not null then 1 else 0 end) as fines,
                   coalesce(sum(case when u.measure = 'fine' then u.fine_amount end), 0) as fineTotal
            from findings f join checks c on c.id = f.check_id join follow_ups u on u.finding_id = f.id
            where ${where}
            group by u.area_id, before`,
      );
    },

    outreachByArea(filter: SummaryFilter): Array<{ areaId: number; before: number; sessions: number; participants: number; women: number; notSplit: number }> {
      return db.all(
        sql`select o.area_id as areaId, ${beforeReform(sql`o.activity_date`)} as before, coalesce(sum(o.sessions), 0) as sessions, coalesce(sum(o.participants_total), 0) as participants, coalesce(sum(o.participants_women), 0) as women,
                   coalesce(sum(o.participants_total - coalesce((select sum(g.participants) from outreach_target_groups g where g.activity_id = o.id), 0)), 0) as notSplit
            from outreach_activities o where ${outreachWhere(filter)}
            group by o.area_id, before`,
      );
    },

    /** Approved supervision records (not replaced by an amendment) of the period by their day, and their items not met. */
    supervisionByArea(filter: SummaryFilter): Array<{ areaId: number; before: number; records: number; notMet: number }> {
      const where = and(
        sql`s.visit_date between ${filter.from} and ${filter.to} and s.status = 'approved' and s.superseded_by_id is null`,
        ofCampaignRounds(sql`s.round_id`, filter),
        areaColumnInScope(sql`s.area_id`, filter.scope),
      );
      return db.all(
        sql`select s.area_id as areaId, ${beforeReform(sql`s.visit_date`)} as before, count(*) as records, coalesce(sum(s.not_met_count), 0) as notMet
            from supervision_records s where ${where} group by s.area_id, before`,
      );
    },

    /** The recommendations of those records: open (or in progress), overdue among them, and verified. */
    recommendationsByArea(filter: SummaryFilter): Array<{ areaId: number; before: number; open: number; overdue: number; verified: number }> {
      const where = and(
        sql`s.visit_date between ${filter.from} and ${filter.to} and s.status = 'approved' and s.superseded_by_id is null`,
        ofCampaignRounds(sql`s.round_id`, filter),
        areaColumnInScope(sql`r.area_id`, filter.scope),
      );
      return db.all(
        sql`select r.area_id as areaId, ${beforeReform(sql`s.visit_date`)} as before,
                   sum(case when r.status in ('open', 'in_progress') then 1 else 0 end) as open,
                   sum(case when r.status in ('open', 'in_progress') and r.due_date < ${filter.today} then 1 else 0 end) as overdue,
                   sum(case when r.status = 'verified' then 1 else 0 end) as verified
            from recommendations r join supervision_records s on s.id = r.record_id
            where ${where}
            group by r.area_id, before`,
      );
    },

    /** What the activities' channels produced (media output, commitments), per area, channel and measure; sessions are counted above. */
    outreachMeasuresByArea(filter: SummaryFilter): Array<{ areaId: number; before: number; channel: string; measure: string; total: number }> {
      return db.all(
        sql`select o.area_id as areaId, ${beforeReform(sql`o.activity_date`)} as before, m.channel as channel, m.measure as measure, coalesce(sum(m.value), 0) as total
            from outreach_measures m join outreach_activities o on o.id = m.activity_id
            where ${outreachWhere(filter)} and m.measure <> 'sessions'
            group by o.area_id, before, m.channel, m.measure`,
      );
    },

    /** Per area and target group: the participants split to it, and the activities with participants not split for it. */
    outreachGroupsByArea(filter: SummaryFilter): Array<{ areaId: number; before: number; groupCode: string; split: number; notSplit: number }> {
      return db.all(
        sql`select o.area_id as areaId, ${beforeReform(sql`o.activity_date`)} as before, g.group_code as groupCode, coalesce(sum(g.participants), 0) as split,
                   sum(case when g.participants is null and o.participants_total > 0 then 1 else 0 end) as notSplit
            from outreach_target_groups g join outreach_activities o on o.id = g.activity_id
            where ${outreachWhere(filter)}
            group by o.area_id, before, g.group_code`,
      );
    },

    /** Activities per area and topic. */
    outreachTopicsByArea(filter: SummaryFilter): Array<{ areaId: number; before: number; topicCode: string; activities: number }> {
      return db.all(
        sql`select o.area_id as areaId, ${beforeReform(sql`o.activity_date`)} as before, t.topic_code as topicCode, count(*) as activities
            from outreach_topics t join outreach_activities o on o.id = t.activity_id
            where ${outreachWhere(filter)}
            group by o.area_id, before, t.topic_code`,
      );
    },

    /**
     * Victim support per area and measure (returned, supported, handed to family) over the records whose period
     * lies wholly inside the summary's: quarters are never split. Victim counts belong to no campaign, so a
     * campaign filter leaves them as they are.
     */
    victimsByArea(filter: SummaryFilter): Array<{ areaId: number; before: number; measure: string; total: number }> {
      const where = and(
        sql`v.period_start >= ${filter.from} and v.period_end <= ${filter.to} and c.measure in ('returned', 'supported', 'handed_to_family')`,
        areaColumnInScope(sql`v.area_id`, filter.scope),
      );
      return db.all(
        sql`select v.area_id as areaId, ${beforeReform(sql`v.period_start`)} as before, c.measure as measure, coalesce(sum(c.count), 0) as total
            from victim_support_records v join victim_support_counts c on c.record_id = v.id
            where ${where}
            group by v.area_id, before, c.measure`,
      );
    },

    /**
     * Prevention models per area: active at some time in the period (started by its end, not ended before its
     * start), started in it, started in it as a copy of another, and the members of the active ones (each model's
     * latest count on or before the period's end).
     */
    modelsByArea(filter: SummaryFilter): Array<{ areaId: number; active: number; started: number; replicated: number; members: number }> {
      const active = sql`m.start_date <= ${filter.to} and (m.ended_on is null or m.ended_on >= ${filter.from})`;
      return db.all(
        sql`select m.area_id as areaId,
                   sum(case when ${active} then 1 else 0 end) as active,
                   sum(case when m.start_date between ${filter.from} and ${filter.to} then 1 else 0 end) as started,
                   sum(case when m.start_date between ${filter.from} and ${filter.to} and m.replicated_from_id is not null then 1 else 0 end) as replicated,
                   coalesce(sum(case when ${active} then (select c.members from prevention_model_members c where c.model_id = m.id and c.as_of <= ${filter.to} order by c.as_of desc limit 1) end), 0) as members
            from prevention_models m
            where ${and(sql`m.start_date <= ${filter.to}`, areaColumnInScope(sql`m.area_id`, filter.scope))}
            group by m.area_id`,
      );
    },

    /** The roster per area: people trained on or before the period's end who had not left before its start. */
    propagandistsByArea(filter: SummaryFilter): Array<{ areaId: number; trained: number }> {
      const where = and(
        sql`exists (select 1 from propagandist_trainings t where t.propagandist_id = p.id and t.trained_on <= ${filter.to}) and (p.left_on is null or p.left_on >= ${filter.from})`,
        areaColumnInScope(sql`p.area_id`, filter.scope),
      );
      return db.all(sql`select p.area_id as areaId, count(*) as trained from propagandists p where ${where} group by p.area_id`);
    },

    /** Situations watched per area and category over the records whose month or quarter lies wholly inside the period. */
    monitoringByArea(filter: SummaryFilter): Array<{ areaId: number; before: number; category: string; total: number }> {
      const where = and(sql`r.period_start >= ${filter.from} and r.period_end <= ${filter.to}`, areaColumnInScope(sql`r.area_id`, filter.scope));
      return db.all(
        sql`select r.area_id as areaId, ${beforeReform(sql`r.period_start`)} as before, c.category as category, coalesce(sum(c.count), 0) as total
            from monitoring_records r join monitoring_counts c on c.record_id = r.id
            where ${where}
            group by r.area_id, before, c.category`,
      );
    },
  };
}
