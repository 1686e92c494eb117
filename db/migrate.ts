import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { AppDatabase } from './client.js';
import { projectPath } from '../src/lib/project-root.js';

const migrationsFolder = projectPath('db/migrations');

/** Applies the committed drizzle-kit migrations that this database has not seen yet. */
export function runMigrations(db: AppDatabase): void {
  migrate(db, { migrationsFolder });
}
