import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { LIST_COUNT_CAP } from '../src/lib/pagination.js';
import type { AppDatabase } from './client.js';

/** count(*) that stops after the cap (so a count over ten years of records costs no more than a page of them). */
export function cappedCount(db: AppDatabase, table: SQLiteTable, where: SQL | undefined, cap = LIST_COUNT_CAP): number {
  const inner = db.select({ one: sql`1` }).from(table).where(where).limit(cap + 1).as('capped');
  return db.select({ n: sql<number>`count(*)` }).from(inner).get()!.n;
}
