import path from 'node:path';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { AppDatabase } from './client.js';

const migrationsFolder = path.join(import.meta.dirname, 'migrations');

/** Applies the committed drizzle-kit migrations that this database has not seen yet. */
export function runMigrations(db: AppDatabase): void {
  migrate(db, { migrationsFolder });
}
