import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { buildTestApp } from '../helpers/app.js';
import { createUser } from '../helpers/auth.js';
import { createRoundWithTeam, createVenue } from '../helpers/factories.js';
import { freePort, signInOverHttp, startServer, stopServer } from '../helpers/server.js';

/**
 * Kill -9 the server while reports are being filed, restart it, and check that every report whose POST was
 * answered with success is there, whole (with its answers and its audit entry), and that the file is sound.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcmbn-crash-'));
let server: ChildProcess | undefined;

afterAll(() => {
  server?.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('a crash while reports are being filed', () => {
  it('loses no answered report, leaves none half-written, and the database passes integrity_check', async () => {
    // Prepare accounts, a round and venues on the data directory, then close it for the real server.
    const setup = await buildTestApp({ env: { DATA_DIR: dataDir } });
    const inspector = await createUser(setup.app, 'inspector');
    const roundId = createRoundWithTeam(setup.app, [inspector.id], { endDate: '2025-06-30' });
    const venues = Array.from({ length: 40 }, () => createVenue(setup.app));
    await setup.app.close();

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = await startServer(dataDir, port, { env: { SAMPLE_DATA: 'false' } });
    const session = await signInOverHttp(base, inspector.email, inspector.password);
    expect(session.loginStatus).toBe(303);

    const answered: number[] = [];
    let sent = 0;
    const file = async (venueId: number) => {
      sent += 1;
      try {
        const response = await fetch(`${base}/rounds/${roundId}/checks`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
          body: new URLSearchParams({ _csrf: session.csrf, venueId: String(venueId), visitDate: '11/03/2025', submissionKey: crypto.randomUUID() }),
        });
        if (response.status === 303) answered.push(Number(response.headers.get('location')!.split('/').pop()));
      } catch {
        // the connection died with the server: this report was never confirmed
      }
    };
    // Eight filers at a time, until the server is killed in the middle of the stream.
    const filers = Array.from({ length: 8 }, async (_, lane) => {
      for (let round = 0; round < 200; round += 1) await file(venues[(lane * 5 + round) % venues.length]!);
    });
    // Killed once a number of reports are confirmed, however fast or loaded the machine is (within 60 s).
    const deadline = Date.now() + 60_000;
    while (answered.length < 20 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    server.kill('SIGKILL');
    await Promise.all(filers);
    expect(answered.length).toBeGreaterThanOrEqual(20);
    expect(sent).toBeGreaterThan(answered.length);

    server = await startServer(dataDir, port, { env: { SAMPLE_DATA: 'false' } });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await stopServer(server);

    const db = new Database(path.join(dataDir, 'app.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = new Set((db.prepare('select id from checks').all() as Array<{ id: number }>).map((row) => row.id));
      for (const id of answered) expect(stored.has(id), `report ${id} was confirmed but is missing`).toBe(true);
      const withoutAnswers = db.prepare('select count(*) as n from checks c where not exists (select 1 from check_answers a where a.check_id = c.id)').get() as { n: number };
      const withoutAudit = db.prepare("select count(*) as n from checks c where not exists (select 1 from audit_log l where l.record_type = 'check' and l.record_id = c.id and l.action = 'create')").get() as { n: number };
      expect(withoutAnswers.n).toBe(0);
      expect(withoutAudit.n).toBe(0);
    } finally {
      db.close();
    }
  }, 120_000);
});
