import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { rounds } from './rounds.js';

/**
 * The details a head gives a completed round's result document (Báo cáo kết quả kiểm tra, giám sát): who issues
 * it, its number and symbol, place and date, who signs and who receives it. The content comes from the records.
 */
export const roundResultDocuments = sqliteTable('round_result_documents', {
  roundId: integer('round_id')
    .primaryKey()
    .references(() => rounds.id, { onDelete: 'cascade' }),
  parentBody: text('parent_body').notNull().default(''),
  issuingBody: text('issuing_body').notNull(),
  /** Null leaves the number blank for the clerk to write. */
  number: integer('number'),
  symbol: text('symbol').notNull(),
  place: text('place').notNull(),
  documentDate: text('document_date').notNull(),
  summary: text('summary').notNull(),
  /** "Kính gửi", one addressee per line; empty for none. */
  addressees: text('addressees').notNull().default(''),
  /** Authority lines above the position ("TM. …", "KT. …"), one per line. */
  authority: text('authority').notNull().default(''),
  signerPosition: text('signer_position').notNull(),
  signerName: text('signer_name').notNull().default(''),
  /** "Nơi nhận", one recipient per line. */
  recipients: text('recipients').notNull().default(''),
  /** What follows "Lưu:", e.g. "VT, PCMBN". */
  archive: text('archive').notNull().default('VT'),
  /** Bumped on every save so a stale form is refused instead of overwriting. */
  version: integer('version').notNull().default(1),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});
