import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './users.js';

/**
 * Keys of create forms already handled, so a double click or a retried POST creates one record:
 * the repeat is answered with the record the first one created.
 */
export const formSubmissions = sqliteTable(
  'form_submissions',
  {
    key: text('key').primaryKey(),
    userId: integer('user_id').references(() => users.id),
    recordType: text('record_type').notNull(),
    recordId: integer('record_id').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (table) => [index('form_submissions_created_idx').on(table.createdAt)],
);
