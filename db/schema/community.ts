import { index, integer, primaryKey, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { areas } from './areas.js';
import { outreachActivities } from './campaigns.js';
import { users } from './users.js';

/**
 * Community work beside inspections: prevention models and clubs, the situations an area watches (counts only),
 * and the roster of speakers and propagandists who carry out outreach.
 */

export const modelStates = ['active', 'merged', 'dissolved'] as const;
export type ModelState = (typeof modelStates)[number];

/**
 * A prevention model or club (mô hình, câu lạc bộ) in an area. A model copied from another names it
 * (`replicated_from_id`) and stays active on its own; a merged one names the model it went into; a merged or
 * dissolved model keeps the date it ended (`ended_on`), so a period before that still counts it.
 */
export const preventionModels = sqliteTable(
  'prevention_models',
  {
    id: integer('id').primaryKey(),
    name: text('name').notNull(),
    /** prevention_model_kinds in vocabulary.json. */
    kind: text('kind').notNull(),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    /** The agency that hosts it (agencies in vocabulary.json). */
    hostAgency: text('host_agency').notNull(),
    startDate: text('start_date').notNull(),
    state: text('state', { enum: modelStates }).notNull().default('active'),
    replicatedFromId: integer('replicated_from_id').references((): AnySQLiteColumn => preventionModels.id),
    mergedIntoId: integer('merged_into_id').references((): AnySQLiteColumn => preventionModels.id),
    endedOn: text('ended_on'),
    /** The latest member count (from prevention_model_members), kept here for lists. */
    members: integer('members').notNull().default(0),
    notes: text('notes').notNull().default(''),
    createdBy: integer('created_by').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [
    index('prevention_models_area_idx').on(table.areaId, table.startDate),
    index('prevention_models_start_idx').on(table.startDate),
    index('prevention_models_origin_idx').on(table.replicatedFromId),
  ],
);

/** A model's member count as of a date: the page shows them over time, the summary takes the latest one in a period. */
export const preventionModelMembers = sqliteTable(
  'prevention_model_members',
  {
    modelId: integer('model_id')
      .notNull()
      .references(() => preventionModels.id, { onDelete: 'cascade' }),
    asOf: text('as_of').notNull(),
    members: integer('members').notNull(),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: text('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.modelId, table.asOf] })],
);

export const modelEventKinds = ['started', 'replicated', 'merged', 'dissolved'] as const;
export type ModelEventKind = (typeof modelEventKinds)[number];

/** The history of a model's state: started (or replicated from another), merged into another, dissolved. */
export const preventionModelEvents = sqliteTable(
  'prevention_model_events',
  {
    id: integer('id').primaryKey(),
    modelId: integer('model_id')
      .notNull()
      .references(() => preventionModels.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: modelEventKinds }).notNull(),
    onDate: text('on_date').notNull(),
    /** The model it was replicated from or merged into. */
    otherModelId: integer('other_model_id').references(() => preventionModels.id),
    note: text('note').notNull().default(''),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: text('created_at').notNull(),
  },
  (table) => [index('prevention_model_events_model_idx').on(table.modelId, table.onDate)],
);

export const monitoringPeriodKinds = ['month', 'quarter'] as const;
export type MonitoringPeriodKind = (typeof monitoringPeriodKinds)[number];

/**
 * The situations an area watched over a month or a quarter (theo dõi tình hình), as counts per category
 * (monitoring_situations in vocabulary.json). Counts only: no names, and a note is checked for numbers that
 * could identify a person. One record per area and period; periods of one area never overlap.
 */
export const monitoringRecords = sqliteTable(
  'monitoring_records',
  {
    id: integer('id').primaryKey(),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    periodKind: text('period_kind', { enum: monitoringPeriodKinds }).notNull(),
    year: integer('year').notNull(),
    /** The month (1–12) or quarter (1–4). */
    periodNumber: integer('period_number').notNull(),
    periodStart: text('period_start').notNull(),
    periodEnd: text('period_end').notNull(),
    note: text('note').notNull().default(''),
    createdBy: integer('created_by').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [uniqueIndex('monitoring_area_period_idx').on(table.areaId, table.periodStart, table.periodEnd), index('monitoring_period_idx').on(table.periodStart, table.periodEnd)],
);

/** One category's count in a record (a category left blank is not stored: not reported, unlike 0). */
export const monitoringCounts = sqliteTable(
  'monitoring_counts',
  {
    recordId: integer('record_id')
      .notNull()
      .references(() => monitoringRecords.id, { onDelete: 'cascade' }),
    category: text('category').notNull(),
    count: integer('count').notNull(),
  },
  (table) => [primaryKey({ columns: [table.recordId, table.category] })],
);

export const propagandistRoles = ['reporter', 'propagandist'] as const;
export type PropagandistRole = (typeof propagandistRoles)[number];

/** A báo cáo viên (reporter) or tuyên truyền viên (propagandist) of an area; `left_on` ends their active time. */
export const propagandists = sqliteTable(
  'propagandists',
  {
    id: integer('id').primaryKey(),
    name: text('name').notNull(),
    organisation: text('organisation').notNull(),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    role: text('role', { enum: propagandistRoles }).notNull(),
    leftOn: text('left_on'),
    createdBy: integer('created_by').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [index('propagandists_area_idx').on(table.areaId, table.name)],
);

/** The dates a person was trained on (tập huấn). */
export const propagandistTrainings = sqliteTable(
  'propagandist_trainings',
  {
    propagandistId: integer('propagandist_id')
      .notNull()
      .references(() => propagandists.id, { onDelete: 'cascade' }),
    trainedOn: text('trained_on').notNull(),
    course: text('course').notNull().default(''),
    createdAt: text('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.propagandistId, table.trainedOn] })],
);

/** Who carried out an outreach activity (from the roster). */
export const activitySpeakers = sqliteTable(
  'activity_speakers',
  {
    activityId: integer('activity_id')
      .notNull()
      .references(() => outreachActivities.id, { onDelete: 'cascade' }),
    propagandistId: integer('propagandist_id')
      .notNull()
      .references(() => propagandists.id),
  },
  (table) => [primaryKey({ columns: [table.activityId, table.propagandistId] }), index('activity_speakers_person_idx').on(table.propagandistId, table.activityId)],
);
