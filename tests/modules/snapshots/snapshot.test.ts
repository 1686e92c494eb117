import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeOfArea } from '../../../src/access/scope.js';
import { snapshotTables, writeSnapshot } from '../../../src/modules/snapshots/index.js';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { loginAs, type SignedInClient } from '../../helpers/auth.js';
import { createReport, createRoundWithTeam, createVenue, district } from '../../helpers/factories.js';
import { html } from '../../helpers/html.js';

const VICTIM_NOTE = 'Lò Thị Mây, 16 tuổi, bản Nà Sản';

let test: TestApp;
let admin: SignedInClient;
let head: SignedInClient;
let inspector: SignedInClient;
let outDir: string;
let webhookSecret: string;
const reports: Record<'bacYen' | 'songMa' | 'songMaLate', number> = { bacYen: 0, songMa: 0, songMaLate: 0 };

function report(districtName: string, visitDate = '11/03/2025'): number {
  const areaId = district(test.app, districtName).id;
  const roundId = createRoundWithTeam(test.app, [inspector.user.id], { areaIds: [String(areaId)], startDate: '2025-03-01', endDate: '2025-06-30' });
  const venueId = createVenue(test.app, { areaId: String(areaId) });
  return createReport(test.app, { roundId, venueId, inspectorId: inspector.user.id, status: 'submitted', violations: ['E2', 'A1'], visitDate });
}

beforeAll(async () => {
  test = await buildTestApp();
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcmbn-snapshot-'));
  admin = await loginAs(test.app, 'admin');
  head = await loginAs(test.app, 'department_head');
  inspector = await loginAs(test.app, 'inspector');
  reports.bacYen = report('Bắc Yên');
  reports.songMa = report('Sông Mã');
  reports.songMaLate = report('Sông Mã', '20/05/2025');
  // A referral with a note about a possible victim, in each district.
  for (const id of [reports.bacYen, reports.songMa]) {
    const finding = test.app.db.$client.prepare("select id, version from findings where check_id = ? and severity = 'critical'").get(id) as { id: number; version: number };
    const referred = await head.post(`/findings/${finding.id}/referral`, { agency: 'police', referredOn: '12/03/2025', reference: 'CA-1', victimDetails: VICTIM_NOTE, version: String(finding.version) });
    expect(referred.statusCode).toBe(303);
  }
  // Victim support in Sông Mã with a small cell (3) and a larger one (6).
  const victims = await head.post('/victim-support', { areaId: String(district(test.app, 'Sông Mã').id), year: '2025', quarter: '1', 'returned-female-adult': '6', 'returned-male-child': '3' });
  expect(victims.statusCode).toBe(303);
  const webhook = await admin.post('/admin/webhooks', { url: 'https://he-thong.example.vn/hook', events: ['report.submitted'], areaId: '', enabled: '1' });
  webhookSecret = html(webhook.body)('#webhook-secret code').text();
  expect(webhookSecret).toMatch(/^whsec_/);
});

afterAll(async () => {
  await test.close();
  fs.rmSync(outDir, { recursive: true, force: true });
});

function columnsOf(db: Database.Database): Record<string, string[]> {
  const tables = db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").pluck().all() as string[];
  return Object.fromEntries(tables.map((table) => [table, (db.prepare('select name from pragma_table_info(?)').pluck().all(table) as string[])]));
}

describe('npm run cli -- snapshot', () => {
  it('writes a SQLite snapshot of one area and period, without secrets, while the app has the file open', () => {
    const out = path.join(outDir, 'song-ma.db');
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: test.config.DATA_DIR, LOG_LEVEL: 'silent', NODE_ENV: 'test' };
    const songMa = district(test.app, 'Sông Mã');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'snapshot', '--out', out, '--area', songMa.code, '--from', '01/01/2025', '--to', '31/03/2025'], { env, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Snapshot written to');
    expect(fs.statSync(out).mode & 0o777).toBe(0o400);

    const snapshot = new Database(out, { readonly: true });
    try {
      const columns = columnsOf(snapshot);
      // Only the listed tables: no sessions, sign-in attempts, devices, server secrets, request keys or webhooks.
      expect(Object.keys(columns).every((table) => snapshotTables.includes(table))).toBe(true);
      for (const table of ['sessions', 'login_attempts', 'known_devices', 'app_secrets', 'form_submissions', 'webhook_endpoints', 'webhook_deliveries', 'table_versions']) expect(columns[table]).toBeUndefined();
      const allColumns = Object.values(columns).flat();
      for (const secret of ['password_hash', 'email', 'victim_details', 'secret', 'changes', 'ip']) expect(allColumns).not.toContain(secret);

      // Scoped rows only: Sông Mã's report of March, not Bắc Yên's, not May's (the period is the first quarter).
      const family = scopeOfArea(songMa.id, test.app.catalog);
      const familyIds = family.all ? [] : family.areaIds;
      expect(snapshot.prepare('select id from checks order by id').pluck().all()).toEqual([reports.songMa]);
      for (const table of ['checks', 'findings', 'follow_ups', 'venues', 'victim_support_records']) {
        const areas = snapshot.prepare(`select distinct area_id from ${table}`).pluck().all() as number[];
        expect(areas.every((id) => familyIds.includes(id)), table).toBe(true);
      }
      expect(snapshot.prepare('select count(*) from findings').pluck().get()).toBeGreaterThan(0);
      expect(snapshot.prepare('select count(*) from findings where check_id <> ?').pluck().get(reports.songMa)).toBe(0);
      expect(snapshot.prepare('select count(*) from check_answers where check_id <> ?').pluck().get(reports.songMa)).toBe(0);
      expect(snapshot.prepare('select count(*) from venues').pluck().get()).toBe(2);
      // The audit trail of the period only (these entries were written today, not in the first quarter of 2025).
      expect(snapshot.prepare("select count(*) from audit_log where at < '2024-12-31T17:00:00Z' or at >= '2025-03-31T17:00:00Z'").pluck().get()).toBe(0);
      expect(snapshot.prepare('select count(*) from audit_areas where area_id not in (' + familyIds.join(',') + ')').pluck().get()).toBe(0);
      // Small victim counts are hidden, flagged.
      expect(snapshot.prepare('select count, under_five from victim_support_counts order by under_five').all()).toEqual([
        { count: 6, under_five: 0 },
        { count: null, under_five: 1 },
      ]);
    } finally {
      snapshot.close();
    }
    // Nothing removed lingers anywhere in the file.
    const bytes = fs.readFileSync(out);
    expect(bytes.includes(Buffer.from(VICTIM_NOTE))).toBe(false);
    expect(bytes.includes(Buffer.from(webhookSecret))).toBe(false);
    expect(bytes.includes(Buffer.from('scrypt'))).toBe(false);
    expect(bytes.includes(Buffer.from('@sonla.gov.vn'))).toBe(false);
    // The working copy is gone from the data directory.
    expect(fs.readdirSync(test.config.DATA_DIR).filter((name) => name.startsWith('snapshot-'))).toEqual([]);
  });

  it('refuses an unknown area, a bad date and an existing file, with exit code 2', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: test.config.DATA_DIR, LOG_LEVEL: 'silent' };
    const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'snapshot', ...args], { env, encoding: 'utf8' });
    const existing = path.join(outDir, 'exists.db');
    fs.writeFileSync(existing, 'x');
    for (const [args, message] of [
      [['--out', path.join(outDir, 'x.db'), '--area', '999'], 'not a district or commune'],
      [['--out', path.join(outDir, 'x.db'), '--from', '31/02/2025'], 'is not a date'],
      [['--out', existing], 'already exists'],
    ] as const) {
      const result = run([...args]);
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });

  it('writes the whole province as CSV files, UTF-8 with BOM, one per table', async () => {
    const out = path.join(outDir, 'csv');
    const { tables } = await writeSnapshot(test.app.db, { out, format: 'csv', scope: { all: true }, workDir: test.config.DATA_DIR });
    expect(fs.readdirSync(out).sort()).toEqual(tables.map((table) => `${table.name}.csv`).sort());
    const checks = fs.readFileSync(path.join(out, 'checks.csv'), 'utf8');
    expect(checks.charCodeAt(0)).toBe(0xfeff);
    expect(checks.split('\n').filter(Boolean)).toHaveLength(4);
    const findings = fs.readFileSync(path.join(out, 'findings.csv'), 'utf8');
    expect(findings.split('\n')[0]).not.toContain('victim_details');
    const audit = fs.readFileSync(path.join(out, 'audit_log.csv'), 'utf8').split('\n');
    expect(audit[0]).toBe('\ufeffid,at,user_id,actor_name,action,record_type,record_id');
    expect(audit.length).toBeGreaterThan(10);
    const users = fs.readFileSync(path.join(out, 'users.csv'), 'utf8');
    expect(users).not.toContain('scrypt');
    const everything = fs.readdirSync(out).map((name) => fs.readFileSync(path.join(out, name), 'utf8')).join('\n');
    expect(everything).not.toContain(VICTIM_NOTE);
    expect(everything).not.toContain(webhookSecret);
  });
});
