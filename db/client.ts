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

/** Opens (creating if needed) the SQLite file with WAL and foreign keys on; the file is private to the app's account. */
export function openDatabase(file: string): AppDatabase {
  if (file !== ':memory:') {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: PRIVATE_FOLDER_MODE });
    // SQLite creates the -wal and -shm files with the database file's permissions, so the file is made private
    // before SQLite first opens it; journals left by an earlier, laxer start are closed too.
    fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
    for (const part of [file, `${file}-wal`, `${file}-shm`]) if (fs.existsSync(part)) restrict(part, PRIVATE_FILE_MODE);
  }
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  cacheStatements(sqlite);
  return drizzle(sqlite, { schema }) as AppDatabase;
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * drizzle prepares every query anew; compiling SQL costs more than running most of our indexed queries, so
 * prepared statements are kept by their text and reused. A statement still being iterated (a streamed
 * export) is busy and is never handed out twice.
 */
function cacheStatements(sqlite: Database.Database): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    const cached = cache.get(source);
    if (cached && !cached.busy) {
      // drizzle switches statements to raw mode for its own reads; a reused one starts in the default mode.
      return cached.reader ? cached.raw(false) : cached;
    }
    const statement = prepare(source);
    if (!cached) {
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(source, statement);
    }
    return statement;
  }) as typeof sqlite.prepare;
}

/**
 * A value that changes whenever anything is committed to the database, by this connection (total_changes)
 * or by another one (data_version): results computed from the data can be kept until it changes.
 */
export function dataGeneration(db: AppDatabase): string {
  const client = db.$client;
  const own = client.prepare('select total_changes() as n').get() as { n: number };
  const others = client.pragma('data_version', { simple: true }) as number;
  return `${own.n}:${others}`;
}
