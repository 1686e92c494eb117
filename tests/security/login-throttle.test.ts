import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, formBody, formHeaders, type TestApp } from '../helpers/app.js';
import { Client, createUser, loginAs } from '../helpers/auth.js';

// Counts every password verification the server performs (sign-ins and their decoys alike).
const verified = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/access/passwords.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/access/passwords.js')>();
  return {
    ...original,
    verifyPassword: async (password: string, stored: string) => {
      verified.count += 1;
      return original.verifyPassword(password, stored);
    },
  };
});

const start = new Date('2026-03-02T02:00:00.000Z');
let clock = start;
let test: TestApp;
beforeAll(async () => {
  test = await buildTestApp({ now: () => clock });
});
afterAll(async () => {
  await test.close();
});
// Every test starts an hour after the last one, so no window carries over, and a failing test moves no other.
let hour = 0;
beforeEach(() => {
  hour += 1;
  clock = new Date(start.getTime() + hour * 3_600_000);
  verified.count = 0;
});
afterEach(() => {
  clock = start;
});

function advanceMinutes(minutes: number) {
  clock = new Date(clock.getTime() + minutes * 60_000);
}

/** A fresh browser (no cookies) signing in from an address. */
async function attempt(email: string, password: string, ip: string, client = new Client(test.app), headers: Record<string, string> = {}) {
  await client.request({ method: 'GET', url: '/login', remoteAddress: ip, headers });
  return client.request({ method: 'POST', url: '/login', remoteAddress: ip, headers: { ...formHeaders, ...headers }, payload: formBody({ _csrf: client.csrf, email, password }) });
}

function auditRows(action: string) {
  return test.app.db.all<{ actor_name: string; changes: string; record_id: number | null }>(sql`select actor_name, changes, record_id from audit_log where action = ${action}`);
}

describe('guesses sent at once', () => {
  it('verifies at most 5 of 50 concurrent guesses, refuses the right password among them, and spends bounded CPU', async () => {
    const user = await createUser(test.app, 'auditor');
    const clients = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const client = new Client(test.app);
        await client.request({ method: 'GET', url: '/login', remoteAddress: '10.1.1.1' });
        return client;
      }),
    );
    verified.count = 0;
    const cpuBefore = process.cpuUsage();
    const responses = await Promise.all(
      clients.map((client, index) =>
        client.request({
          method: 'POST',
          url: '/login',
          remoteAddress: '10.1.1.1',
          headers: formHeaders,
          payload: formBody({ _csrf: client.csrf, email: user.email, password: index === 49 ? user.password : `sai-mat-khau-${index}` }),
        }),
      ),
    );
    const cpu = process.cpuUsage(cpuBefore);
    expect(verified.count).toBe(5);
    expect(responses.filter((response) => response.statusCode === 401)).toHaveLength(5);
    expect(responses.filter((response) => response.statusCode === 429)).toHaveLength(45);
    expect(responses[49]!.statusCode).toBe(429);
    expect(responses.some((response) => response.cookies.some((cookie) => cookie.name === 'sid' && cookie.value))).toBe(false);
    // Five scrypt verifications cost well under 5 s of CPU on any machine this runs on; fifty would not.
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(5_000);
  });

  it('verifies at most 5 guesses an account in 15 minutes from many addresses at once', async () => {
    const user = await createUser(test.app, 'auditor');
    const responses = await Promise.all(Array.from({ length: 20 }, (_, index) => attempt(user.email, `sai-${index}`, `10.2.0.${index + 1}`)));
    expect(verified.count).toBe(5);
    expect(responses.filter((response) => response.statusCode === 429)).toHaveLength(15);
  });
});

describe('lockout is no way to shut a person out', () => {
  it('locks the pair (account, address) for 15 minutes with the time to wait, in Vietnamese', async () => {
    const user = await createUser(test.app, 'auditor');
    for (let index = 0; index < 5; index += 1) expect((await attempt(user.email, 'sai-mat-khau', '10.3.0.1')).statusCode).toBe(401);
    const locked = await attempt(user.email, user.password, '10.3.0.1');
    expect(locked.statusCode).toBe(429);
    expect(locked.body).toContain('Vui lòng đợi 15 phút');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    advanceMinutes(10);
    const later = await attempt(user.email, user.password, '10.3.0.1');
    expect(later.body).toContain('Vui lòng đợi 5 phút');
    advanceMinutes(6);
    expect((await attempt(user.email, user.password, '10.3.0.1')).statusCode).toBe(303);
  });

  it('lets the person sign in from their own browser while someone elsewhere guesses their password', async () => {
    const user = await createUser(test.app, 'inspector');
    const own = new Client(test.app);
    expect((await attempt(user.email, user.password, '10.4.0.9', own)).statusCode).toBe(303);
    await own.post('/logout');
    for (let index = 0; index < 8; index += 1) await attempt(user.email, `sai-${index}`, `10.4.1.${index + 1}`);
    // From anywhere else the account takes no more guesses in this window …
    expect((await attempt(user.email, user.password, '10.4.2.1')).statusCode).toBe(429);
    // … but the browser the person signed in from before is not locked by others' guesses.
    expect((await attempt(user.email, user.password, '10.4.0.9', own)).statusCode).toBe(303);
  });

  it('never locks everyone at an address where sign-ins on other accounts failed; it only slows it down', async () => {
    const user = await createUser(test.app, 'inspector');
    for (let index = 0; index < 5; index += 1) await attempt(`khong-co-${index}@sonla.gov.vn`, 'sai-mat-khau', '10.5.0.1');
    expect((await attempt(user.email, user.password, '10.5.0.1')).statusCode).toBe(303);
    for (let index = 0; index < 12; index += 1) await attempt(`ai-do-${index}@sonla.gov.vn`, 'sai-mat-khau', '10.5.0.1');
    const slowed = await attempt(user.email, user.password, '10.5.0.1');
    expect(slowed.statusCode).toBe(429);
    expect(Number(slowed.headers['retry-after'])).toBeLessThanOrEqual(300);
    advanceMinutes(5);
    expect((await attempt(user.email, user.password, '10.5.0.1')).statusCode).toBe(303);
  });
});

describe('behind a proxy', () => {
  let proxied: TestApp;
  beforeAll(async () => {
    proxied = await buildTestApp({ now: () => clock, env: { TRUST_PROXY: '10.9.0.1' } });
  });
  afterAll(async () => {
    await proxied.close();
  });

  it('counts guesses by the client address the proxy reports (TRUST_PROXY), so one attacker does not lock the others out', async () => {
    const user = await createUser(proxied.app, 'auditor');
    const via = (client: string) => ({ 'x-forwarded-for': client });
    const from = async (client: string, password: string) => {
      const browser = new Client(proxied.app);
      await browser.request({ method: 'GET', url: '/login', remoteAddress: '10.9.0.1', headers: via(client) });
      return browser.request({ method: 'POST', url: '/login', remoteAddress: '10.9.0.1', headers: { ...formHeaders, ...via(client) }, payload: formBody({ _csrf: browser.csrf, email: 'khong-co@sonla.gov.vn', password }) });
    };
    for (let index = 0; index < 5; index += 1) expect((await from('203.0.113.5', 'sai')).statusCode).toBe(401);
    expect((await from('203.0.113.5', 'sai')).statusCode).toBe(429);
    const browser = new Client(proxied.app);
    await browser.request({ method: 'GET', url: '/login', remoteAddress: '10.9.0.1', headers: via('198.51.100.7') });
    const signIn = await browser.request({ method: 'POST', url: '/login', remoteAddress: '10.9.0.1', headers: { ...formHeaders, ...via('198.51.100.7') }, payload: formBody({ _csrf: browser.csrf, email: user.email, password: user.password }) });
    expect(signIn.statusCode).toBe(303);
    const audit = proxied.app.db.get<{ ip: string }>(sql`select ip from audit_log where action = 'login' order by id desc limit 1`)!;
    expect(audit.ip).toBe('198.51.100.7');
  });
});

describe('the audit trail of failed sign-ins', () => {
  it('keeps the email only when it names an account; what else was typed is never stored', async () => {
    const user = await createUser(test.app, 'auditor');
    const typedPassword = 'Mật-khẩu-gõ-nhầm-ô-email-42';
    await attempt(typedPassword, 'x', '10.6.0.1');
    await attempt(user.email, 'sai-mat-khau', '10.6.0.2');
    const everything = JSON.stringify(test.app.db.all(sql`select * from audit_log`)) + JSON.stringify(test.app.db.all(sql`select * from login_attempts`));
    expect(everything).not.toContain(typedPassword);
    expect(everything.toLowerCase()).not.toContain(typedPassword.toLowerCase());
    const rows = auditRows('login_failed');
    expect(rows.some((row) => JSON.parse(row.changes).reason === 'unknown_email')).toBe(true);
    expect(rows.some((row) => row.record_id !== null && JSON.parse(row.changes).email === user.email)).toBe(true);
  });
});

describe('the current password on the profile page', () => {
  it('is limited like a sign-in, and every wrong one is audited', async () => {
    const client = await loginAs(test.app, 'inspector');
    const before = auditRows('password_check_failed').length;
    for (let index = 0; index < 5; index += 1) {
      const wrong = await client.post('/profile/password', { currentPassword: `sai-${index}`, password: 'mây-trắng-bản-lác-93', passwordConfirm: 'mây-trắng-bản-lác-93' });
      expect(wrong.statusCode).toBe(422);
    }
    expect(auditRows('password_check_failed').length - before).toBe(5);
    verified.count = 0;
    const locked = await client.post('/profile/password', { currentPassword: client.user.password, password: 'mây-trắng-bản-lác-93', passwordConfirm: 'mây-trắng-bản-lác-93' });
    expect(locked.statusCode).toBe(429);
    expect(locked.body).toContain('Nhập sai mật khẩu quá nhiều lần');
    expect(verified.count).toBe(0);
  });
});
