import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { Jimp } from 'jimp';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { loginAs } from '../../helpers/auth.js';
import { createReport, createRound, createRoundWithTeam, createVenue } from '../../helpers/factories.js';
import { createBackup, dailyBackup, restoreBackup, verifyBackup, BackupError } from '../../../src/modules/backups/index.js';

let test: TestApp;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pcmbn-backups-'));
beforeAll(async () => {
  test = await buildTestApp();
});
afterAll(async () => {
  await test.close();
  fs.rmSync(work, { recursive: true, force: true });
});

function cli(args: string[], dataDir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env, encoding: 'utf8' });
  return { status: result.status, out: result.stdout.trim(), err: result.stderr.trim() };
}

describe('backups', () => {
  it('copy the database and the uploads consistently while the app runs, and restore them', async () => {
    const head = await loginAs(test.app, 'department_head');
    const inspector = await loginAs(test.app, 'inspector');
    const roundId = createRoundWithTeam(test.app, [inspector.user.id], { title: 'Đợt trước khi sao lưu' });
    const checkId = createReport(test.app, { roundId, venueId: createVenue(test.app), inspectorId: inspector.user.id });
    const photo = await new Jimp({ width: 50, height: 40, color: 0x00ff00ff }).getBuffer('image/png');
    await inspector.upload(`/checks/${checkId}/attachments`, { filename: 'anh.png', content: photo });
    void head;

    const file = path.join(work, 'sao-luu.tar.gz');
    const { bytes } = await createBackup(test.app.db, test.config.DATA_DIR, file);
    expect(bytes).toBeGreaterThan(1000);
    createRound(test.app, { title: 'Đợt sau khi sao lưu' });

    const restored = path.join(work, 'restored');
    await restoreBackup(restored, file);
    const copy = await buildTestApp({ env: { DATA_DIR: restored } });
    const titles = copy.app.db.all<{ title: string }>(sql`select title from rounds`).map((row) => row.title);
    expect(titles).toContain('Đợt trước khi sao lưu');
    expect(titles).not.toContain('Đợt sau khi sao lưu');
    const stored = copy.app.db.get<{ stored_name: string; sha256: string }>(sql`select stored_name, sha256 from check_attachments`)!;
    expect(fs.readFileSync(path.join(restored, 'uploads', stored.stored_name)).equals(photo)).toBe(true);
    expect(copy.app.db.get<{ ok: string }>(sql`pragma integrity_check`)).toEqual({ integrity_check: 'ok' });
    await copy.app.close();
  });

  it('refuse a damaged or foreign file before touching anything', async () => {
    const junk = path.join(work, 'junk.tar.gz');
    fs.writeFileSync(junk, 'not an archive at all');
    await expect(verifyBackup(junk)).rejects.toBeInstanceOf(BackupError);
    await expect(verifyBackup(path.join(work, 'missing.tar.gz'))).rejects.toThrow(/No such file/);
    const good = path.join(work, 'good.tar.gz');
    await createBackup(test.app.db, test.config.DATA_DIR, good);
    const truncated = path.join(work, 'truncated.tar.gz');
    fs.writeFileSync(truncated, fs.readFileSync(good).subarray(0, 2000));
    await expect(verifyBackup(truncated)).rejects.toBeInstanceOf(BackupError);
  });

  it('keep the newest daily backups only', async () => {
    const folder = path.join(test.config.DATA_DIR, 'backups');
    fs.mkdirSync(folder, { recursive: true });
    for (let day = 1; day <= 16; day += 1) fs.writeFileSync(path.join(folder, `auto-2025-01-${String(day).padStart(2, '0')}.tar.gz`), 'old');
    const made = await dailyBackup(test.app.db, test.config.DATA_DIR, '2025-02-01', 14);
    expect(made).toMatch(/auto-2025-02-01\.tar\.gz$/);
    const left = fs.readdirSync(folder).filter((name) => name.startsWith('auto-')).sort();
    expect(left).toHaveLength(14);
    expect(left.at(-1)).toBe('auto-2025-02-01.tar.gz');
    expect(left[0]).toBe('auto-2025-01-04.tar.gz');
    expect(await dailyBackup(test.app.db, test.config.DATA_DIR, '2025-02-01', 14)).toBeNull();
  });

  it('run from the command line; restore refuses while the server runs', () => {
    const dataDir = test.config.DATA_DIR;
    const file = path.join(work, 'cli.tar.gz');
    const backup = cli(['backup', file], dataDir);
    expect(backup.err).toBe('');
    expect(backup.status).toBe(0);
    expect(fs.existsSync(file)).toBe(true);
    fs.writeFileSync(path.join(dataDir, 'server.pid'), String(process.pid));
    const refused = cli(['restore', file], dataDir);
    expect(refused.status).toBe(2);
    expect(refused.err).toContain('stop it before restoring');
    fs.rmSync(path.join(dataDir, 'server.pid'));
    const elsewhere = path.join(work, 'cli-restored');
    expect(cli(['restore', file], elsewhere).status).toBe(0);
    expect(fs.existsSync(path.join(elsewhere, 'app.db'))).toBe(true);
    const bad = cli(['restore', path.join(work, 'junk.tar.gz')], elsewhere);
    expect(bad.status).toBe(2);
  });
});
