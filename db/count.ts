import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { AppDatabase } from './client.js';

/** Lists count at most this many rows: beyond it a page says "more than …" instead of scanning millions. */
export const LIST_COUNT_CAP = 10_000;

/** count(*) that stops after the cap (so a count over ten years of records costs no more than a page of them). */
export function cappedCount(db: AppDatabase, table: SQLiteTable, where: SQL | undefined, cap = LIST_COUNT_CAP): number {
  const inner = db.select({ one: sql`1` }).from(table).where(where).limit(cap + 1).as('capped');
  return db.select({ n: sql<number>`count(*)` }).from(inner).get()!.n;
}
