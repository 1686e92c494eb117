import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as tar from 'tar';
import type { AppDatabase } from '../../../db/client.js';

const SNAPSHOT = 'app.db';
const UPLOADS = 'uploads';
const AUTO_PREFIX = 'auto-';

export class BackupError extends Error {}

/**
 * A backup is one .tar.gz holding a consistent copy of the database (SQLite's online backup, taken while the
 * server runs) and the uploaded files.
 */
export async function createBackup(db: AppDatabase, dataDir: string, file: string): Promise<{ bytes: number }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pcmbn-backup-'));
  try {
    await db.$client.backup(path.join(work, SNAPSHOT));
    const entries = [SNAPSHOT];
    const uploads = path.join(dataDir, UPLOADS);
    // The uploads are packed from the data directory itself through a link (no second copy on disk).
    if (fs.existsSync(uploads)) {
      fs.symlinkSync(uploads, path.join(work, UPLOADS), 'dir');
      entries.push(UPLOADS);
    }
    const target = path.resolve(file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    await tar.create({ gzip: true, file: `${target}.partial`, cwd: work, portable: true, follow: true }, entries);
    fs.renameSync(`${target}.partial`, target);
    return { bytes: fs.statSync(target).size };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Checks a backup file (a readable archive, a database that passes integrity_check) and returns where it was unpacked. */
export async function verifyBackup(file: string): Promise<string> {
  if (!fs.existsSync(file)) throw new BackupError(`No such file: ${file}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pcmbn-restore-'));
  try {
    await tar.extract({ file, cwd: work, strict: true, filter: (entry) => entry === SNAPSHOT || entry.startsWith(`${UPLOADS}/`) || entry === UPLOADS });
  } catch (error) {
    fs.rmSync(work, { recursive: true, force: true });
    throw new BackupError(`Not a readable backup archive: ${(error as Error).message}`);
  }
  const snapshot = path.join(work, SNAPSHOT);
  if (!fs.existsSync(snapshot)) {
    fs.rmSync(work, { recursive: true, force: true });
    throw new BackupError('The archive holds no database');
  }
  const check = new Database(snapshot, { readonly: true, fileMustExist: true });
  try {
    const result = check.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new BackupError(`The database in the backup is damaged: ${String(result)}`);
    const tables = check.prepare("select count(*) as n from sqlite_master where type = 'table' and name in ('areas', 'rounds', 'users', 'audit_log')").get() as { n: number };
    if (tables.n !== 4) throw new BackupError('The archive does not hold this application’s database');
  } catch (error) {
    check.close();
    fs.rmSync(work, { recursive: true, force: true });
    throw error instanceof BackupError ? error : new BackupError(`The database in the backup cannot be read: ${(error as Error).message}`);
  }
  check.close();
  return work;
}

/** Replaces the data directory's database and uploads with a verified backup's (the server must be stopped). */
export async function restoreBackup(dataDir: string, file: string): Promise<void> {
  const work = await verifyBackup(file);
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    const target = path.join(dataDir, SNAPSHOT);
    for (const suffix of ['-wal', '-shm']) fs.rmSync(`${target}${suffix}`, { force: true });
    fs.copyFileSync(path.join(work, SNAPSHOT), `${target}.restoring`);
    fs.renameSync(`${target}.restoring`, target);
    const uploads = path.join(dataDir, UPLOADS);
    fs.rmSync(uploads, { recursive: true, force: true });
    if (fs.existsSync(path.join(work, UPLOADS))) fs.cpSync(path.join(work, UPLOADS), uploads, { recursive: true });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Today's automatic backup in DATA_DIR/backups, if not made yet; keeps the newest `keep`. */
export async function dailyBackup(db: AppDatabase, dataDir: string, today: string, keep: number): Promise<string | null> {
  const folder = path.join(dataDir, 'backups');
  const file = path.join(folder, `${AUTO_PREFIX}${today}.tar.gz`);
  let made: string | null = null;
  if (!fs.existsSync(file)) {
    await createBackup(db, dataDir, file);
    made = file;
  }
  const autos = fs
    .readdirSync(folder)
    .filter((name) => name.startsWith(AUTO_PREFIX) && name.endsWith('.tar.gz'))
    .sort();
  for (const old of autos.slice(0, Math.max(0, autos.length - keep))) fs.rmSync(path.join(folder, old), { force: true });
  return made;
}
