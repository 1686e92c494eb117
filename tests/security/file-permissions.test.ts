import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Jimp } from 'jimp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { loginAs } from '../helpers/auth.js';
import { createReport, createRoundWithTeam, createVenue } from '../helpers/factories.js';
import { dailyBackup, restoreBackup } from '../../src/modules/backups/index.js';

/**
 * The database, its journal, the uploads and the backups hold personal data: only the account the app runs
 * under may read them, whatever umask the process was started with (these tests never set one).
 */

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pcmbn-permissions-'));
const dataDir = path.join(root, 'data');
let test: TestApp;
let backup: string | null;

beforeAll(async () => {
  // A data directory left readable by everyone by an earlier version is closed at start.
  fs.mkdirSync(path.join(dataDir, 'backups'), { recursive: true });
  fs.chmodSync(dataDir, 0o755);
  fs.chmodSync(path.join(dataDir, 'backups'), 0o755);
  test = await buildTestApp({ env: { DATA_DIR: dataDir } });

  const inspector = await loginAs(test.app, 'inspector');
  const roundId = createRoundWithTeam(test.app, [inspector.user.id]);
  const checkId = createReport(test.app, { roundId, venueId: createVenue(test.app), inspectorId: inspector.user.id });
  const photo = await new Jimp({ width: 30, height: 20, color: 0xff0000ff }).getBuffer('image/png');
  expect((await inspector.upload(`/checks/${checkId}/attachments`, { filename: 'anh.png', content: photo })).statusCode).toBeLessThan(400);
  backup = await dailyBackup(test.app.db, test.config.DATA_DIR, '2025-03-11', 14);
});

afterAll(async () => {
  await test.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('files the app writes', () => {
  it('are readable by the app’s own account only', () => {
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(path.join(dataDir, 'uploads'))).toBe(0o700);
    expect(modeOf(path.join(dataDir, 'backups'))).toBe(0o700);
    expect(modeOf(path.join(dataDir, 'app.db'))).toBe(0o600);
    expect(fs.existsSync(path.join(dataDir, 'app.db-wal'))).toBe(true);
    expect(modeOf(path.join(dataDir, 'app.db-wal'))).toBe(0o600);
    expect(modeOf(path.join(dataDir, 'app.db-shm'))).toBe(0o600);
    expect(backup).not.toBeNull();
    expect(modeOf(backup!)).toBe(0o600);
  });

  it('stay private when a backup is restored', async () => {
    const target = path.join(root, 'restored');
    fs.mkdirSync(target, { mode: 0o755 });
    fs.chmodSync(target, 0o755);
    await restoreBackup(target, backup!);
    expect(modeOf(target)).toBe(0o700);
    expect(modeOf(path.join(target, 'app.db'))).toBe(0o600);
    expect(modeOf(path.join(target, 'uploads'))).toBe(0o700);
    const uploads = fs.readdirSync(path.join(target, 'uploads'));
    expect(uploads).toHaveLength(2);
    for (const name of uploads) expect(modeOf(path.join(target, 'uploads', name))).toBe(0o600);
  });
});
