import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { Jimp } from 'jimp';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { loginAs } from '../helpers/auth.js';
import { createReport, createRoundWithTeam, createVenue } from '../helpers/factories.js';
import { BackupError, createBackup, restoreBackup, verifyBackup } from '../../src/modules/backups/index.js';

/**
 * A backup is only restored when its database names nothing but files the app could have made, every one of
 * those files is in the archive with the bytes recorded for it, and the archive holds nothing but plain files
 * and folders inside its own layout. Anything else is refused before the data directory is touched.
 */

interface ArchiveEntry {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice';
  body?: Buffer;
  linkpath?: string;
}

let test: TestApp;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pcmbn-security-backups-'));
const good = path.join(work, 'good.tar.gz');
/** The good backup's entries, in the order tar wrote them. */
let goodEntries: ArchiveEntry[];
let names: { photo: string; thumbnail: string; commentFile: string; commentSha: string };
let counter = 0;

beforeAll(async () => {
  test = await buildTestApp();
  const inspector = await loginAs(test.app, 'inspector');
  const head = await loginAs(test.app, 'department_head');

  const roundId = createRoundWithTeam(test.app, [inspector.user.id]);
  const draftId = createReport(test.app, { roundId, venueId: createVenue(test.app), inspectorId: inspector.user.id });
  const photo = await new Jimp({ width: 60, height: 40, color: 0x3366ccff }).getBuffer('image/png');
  expect((await inspector.upload(`/checks/${draftId}/attachments`, { filename: 'anh.png', content: photo })).statusCode).toBeLessThan(400);

  const headRound = createRoundWithTeam(test.app, [head.user.id]);
  const submittedId = createReport(test.app, { roundId: headRound, venueId: createVenue(test.app), inspectorId: head.user.id, status: 'submitted', violations: ['A1'] });
  const finding = test.app.db.get<{ id: number }>(sql`select id from findings where check_id = ${submittedId} order by id limit 1`)!;
  const followUp = await head.post(`/findings/${finding.id}/follow-ups`, { measure: 'other', responsibleKind: 'venue', responsibleUserId: '', dueDate: '30/12/2025' });
  const followUpUrl = String(followUp.headers.location);
  const scan = Buffer.from('%PDF-1.4\n% biên bản khắc phục\n%%EOF\n');
  expect((await head.upload(`${followUpUrl}/comments`, { filename: 'bien-ban.pdf', content: scan }, { body: 'Đã nộp biên bản' })).statusCode).toBeLessThan(400);

  const attachment = test.app.db.get<{ stored_name: string; thumbnail_name: string }>(sql`select stored_name, thumbnail_name from check_attachments`)!;
  const comment = test.app.db.get<{ attachment_stored_name: string; attachment_sha256: string }>(
    sql`select attachment_stored_name, attachment_sha256 from follow_up_comments where attachment_stored_name is not null`,
  )!;
  names = { photo: attachment.stored_name, thumbnail: attachment.thumbnail_name, commentFile: comment.attachment_stored_name, commentSha: comment.attachment_sha256 };

  await createBackup(test.app.db, test.config.DATA_DIR, good);
  goodEntries = await entriesOf(good);
});

afterAll(async () => {
  await test.close();
  fs.rmSync(work, { recursive: true, force: true });
});

/** Every entry of an archive with its contents, read back with tar itself. */
async function entriesOf(file: string): Promise<ArchiveEntry[]> {
  const dir = fs.mkdtempSync(path.join(work, 'read-'));
  const entries: ArchiveEntry[] = [];
  await tar.extract({ file, cwd: dir, onReadEntry: (entry) => void entries.push({ path: entry.path, type: entry.type === 'Directory' ? 'Directory' : 'File' }) });
  for (const entry of entries) if (entry.type === 'File') entry.body = fs.readFileSync(path.join(dir, entry.path));
  return entries;
}

/** Writes a .tar.gz by hand, so that an archive can hold what tar would refuse to make (links, devices, '..'). */
function writeArchive(entries: ArchiveEntry[]): string {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const type = entry.type ?? 'File';
    const body = type === 'File' ? (entry.body ?? Buffer.alloc(0)) : Buffer.alloc(0);
    const header = Buffer.alloc(512);
    new tar.Header({
      path: entry.path,
      type,
      mode: type === 'Directory' ? 0o755 : 0o644,
      size: body.length,
      mtime: new Date(),
      uid: 0,
      gid: 0,
      ...(entry.linkpath ? { linkpath: entry.linkpath } : {}),
      ...(type === 'CharacterDevice' ? { devmaj: 1, devmin: 3 } : {}),
    }).encode(header, 0);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  const file = path.join(work, `tampered-${++counter}.tar.gz`);
  fs.writeFileSync(file, zlib.gzipSync(Buffer.concat(blocks)));
  return file;
}

/** The good backup with its database changed by `change`. */
function withDatabase(change: (db: Database.Database) => void): ArchiveEntry[] {
  const file = path.join(work, `db-${++counter}.db`);
  fs.writeFileSync(file, goodEntries.find((entry) => entry.path === 'app.db')!.body!);
  const db = new Database(file);
  change(db);
  db.close();
  const body = fs.readFileSync(file);
  return goodEntries.map((entry) => (entry.path === 'app.db' ? { ...entry, body } : entry));
}

/** A data directory already holding a restored backup: what a failed restore must leave exactly as it was. */
async function existingDataDir(): Promise<string> {
  const dir = path.join(work, `data-${++counter}`);
  await restoreBackup(dir, good);
  return dir;
}

/** Every file under a folder with the hash of its contents. */
function fingerprint(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const key = path.relative(dir, full);
    result[key] = entry.isFile() ? createHash('sha256').update(fs.readFileSync(full)).digest('hex') : entry.isDirectory() ? 'folder' : 'other';
  }
  return result;
}

async function expectRefused(file: string, named: string): Promise<void> {
  const dataDir = await existingDataDir();
  const before = fingerprint(dataDir);
  const error = await restoreBackup(dataDir, file).then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(BackupError);
  expect((error as BackupError).message).toContain(named);
  expect(fingerprint(dataDir)).toEqual(before);
}

describe('restoring a backup', () => {
  it('still restores a backup the app made, files and all', async () => {
    expect(goodEntries.map((entry) => entry.path)).toEqual(expect.arrayContaining([`uploads/${names.photo}`, `uploads/${names.thumbnail}`, `uploads/${names.commentFile}`]));
    const dataDir = path.join(work, 'restored-clean');
    await restoreBackup(dataDir, good);
    for (const name of [names.photo, names.thumbnail, names.commentFile]) {
      expect(fs.readFileSync(path.join(dataDir, 'uploads', name)).equals(goodEntries.find((entry) => entry.path === `uploads/${name}`)!.body!)).toBe(true);
    }
  });

  it('refuses a backup whose uploaded file was altered, and leaves the data directory as it was', async () => {
    const altered = writeArchive(goodEntries.map((entry) => (entry.path === `uploads/${names.photo}` ? { ...entry, body: Buffer.concat([entry.body!, Buffer.from('x')]) } : entry)));
    await expectRefused(altered, names.photo);
    const scan = writeArchive(goodEntries.map((entry) => (entry.path === `uploads/${names.commentFile}` ? { ...entry, body: Buffer.from('%PDF-1.4\n% khác\n') } : entry)));
    await expectRefused(scan, names.commentFile);
  });

  it('refuses a backup whose uploaded file or thumbnail is missing', async () => {
    for (const name of [names.photo, names.commentFile, names.thumbnail]) {
      await expectRefused(writeArchive(goodEntries.filter((entry) => entry.path !== `uploads/${name}`)), name);
    }
  });

  it('refuses a database naming a stored file the app would never name', async () => {
    const escape = '../../../../etc/passwd';
    await expectRefused(writeArchive(withDatabase((db) => db.prepare('update check_attachments set stored_name = ?').run(escape))), escape);
    await expectRefused(writeArchive(withDatabase((db) => db.prepare('update check_attachments set thumbnail_name = ?').run('/etc/shadow'))), '/etc/shadow');
    await expectRefused(
      writeArchive(withDatabase((db) => db.prepare('update follow_up_comments set attachment_stored_name = ? where attachment_stored_name is not null').run('../app.db'))),
      '../app.db',
    );
  });

  it('refuses links, devices and paths outside the backup, without writing them anywhere', async () => {
    const withoutPhoto = goodEntries.filter((entry) => entry.path !== `uploads/${names.photo}`);
    // A photo that is really the database: the attachment page would hand out every account's password hash.
    const symlink = writeArchive([...withoutPhoto, { path: `uploads/${names.photo}`, type: 'SymbolicLink', linkpath: '../app.db' }]);
    await expectRefused(symlink, names.photo);
    const hardLink = writeArchive([...goodEntries, { path: `uploads/${'e'.repeat(32)}.jpg`, type: 'Link', linkpath: 'app.db' }]);
    await expectRefused(hardLink, `${'e'.repeat(32)}.jpg`);
    const device = writeArchive([...goodEntries, { path: `uploads/${'d'.repeat(32)}.jpg`, type: 'CharacterDevice' }]);
    await expectRefused(device, `${'d'.repeat(32)}.jpg`);
    const outside = path.join(work, 'outside.txt');
    const absolute = writeArchive([...goodEntries, { path: outside, body: Buffer.from('ghi đè') }]);
    await expectRefused(absolute, 'outside.txt');
    const climbing = writeArchive([...goodEntries, { path: 'uploads/../../../outside.txt', body: Buffer.from('ghi đè') }]);
    await expectRefused(climbing, 'outside.txt');
    expect(fs.existsSync(outside)).toBe(false);
  });

  it('never carries into a backup a file that a link in the uploads folder points at', async () => {
    const uploads = path.join(test.config.DATA_DIR, 'uploads');
    const link = path.join(uploads, `${'a'.repeat(32)}.jpg`);
    const stray = path.join(uploads, 'ghi-chu.txt');
    fs.symlinkSync(path.join(test.config.DATA_DIR, 'app.db'), link);
    fs.writeFileSync(stray, 'không phải tệp của ứng dụng');
    try {
      const file = path.join(work, 'with-link.tar.gz');
      await createBackup(test.app.db, test.config.DATA_DIR, file);
      const paths = (await entriesOf(file)).map((entry) => entry.path);
      expect(paths).not.toContain(`uploads/${path.basename(link)}`);
      expect(paths).not.toContain('uploads/ghi-chu.txt');
      expect(paths).toContain(`uploads/${names.photo}`);
      await restoreBackup(path.join(work, 'restored-without-link'), file);
    } finally {
      fs.rmSync(link);
      fs.rmSync(stray);
    }
  });

  it('says which files are wrong before anything is unpacked into place', async () => {
    const altered = writeArchive(goodEntries.filter((entry) => entry.path !== `uploads/${names.photo}`));
    const error = await verifyBackup(altered).then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(BackupError);
    expect((error as BackupError).message).toContain(`uploads/${names.photo}`);
  });
});
