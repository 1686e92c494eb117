import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { buildTestApp } from '../helpers/app.js';
import { createUser } from '../helpers/auth.js';
import { createRoundWithTeam, createVenue } from '../helpers/factories.js';

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

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function start(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', LOG_LEVEL: 'warn', DAILY_BACKUPS: 'false', SAMPLE_DATA: 'false' },
    stdio: 'ignore',
  });
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('server did not start');
}

/** A signed-in session over HTTP: cookies and the CSRF token, as a browser keeps them. */
async function signIn(base: string, email: string, password: string) {
  const cookies = new Map<string, string>();
  const keep = (response: Response) => {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const [name, ...value] = pair!.split('=');
      cookies.set(name!, value.join('='));
    }
  };
  const cookieHeader = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const page = await fetch(`${base}/login`);
  keep(page);
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(await page.text())![1]!;
  const login = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader() },
    body: new URLSearchParams({ _csrf: csrf, email, password }),
  });
  keep(login);
  expect(login.status).toBe(303);
  const home = await fetch(`${base}/`, { headers: { cookie: cookieHeader() } });
  const token = /name="csrf-token" content="([^"]+)"/.exec(await home.text())![1]!;
  return { cookie: cookieHeader(), csrf: token };
}

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
    server = await start(port);
    const session = await signIn(base, inspector.email, inspector.password);

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
    await new Promise((resolve) => setTimeout(resolve, 1500));
    server.kill('SIGKILL');
    await Promise.all(filers);
    expect(answered.length).toBeGreaterThan(5);
    expect(sent).toBeGreaterThan(answered.length);

    server = await start(port);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    server.kill('SIGTERM');
    await new Promise((resolve) => server!.once('exit', resolve));

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
