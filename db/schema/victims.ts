import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { areas } from './areas.js';
import { users } from './users.js';

/** The split every victim count is recorded in; `unknown` only where a source gives no split (sample data). */
export const victimSexes = ['male', 'female', 'unknown'] as const;
export type VictimSex = (typeof victimSexes)[number];
export const victimAgeGroups = ['child', 'adult', 'unknown'] as const;
export type VictimAgeGroup = (typeof victimAgeGroups)[number];

/**
 * Returned victims and the support they got, as counts for one area and one period (a calendar quarter; a
 * longer period only for a figure a source gives that way, such as the sample's 2021–2025 province total).
 * Counts only: nothing here names, dates or describes a person (Law 53/2024/QH15, Art. 3(10)).
 */
export const victimSupportRecords = sqliteTable(
  'victim_support_records',
  {
    id: integer('id').primaryKey(),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    /** Year and quarter (1–4) of a quarterly record; null for a figure over a longer period. */
    year: integer('year'),
    quarter: integer('quarter'),
    periodStart: text('period_start').notNull(),
    periodEnd: text('period_end').notNull(),
    /** Sample data (marked "dữ liệu mẫu" wherever shown). */
    isSample: integer('is_sample', { mode: 'boolean' }).notNull().default(false),
    /** A short note (at most 300 characters, refused when it holds a number that looks like a phone or ID number). */
    note: text('note').notNull().default(''),
    createdBy: integer('created_by').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [
    uniqueIndex('victim_support_area_period_idx').on(table.areaId, table.periodStart, table.periodEnd),
    index('victim_support_period_idx').on(table.periodStart, table.periodEnd),
  ],
);

/**
 * One count of a record: a measure (returned, a way of return, a kind of support, …) for one sex and age group.
 * Only counts above zero are stored; a missing cell is 0. One row per cell keeps every split summable by the
 * same query and every "part ≤ total" rule the same comparison, cell by cell.
 */
export const victimSupportCounts = sqliteTable(
  'victim_support_counts',
  {
    recordId: integer('record_id')
      .notNull()
      .references(() => victimSupportRecords.id, { onDelete: 'cascade' }),
    measure: text('measure').notNull(),
    sex: text('sex', { enum: victimSexes }).notNull(),
    ageGroup: text('age_group', { enum: victimAgeGroups }).notNull(),
    count: integer('count').notNull(),
  },
  (table) => [primaryKey({ columns: [table.recordId, table.measure, table.sex, table.ageGroup] })],
);
