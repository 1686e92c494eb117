import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema/index.js';

export type AppDatabase = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** The database, uploads and backups hold personal data: readable and writable by the app's own account only. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_FOLDER_MODE = 0o700;

/** Creates a folder only the app's account may enter, or closes an existing one that others could. */
export function ensurePrivateFolder(folder: string): void {
  fs.mkdirSync(folder, { recursive: true, mode: PRIVATE_FOLDER_MODE });
  restrict(folder, PRIVATE_FOLDER_MODE);
}

/**
 * Sets the mode of what the app's account owns. Something another account owns (a data folder an administrator
 * shares with the app's group) keeps the mode its owner chose rather than stopping the app from starting.
 */
function restrict(target: string, mode: number): void {
  try {
    fs.chmodSync(target, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}

export interface OpenOptions {
  /** Called with the text of every statement the connection executes (tests count a page's statements with it). */
  verbose?: (sql: string) => void;
}

/** Opens (creating if needed) the SQLite file with WAL and foreign keys on; the file is private to the app's account. */
export function openDatabase(file: string, options: OpenOptions = {}): AppDatabase {
  if (file !== ':memory:') {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: PRIVATE_FOLDER_MODE });
    // SQLite creates the -wal and -shm files with the database file's permissions, so the file is made private
    // before SQLite first opens it; journals left by an earlier, laxer start are closed too.
    fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
    for (const part of [file, `${file}-wal`, `${file}-shm`]) if (fs.existsSync(part)) restrict(part, PRIVATE_FILE_MODE);
  }
  const sqlite = new Database(file, options.verbose ? { verbose: (message?: unknown) => options.verbose!(String(message)) } : {});
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  return drizzle(sqlite, { schema }) as AppDatabase;
}

/**
 * A reader of the write counters of some tables (table_versions, kept by triggers): its answer changes whenever
 * one of them is written, by this connection or another, so a result computed from them can be kept until then.
 */
export function tableVersions(db: AppDatabase, tables: readonly string[]): () => string {
  const statement = db.$client
    .prepare(`select group_concat(version, '.') from (select version from table_versions where name in (${tables.map(() => '?').join(', ')}) order by name)`)
    .pluck();
  return () => statement.get(...tables) as string;
}
