import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { LIST_COUNT_CAP } from '../src/lib/pagination.js';
import type { AppDatabase } from './client.js';
import { preparedByShape, type Bind } from './prepared.js';

/** count(*) that stops after the cap (so a count over ten years of records costs no more than a page of them). */
export function cappedCount(db: AppDatabase, table: SQLiteTable, where: SQL | undefined, cap = LIST_COUNT_CAP): number {
  const inner = db.select({ one: sql`1` }).from(table).where(where).limit(cap + 1).as('capped');
  return db.select({ n: sql<number>`count(*)` }).from(inner).get()!.n;
}

/** The same count for a list page, prepared once per shape of its conditions (see preparedByShape). */
export function cappedCounter(db: AppDatabase, table: SQLiteTable, cap = LIST_COUNT_CAP): (conditions: (bind: Bind) => SQL | undefined) => number {
  const shaped = preparedByShape((where) => {
    const inner = db.select({ one: sql`1` }).from(table).where(where).limit(cap + 1).as('capped');
    return db.select({ n: sql<number>`count(*)` }).from(inner).prepare();
  });
  return (conditions) => {
    const { query, params } = shaped(conditions);
    return query.get(params)!.n;
  };
}
