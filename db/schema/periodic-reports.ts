import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { areas } from './areas.js';
import { campaigns } from './campaigns.js';
import { users } from './users.js';

export const reportingPeriodKinds = ['quarterly', 'six_monthly', 'yearly', 'campaign'] as const;
export type ReportingPeriodKind = (typeof reportingPeriodKinds)[number];

/**
 * A period the areas report on (báo cáo định kỳ), set by an admin: its kind, its dates, and the date by which
 * each level must have sent its report upward. A level that does not exist in the period (districts after
 * the 2025 reform) has no due date.
 */
export const reportingPeriods = sqliteTable(
  'reporting_periods',
  {
    id: integer('id').primaryKey(),
    kind: text('kind', { enum: reportingPeriodKinds }).notNull(),
    title: text('title').notNull(),
    /** A campaign report (e.g. the 30/7 action month) may name its campaign: its figures are then the campaign's. */
    campaignId: integer('campaign_id').references(() => campaigns.id),
    periodStart: text('period_start').notNull(),
    periodEnd: text('period_end').notNull(),
    dueCommune: text('due_commune'),
    dueDistrict: text('due_district'),
    dueProvince: text('due_province'),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [index('reporting_periods_end_idx').on(table.periodEnd)],
);

export const periodicReportStatuses = ['draft', 'submitted', 'accepted', 'returned'] as const;
export type PeriodicReportStatus = (typeof periodicReportStatuses)[number];

/**
 * One area's report for one period. `edition` 1 is the report; a corrected edition (2, 3 …) is issued after
 * acceptance and keeps the earlier ones readable (`replacedById`). `snapshot` is the JSON of every figure and
 * the narrative frozen at submission: once set it is never recomputed. `version` guards the form (409 when stale).
 */
export const periodicReports = sqliteTable(
  'periodic_reports',
  {
    id: integer('id').primaryKey(),
    periodId: integer('period_id')
      .notNull()
      .references(() => reportingPeriods.id),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    edition: integer('edition').notNull().default(1),
    status: text('status', { enum: periodicReportStatuses }).notNull().default('draft'),
    assessment: text('assessment').notNull().default(''),
    difficulties: text('difficulties').notNull().default(''),
    proposals: text('proposals').notNull().default(''),
    nextTasks: text('next_tasks').notNull().default(''),
    /** Why a corrected edition was issued. */
    correctionReason: text('correction_reason').notNull().default(''),
    snapshot: text('snapshot'),
    submittedAt: text('submitted_at'),
    submittedBy: integer('submitted_by').references(() => users.id),
    reviewedAt: text('reviewed_at'),
    reviewedBy: integer('reviewed_by').references(() => users.id),
    /** The comment of the latest return, shown on the draft until it is submitted again. */
    returnComment: text('return_comment').notNull().default(''),
    replacedById: integer('replaced_by_id'),
    createdBy: integer('created_by').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [
    uniqueIndex('periodic_reports_edition_idx').on(table.periodId, table.areaId, table.edition),
    index('periodic_reports_status_idx').on(table.status, table.periodId),
    index('periodic_reports_area_idx').on(table.areaId, table.periodId),
  ],
);

/** Each step of a report (submitted, accepted, returned with its comment, corrected), shown as its history. */
export const periodicReportSteps = sqliteTable(
  'periodic_report_steps',
  {
    id: integer('id').primaryKey(),
    reportId: integer('report_id')
      .notNull()
      .references(() => periodicReports.id),
    action: text('action', { enum: ['submit', 'accept', 'return', 'correct'] }).notNull(),
    comment: text('comment').notNull().default(''),
    userId: integer('user_id').references(() => users.id),
    actorName: text('actor_name').notNull(),
    at: text('at').notNull(),
  },
  (table) => [index('periodic_report_steps_report_idx').on(table.reportId, table.id)],
);

/**
 * Reminder emails about a report's due date, one row per period, area and kind ("before": 5 days ahead,
 * "after": the day after), claimed before sending so each goes out once whichever process ticks.
 */
export const periodicReportReminders = sqliteTable(
  'periodic_report_reminders',
  {
    id: integer('id').primaryKey(),
    periodId: integer('period_id')
      .notNull()
      .references(() => reportingPeriods.id),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    kind: text('kind', { enum: ['before', 'after'] }).notNull(),
    dueDate: text('due_date').notNull(),
    recipients: text('recipients').notNull(),
    status: text('status', { enum: ['sending', 'sent', 'failed'] }).notNull(),
    error: text('error').notNull().default(''),
    at: text('at').notNull(),
  },
  (table) => [uniqueIndex('periodic_report_reminders_once_idx').on(table.periodId, table.areaId, table.kind), index('periodic_report_reminders_at_idx').on(table.at)],
);
