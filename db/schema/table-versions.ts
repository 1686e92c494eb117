import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * A write counter per table, kept by SQLite triggers (see the migration that creates them) on the tables that
 * summaries are computed from. Any connection's insert, update or delete moves its table's counter, so a result
 * computed from those tables stays good exactly as long as their counters stand still.
 */
export const tableVersions = sqliteTable('table_versions', {
  name: text('name').primaryKey(),
  version: integer('version').notNull().default(0),
});
