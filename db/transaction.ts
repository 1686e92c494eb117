import type { AppDatabase } from './client.js';

/** Runs fn in one SQLite transaction (better-sqlite3 is synchronous, so every repository call inside joins it). */
export function inTransaction<T>(db: AppDatabase, fn: () => T): T {
  return db.$client.transaction(fn)();
}
