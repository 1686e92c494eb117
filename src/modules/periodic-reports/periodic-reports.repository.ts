import { and, asc, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import {
  campaigns,
  campaignTargets,
  periodicReportReminders,
  periodicReports,
  periodicReportSteps,
  reportingPeriods,
  users,
  type PeriodicReportStatus,
} from '../../../db/schema/index.js';
import { areaColumnInScope, type AreaScope } from '../../access/scope.js';

export type ReportingPeriodRow = typeof reportingPeriods.$inferSelect;
export type PeriodWrite = Pick<ReportingPeriodRow, 'kind' | 'title' | 'campaignId' | 'periodStart' | 'periodEnd' | 'dueCommune' | 'dueDistrict' | 'dueProvince'>;
export type PeriodicReportRow = typeof periodicReports.$inferSelect;
export type ReportStepRow = typeof periodicReportSteps.$inferSelect;
export type ReminderRow = typeof periodicReportReminders.$inferSelect;
export type Narrative = Pick<PeriodicReportRow, 'assessment' | 'difficulties' | 'proposals' | 'nextTasks'>;

/** A change to a record behind a frozen report, read from the audit trail. */
export interface RecordChange {
  auditId: number;
  at: string;
  actorName: string;
  action: string;
  recordType: string;
  recordId: number;
}

/**
 * The records each kind of audited record stands for, with the date that places it in a period, so that a
 * change in the audit trail can be tied to a report's area and period.
 */
const datedRecords: Record<string, SQL> = {
  check: sql`select id, visit_date as d1, visit_date as d2 from checks`,
  finding: sql`select id, visit_date as d1, visit_date as d2 from findings`,
  follow_up: sql`select u.id as id, f.visit_date as d1, f.visit_date as d2 from follow_ups u join findings f on f.id = u.finding_id`,
  outreach: sql`select id, activity_date as d1, activity_date as d2 from outreach_activities`,
  round: sql`select id, start_date as d1, start_date as d2 from rounds`,
  victim_support: sql`select id, period_start as d1, period_end as d2 from victim_support_records`,
};

export function periodicReportsRepository(db: AppDatabase) {
  return {
    // ——— periods ———
    listPeriods(limit = 200): ReportingPeriodRow[] {
      return db.select().from(reportingPeriods).orderBy(desc(reportingPeriods.periodEnd), desc(reportingPeriods.id)).limit(limit).all();
    },

    findPeriod(id: number): ReportingPeriodRow | undefined {
      return db.select().from(reportingPeriods).where(eq(reportingPeriods.id, id)).get();
    },

    /** Periods with a due date between these days (inclusive), for reminders and the home page. */
    periodsDueBetween(from: string, to: string): ReportingPeriodRow[] {
      const between = (column: SQL) => sql`(${column} between ${from} and ${to})`;
      return db
        .select()
        .from(reportingPeriods)
        .where(or(between(sql`${reportingPeriods.dueCommune}`), between(sql`${reportingPeriods.dueDistrict}`), between(sql`${reportingPeriods.dueProvince}`)))
        .all();
    },

    /** Periods already begun on this day, the latest first (the home page's list of reports to make). */
    periodsBegunBy(today: string, limit = 50): ReportingPeriodRow[] {
      return db.select().from(reportingPeriods).where(sql`${reportingPeriods.periodStart} <= ${today}`).orderBy(desc(reportingPeriods.periodEnd)).limit(limit).all();
    },

    insertPeriod(write: PeriodWrite, at: string): ReportingPeriodRow {
      return db.insert(reportingPeriods).values({ ...write, createdAt: at, updatedAt: at }).returning().get();
    },

    updatePeriod(id: number, expectedVersion: number, write: PeriodWrite, at: string): boolean {
      return (
        db
          .update(reportingPeriods)
          .set({ ...write, updatedAt: at, version: sql`${reportingPeriods.version} + 1` })
          .where(and(eq(reportingPeriods.id, id), eq(reportingPeriods.version, expectedVersion)))
          .run().changes > 0
      );
    },

    campaignTitle(id: number): string | undefined {
      return db.select({ title: campaigns.title }).from(campaigns).where(eq(campaigns.id, id)).get()?.title;
    },

    campaignOptions(): Array<{ id: number; title: string; startDate: string; endDate: string }> {
      return db.select({ id: campaigns.id, title: campaigns.title, startDate: campaigns.startDate, endDate: campaigns.endDate }).from(campaigns).orderBy(desc(campaigns.startDate)).limit(200).all();
    },

    /**
     * Plans and campaigns in effect during a period (overlapping it) that concern the scope: those with a target
     * in it, or, for the whole province, every one. One campaign when the period names it.
     */
    campaignsInEffect(from: string, to: string, scope: AreaScope, campaignId: number | null): Array<{ id: number; title: string; planNumber: string; startDate: string; endDate: string; status: string }> {
      const targeted = scope.all ? undefined : sql`exists (select 1 from ${campaignTargets} where ${campaignTargets.campaignId} = ${campaigns.id} and ${areaColumnInScope(campaignTargets.areaId, scope)})`;
      return db
        .select({ id: campaigns.id, title: campaigns.title, planNumber: campaigns.planNumber, startDate: campaigns.startDate, endDate: campaigns.endDate, status: campaigns.status })
        .from(campaigns)
        .where(and(sql`${campaigns.startDate} <= ${to} and ${campaigns.endDate} >= ${from}`, targeted, campaignId ? eq(campaigns.id, campaignId) : undefined))
        .orderBy(asc(campaigns.startDate), asc(campaigns.id))
        .limit(500)
        .all();
    },

    // ——— reports ———
    findReport(id: number): PeriodicReportRow | undefined {
      return db.select().from(periodicReports).where(eq(periodicReports.id, id)).get();
    },

    /** Every edition of an area's report for a period, the first first. */
    editions(periodId: number, areaId: number): PeriodicReportRow[] {
      return db.select().from(periodicReports).where(and(eq(periodicReports.periodId, periodId), eq(periodicReports.areaId, areaId))).orderBy(asc(periodicReports.edition)).all();
    },

    /** The reports of a period for these areas (every edition). */
    reportsOf(periodId: number, areaIds: number[]): PeriodicReportRow[] {
      if (areaIds.length === 0) return [];
      return db.select().from(periodicReports).where(and(eq(periodicReports.periodId, periodId), inArray(periodicReports.areaId, areaIds))).orderBy(asc(periodicReports.edition)).all();
    },

    /** Reports in these statuses, for a list or an inbox; `areaIds` null = any area. */
    reportsWithStatus(statuses: PeriodicReportStatus[], areaIds: number[] | null, limit = 200): PeriodicReportRow[] {
      return db
        .select()
        .from(periodicReports)
        .where(and(inArray(periodicReports.status, statuses), areaIds ? inArray(periodicReports.areaId, areaIds.length ? areaIds : [-1]) : undefined))
        .orderBy(desc(periodicReports.updatedAt))
        .limit(limit)
        .all();
    },

    /** The reports of the areas a scope sees (all of them for the whole province), latest first. */
    reportsInScope(scope: AreaScope, limit = 200): PeriodicReportRow[] {
      return db.select().from(periodicReports).where(areaColumnInScope(periodicReports.areaId, scope)).orderBy(desc(periodicReports.updatedAt)).limit(limit).all();
    },

    insertReport(write: { periodId: number; areaId: number; edition: number; createdBy: number | null } & Partial<Narrative> & { correctionReason?: string }, at: string): PeriodicReportRow {
      return db.insert(periodicReports).values({ ...write, createdAt: at, updatedAt: at }).returning().get();
    },

    /** Saves the narrative when the stored version is the expected one and the report is still editable. */
    saveNarrative(id: number, expectedVersion: number, narrative: Narrative, at: string): boolean {
      return (
        db
          .update(periodicReports)
          .set({ ...narrative, updatedAt: at, version: sql`${periodicReports.version} + 1` })
          .where(and(eq(periodicReports.id, id), eq(periodicReports.version, expectedVersion), inArray(periodicReports.status, ['draft', 'returned'])))
          .run().changes > 0
      );
    },

    freeze(id: number, expectedVersion: number, snapshot: string, userId: number | null, at: string): boolean {
      return (
        db
          .update(periodicReports)
          .set({ status: 'submitted', snapshot, submittedAt: at, submittedBy: userId, returnComment: '', updatedAt: at, version: sql`${periodicReports.version} + 1` })
          .where(and(eq(periodicReports.id, id), eq(periodicReports.version, expectedVersion), inArray(periodicReports.status, ['draft', 'returned'])))
          .run().changes > 0
      );
    },

    /** Accepts or returns a submitted report (a returned one loses its snapshot: it will be frozen again when resubmitted). */
    review(id: number, decision: 'accepted' | 'returned', comment: string, userId: number | null, at: string): boolean {
      const set = decision === 'accepted' ? { status: 'accepted' as const } : { status: 'returned' as const, returnComment: comment, snapshot: null, submittedAt: null, submittedBy: null };
      return (
        db
          .update(periodicReports)
          .set({ ...set, reviewedAt: at, reviewedBy: userId, updatedAt: at, version: sql`${periodicReports.version} + 1` })
          .where(and(eq(periodicReports.id, id), eq(periodicReports.status, 'submitted')))
          .run().changes > 0
      );
    },

    markReplaced(id: number, replacedById: number, at: string): void {
      db.update(periodicReports).set({ replacedById, updatedAt: at }).where(eq(periodicReports.id, id)).run();
    },

    addStep(step: Omit<ReportStepRow, 'id'>): void {
      db.insert(periodicReportSteps).values(step).run();
    },

    stepsOf(reportIds: number[]): ReportStepRow[] {
      if (reportIds.length === 0) return [];
      return db.select().from(periodicReportSteps).where(inArray(periodicReportSteps.reportId, reportIds)).orderBy(asc(periodicReportSteps.id)).all();
    },

    userNames(ids: number[]): Map<number, string> {
      if (ids.length === 0) return new Map();
      return new Map(db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids)).all().map((row) => [row.id, row.name]));
    },

    /**
     * Changes written to the audit trail after `since` to records of the kinds a report counts, in the scope,
     * whose date falls inside [from, to]. A record deleted since has no date left to place it and is not listed
     * (its effect still shows in the figures' differences).
     */
    changesSince(afterAuditId: number, scope: AreaScope, from: string, to: string, limit = 200): RecordChange[] {
      const parts = Object.entries(datedRecords).map(
        ([type, records]) =>
          sql`select a.id as auditId, a.at as at, a.actor_name as actorName, a.action as action, a.record_type as recordType, a.record_id as recordId
              from audit_log a join (${records}) r on r.id = a.record_id
              where a.record_type = ${type} and a.id > ${afterAuditId} and r.d1 <= ${to} and r.d2 >= ${from}
                and a.action not in ('export', 'conflict')
                ${scope.all ? sql`` : sql`and exists (select 1 from audit_areas aa where aa.audit_id = a.id and ${areaColumnInScope(sql`aa.area_id`, scope)})`}`,
      );
      return db.all<RecordChange>(sql`select * from (${sql.join(parts, sql` union all `)}) order by auditId desc limit ${limit}`);
    },

    /** The audit entry of a report's latest change of status (its acceptance, or its submission): changes after it are news. */
    lastStatusEntry(reportId: number): { id: number; at: string } | undefined {
      return db.get<{ id: number; at: string }>(sql`select id, at from audit_log where record_type = 'periodic_report' and record_id = ${reportId} and action = 'status' order by id desc limit 1`);
    },

    // ——— reminders ———
    /** The email addresses of the active heads of an area (`null` = the whole province's heads). */
    headEmails(areaId: number | null, provinceId: number): string[] {
      const where = areaId === null ? or(isNull(users.areaId), eq(users.areaId, provinceId)) : eq(users.areaId, areaId);
      return db
        .select({ email: users.email })
        .from(users)
        .where(and(eq(users.role, 'department_head'), isNull(users.disabledAt), where))
        .all()
        .map((row) => row.email);
    },

    /**
     * Claims a reminder so it is sent once: a new row, or a failed one taken again. False when it was sent (or is
     * being sent) already.
     */
    claimReminder(write: { periodId: number; areaId: number; kind: 'before' | 'after'; dueDate: string; recipients: string }, at: string): number | undefined {
      const inserted = db
        .insert(periodicReportReminders)
        .values({ ...write, status: 'sending', at })
        .onConflictDoNothing()
        .returning({ id: periodicReportReminders.id })
        .get();
      if (inserted) return inserted.id;
      const retried = db
        .update(periodicReportReminders)
        .set({ status: 'sending', recipients: write.recipients, error: '', at })
        .where(and(eq(periodicReportReminders.periodId, write.periodId), eq(periodicReportReminders.areaId, write.areaId), eq(periodicReportReminders.kind, write.kind), eq(periodicReportReminders.status, 'failed')))
        .returning({ id: periodicReportReminders.id })
        .get();
      return retried?.id;
    },

    finishReminder(id: number, status: 'sent' | 'failed', error: string, at: string): void {
      db.update(periodicReportReminders).set({ status, error: error.slice(0, 300), at }).where(eq(periodicReportReminders.id, id)).run();
    },

    listReminders(limit = 200): ReminderRow[] {
      return db.select().from(periodicReportReminders).orderBy(desc(periodicReportReminders.id)).limit(limit).all();
    },
  };
}

export type PeriodicReportsRepository = ReturnType<typeof periodicReportsRepository>;
