import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import { ensurePrivateFolder, PRIVATE_FILE_MODE, PRIVATE_FOLDER_MODE, type AppDatabase } from '../../../db/client.js';
import { STORED_NAME_PATTERN, storedFilePath } from '../../lib/uploads.js';

const SNAPSHOT = 'app.db';
const UPLOADS = 'uploads';
const BACKUPS = 'backups';
const AUTO_PREFIX = 'auto-';
/** A refusal names this many problems and counts the rest. */
const PROBLEMS_NAMED = 5;

export class BackupError extends Error {}

/** A link cache that remembers nothing: every file is packed whole, since a restore accepts no hard links. */
class NoHardLinks extends Map<`${number}:${number}`, string> {
  override set(): this {
    return this;
  }
}

/**
 * A backup is one .tar.gz holding a consistent copy of the database (SQLite's online backup, taken while the
 * server runs) and the uploaded files. It is readable by the app's account only.
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
    const partial = `${target}.partial`;
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: PRIVATE_FOLDER_MODE });
    // A partial file left by an interrupted run would keep its old permissions when written over.
    fs.rmSync(partial, { force: true });
    // The archive library loads with the first backup, not at start-up.
    const tar = await import('tar');
    await tar.create(
      {
        gzip: true,
        file: partial,
        mode: PRIVATE_FILE_MODE,
        cwd: work,
        portable: true,
        follow: true,
        linkCache: new NoHardLinks(),
        // `follow` reads through links, so the uploads are taken by what the folder itself holds: plain files
        // named the way the app names them; a link or stray file placed there never travels into a backup.
        filter: (entryPath) => entryPath === SNAPSHOT || entryPath === UPLOADS || isStoredUpload(uploads, entryPath),
      },
      entries,
    );
    fs.chmodSync(partial, PRIVATE_FILE_MODE);
    fs.renameSync(partial, target);
    return { bytes: fs.statSync(target).size };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function isStoredUpload(uploads: string, entryPath: string): boolean {
  if (!entryPath.startsWith(`${UPLOADS}/`)) return false;
  const stored = storedFilePath(uploads, entryPath.slice(UPLOADS.length + 1));
  return stored !== null && fs.lstatSync(stored, { throwIfNoEntry: false })?.isFile() === true;
}

/** A name from the archive or its database as it may be printed: no control characters, no screenful. */
function printable(name: string): string {
  const clean = name.replace(/\p{Cc}/gu, '?');
  return clean.length > 120 ? `${clean.slice(0, 120)}…` : clean;
}

/**
 * Why an archive entry has no place in a backup, or null when it has one: the database, the uploads folder, and
 * plain files in it named the way the app names them. Links and devices could point a restored "upload" at
 * any file on the machine.
 */
function entryProblem(entryPath: string, type: string): string | null {
  const regular = type === 'File' || type === 'OldFile' || type === 'ContiguousFile';
  const shown = printable(entryPath);
  if (type === 'SymbolicLink') return `${shown} is a symbolic link`;
  if (type === 'Link') return `${shown} is a hard link`;
  if (!regular && type !== 'Directory') return `${shown} is not a plain file or folder (${type})`;
  const name = entryPath.replace(/\/$/, '');
  if (regular && name === SNAPSHOT) return null;
  if (!regular && name === UPLOADS) return null;
  if (regular && name.startsWith(`${UPLOADS}/`) && STORED_NAME_PATTERN.test(name.slice(UPLOADS.length + 1))) return null;
  return `${shown} is not part of a backup this application makes`;
}

function problemList(problems: string[]): string {
  const more = problems.length - PROBLEMS_NAMED;
  return `${problems.slice(0, PROBLEMS_NAMED).join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}

interface ReferencedFile {
  name: string;
  /** Where the database names it, for the person reading the refusal. */
  where: string;
  /** The recorded SHA-256 of an original; thumbnails have none. */
  sha256: string | null;
  thumbnail: boolean;
}

/** Every stored file the backup's database names (tables a database from before attachments lacks are skipped). */
function referencedFiles(check: Database.Database): ReferencedFile[] {
  const tables = new Set(
    (check.prepare("select name from sqlite_master where type = 'table' and name in ('check_attachments', 'follow_up_comments')").all() as Array<{ name: string }>).map((row) => row.name),
  );
  const files: ReferencedFile[] = [];
  if (tables.has('check_attachments')) {
    const rows = check.prepare('select id, stored_name, thumbnail_name, sha256 from check_attachments order by id').all() as Array<{ id: number; stored_name: string; thumbnail_name: string | null; sha256: string | null }>;
    for (const row of rows) {
      files.push({ name: row.stored_name, where: `report attachment ${row.id}`, sha256: row.sha256, thumbnail: false });
      if (row.thumbnail_name !== null) files.push({ name: row.thumbnail_name, where: `thumbnail of report attachment ${row.id}`, sha256: null, thumbnail: true });
    }
  }
  if (tables.has('follow_up_comments')) {
    const rows = check
      .prepare('select id, attachment_stored_name, attachment_sha256 from follow_up_comments where attachment_stored_name is not null order by id')
      .all() as Array<{ id: number; attachment_stored_name: string; attachment_sha256: string | null }>;
    for (const row of rows) files.push({ name: row.attachment_stored_name, where: `follow-up comment ${row.id}`, sha256: row.attachment_sha256, thumbnail: false });
  }
  return files;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

/** What is wrong between the database's stored files and the archive's uploads, first problems first. */
async function uploadProblems(files: ReferencedFile[], uploads: string): Promise<string[]> {
  const problems: string[] = [];
  for (const file of files) {
    const stored = storedFilePath(uploads, file.name);
    if (stored === null) {
      problems.push(`${file.where} names "${printable(file.name)}", which is not a name this application gives to stored files`);
      continue;
    }
    const shown = `${UPLOADS}/${file.name}`;
    if (fs.lstatSync(stored, { throwIfNoEntry: false })?.isFile() !== true) {
      problems.push(`${shown} (${file.where}) is missing from the archive`);
    } else if (!file.thumbnail) {
      if (!file.sha256) problems.push(`${shown} (${file.where}) has no recorded SHA-256`);
      else if ((await sha256Of(stored)) !== file.sha256.toLowerCase()) problems.push(`${shown} (${file.where}) differs from its recorded SHA-256`);
    }
  }
  return problems;
}

/**
 * Checks a backup file and returns where it was unpacked: a readable archive holding nothing but the database and
 * the uploads as plain files, a database that passes integrity_check, stored file names the app could have given,
 * and every file the database names present with its recorded SHA-256. Throws BackupError naming what is wrong.
 */
export async function verifyBackup(file: string): Promise<string> {
  if (!fs.existsSync(file)) throw new BackupError(`No such file: ${file}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pcmbn-restore-'));
  try {
    const refused: string[] = [];
    try {
      // Refused entries are never written, not even here; tar's own checks (`strict`) stop any path leaving `work`.
      const tar = await import('tar');
      await tar.extract({
        file,
        cwd: work,
        strict: true,
        filter: (entryPath, entry) => {
          const problem = entryProblem(entryPath, 'type' in entry ? entry.type : 'Unsupported');
          if (problem) refused.push(problem);
          return problem === null;
        },
      });
    } catch (error) {
      throw new BackupError(`Not a readable backup archive: ${(error as Error).message}`);
    }
    if (refused.length > 0) throw new BackupError(`The archive holds what no backup of this application does, so nothing was restored: ${problemList(refused)}`);
    const snapshot = path.join(work, SNAPSHOT);
    if (!fs.existsSync(snapshot)) throw new BackupError('The archive holds no database');
    let files: ReferencedFile[];
    const check = new Database(snapshot, { readonly: true, fileMustExist: true });
    try {
      const result = check.pragma('integrity_check', { simple: true });
      if (result !== 'ok') throw new BackupError(`The database in the backup is damaged: ${String(result)}`);
      const tables = check.prepare("select count(*) as n from sqlite_master where type = 'table' and name in ('areas', 'rounds', 'users', 'audit_log')").get() as { n: number };
      if (tables.n !== 4) throw new BackupError('The archive does not hold this application’s database');
      files = referencedFiles(check);
    } catch (error) {
      throw error instanceof BackupError ? error : new BackupError(`The database in the backup cannot be read: ${(error as Error).message}`);
    } finally {
      check.close();
    }
    const problems = await uploadProblems(files, path.join(work, UPLOADS));
    if (problems.length > 0) throw new BackupError(`The backup’s files do not match its database, so nothing was restored: ${problemList(problems)}`);
    return work;
  } catch (error) {
    fs.rmSync(work, { recursive: true, force: true });
    throw error;
  }
}

/** Moves an unpacked file into the data directory, readable by the app's account only. */
function movePrivate(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (error) {
    // The temporary folder is often on another file system; then the file is copied (never two copies of all uploads at once).
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    fs.copyFileSync(from, to);
    fs.rmSync(from);
  }
  fs.chmodSync(to, PRIVATE_FILE_MODE);
}

/**
 * Replaces the data directory's database and uploads with a verified backup's (the server must be stopped).
 * Nothing in the data directory changes unless the backup passes verifyBackup.
 */
export async function restoreBackup(dataDir: string, file: string): Promise<void> {
  const work = await verifyBackup(file);
  try {
    ensurePrivateFolder(dataDir);
    const target = path.join(dataDir, SNAPSHOT);
    const uploads = path.join(dataDir, UPLOADS);
    // Everything is put beside its place first, so a failure part-way leaves the old data as it was.
    const stagedUploads = `${uploads}.restoring`;
    fs.rmSync(stagedUploads, { recursive: true, force: true });
    ensurePrivateFolder(stagedUploads);
    const unpacked = path.join(work, UPLOADS);
    if (fs.existsSync(unpacked)) for (const name of fs.readdirSync(unpacked)) movePrivate(path.join(unpacked, name), path.join(stagedUploads, name));
    movePrivate(path.join(work, SNAPSHOT), `${target}.restoring`);
    for (const suffix of ['-wal', '-shm']) fs.rmSync(`${target}${suffix}`, { force: true });
    fs.renameSync(`${target}.restoring`, target);
    fs.rmSync(uploads, { recursive: true, force: true });
    fs.renameSync(stagedUploads, uploads);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Today's automatic backup in DATA_DIR/backups, if not made yet; keeps the newest `keep`. */
export async function dailyBackup(db: AppDatabase, dataDir: string, today: string, keep: number): Promise<string | null> {
  const folder = path.join(dataDir, BACKUPS);
  ensurePrivateFolder(folder);
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
