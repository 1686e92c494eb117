import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './users.js';

/**
 * Keys of forms already handled, so a double click or a retried POST writes once: the repeat is answered with
 * the record (and, for report writes, the outcome) of the first one. Create forms store only the record; report
 * writes sent with a `requestKey` (from a page or from a phone's outbox) also store what was sent, as a hash, and
 * what was answered, so a reply lost on a weak link is answered again instead of being taken for a conflict.
 */
export const formSubmissions = sqliteTable(
  'form_submissions',
  {
    key: text('key').primaryKey(),
    userId: integer('user_id').references(() => users.id),
    recordType: text('record_type').notNull(),
    recordId: integer('record_id').notNull(),
    createdAt: text('created_at').notNull(),
    /** What the key was used for: 'report.start' | 'report.save' | 'report.attach'; null for other create forms. */
    kind: text('kind'),
    /** SHA-256 of the fields sent (sorted by name; without `_csrf` and the key) and of any file's bytes. */
    bodyHash: text('body_hash'),
    /** JSON of the answer given: status, location, flash message, record version after. */
    outcome: text('outcome'),
  },
  (table) => [index('form_submissions_created_idx').on(table.createdAt)],
);
