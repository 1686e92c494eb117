import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema/index.js';

export type AppDatabase = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Opens (creating if needed) the SQLite file with WAL and foreign keys on. */
export function openDatabase(file: string): AppDatabase {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
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
