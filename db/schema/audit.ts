import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { areas } from './areas.js';
import { users } from './users.js';

/**
 * Append-only record of every change, sign-in and export, written in the same transaction as the change.
 * Triggers in the migrations refuse UPDATE and DELETE on it.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey(),
    at: text('at').notNull(),
    userId: integer('user_id').references(() => users.id),
    /** Who acted, as they were named then (also "CLI" or "hệ thống" for the command line and start-up). */
    actorName: text('actor_name').notNull(),
    ip: text('ip').notNull().default(''),
    action: text('action').notNull(),
    recordType: text('record_type').notNull(),
    recordId: integer('record_id'),
    /** JSON object: field → [before, after]; or details of an event (an export's filters, a failed sign-in's email). */
    changes: text('changes').notNull().default('{}'),
  },
  (table) => [
    index('audit_record_idx').on(table.recordType, table.recordId, table.id),
    index('audit_user_idx').on(table.userId, table.id),
    index('audit_at_idx').on(table.at),
  ],
);

/** The areas of the record an entry is about, so a user limited to one area sees that area's history only. */
export const auditAreas = sqliteTable(
  'audit_areas',
  {
    auditId: integer('audit_id')
      .notNull()
      .references(() => auditLog.id),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
  },
  (table) => [primaryKey({ columns: [table.auditId, table.areaId] }), index('audit_areas_area_idx').on(table.areaId, table.auditId)],
);
