import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { Client, createUser, loginAs } from '../helpers/auth.js';
import { roundFields } from '../helpers/factories.js';
import { html } from '../helpers/html.js';

const start = new Date('2026-03-02T01:00:00.000Z');
let clock = start;
let test: TestApp;
beforeAll(async () => {
  test = await buildTestApp({ now: () => clock, env: { SESSION_MAX_HOURS: '12', SESSION_IDLE_MINUTES: '60' } });
});
afterAll(async () => {
  await test.close();
});
afterEach(() => {
  clock = start;
});

const roundCount = () => test.app.db.get<{ n: number }>(sql`select count(*) as n from rounds`)!.n;

async function signIn(client: Client, user: { email: string; password: string }, extra: Record<string, string> = {}) {
  await client.get('/login');
  return client.post('/login', { email: user.email, password: user.password, ...extra });
}

describe('CSRF tokens', () => {
  it('refuses a token made before signing in, once signed in', async () => {
    const user = await createUser(test.app, 'department_head');
    const client = new Client(test.app);
    await client.get('/login');
    const beforeToken = client.csrf;
    const login = await client.post('/login', { email: user.email, password: user.password });
    expect(login.statusCode).toBe(303);
    // The secret cookie is dropped at sign-in, so the next page starts a new one.
    expect(login.cookies.find((cookie) => cookie.name === '_csrf')?.value).toBe('');
    await client.get('/');
    const before = roundCount();
    const stale = await client.post('/rounds', { ...roundFields(test.app), _csrf: beforeToken });
    expect(stale.statusCode).toBe(403);
    expect(roundCount()).toBe(before);
  });

  it('refuses a token from another session of the same browser secret', async () => {
    const user = await createUser(test.app, 'department_head');
    const client = new Client(test.app);
    await signIn(client, user);
    await client.get('/');
    const firstSessionToken = client.csrf;
    const secret = client.cookieHeader;
    await client.post('/logout');
    await signIn(client, user);
    await client.get('/');
    expect(client.cookieHeader).not.toBe(secret);
    const before = roundCount();
    const response = await client.post('/rounds', { ...roundFields(test.app), _csrf: firstSessionToken });
    expect(response.statusCode).toBe(403);
    expect(roundCount()).toBe(before);
    // The page's own token works.
    expect((await client.post('/rounds', roundFields(test.app))).statusCode).toBe(303);
  });

  it('rotates the secret at sign-out', async () => {
    const client = await loginAs(test.app, 'inspector');
    const out = await client.post('/logout');
    expect(out.cookies.find((cookie) => cookie.name === '_csrf')?.value).toBe('');
  });
});

describe('sessions', () => {
  it('ends the session a browser had when it signs in again', async () => {
    const user = await createUser(test.app, 'auditor');
    const client = new Client(test.app);
    await signIn(client, user);
    const oldCookie = client.cookieHeader;
    // Signed in, the browser posts the sign-in form again (with its page's token).
    await client.get('/');
    expect((await client.post('/login', { email: user.email, password: user.password })).statusCode).toBe(303);
    const old = await test.app.inject({ method: 'GET', url: '/rounds', headers: { cookie: oldCookie } });
    expect(old.statusCode).toBe(303);
    expect(old.headers.location).toContain('/login');
    expect((await client.get('/rounds')).statusCode).toBe(200);
  });

  it('ends every session SESSION_MAX_HOURS after signing in, however active', async () => {
    const client = await loginAs(test.app, 'inspector');
    for (let minutes = 0; minutes < 12 * 60; minutes += 30) {
      clock = new Date(clock.getTime() + 30 * 60_000);
      if (minutes + 30 < 12 * 60) expect((await client.get('/rounds')).statusCode).toBe(200);
    }
    const after = await client.get('/rounds');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toContain('/login');
  });

  it('gives a cookie that ends with the browser, unless the person asks to be remembered', async () => {
    const user = await createUser(test.app, 'auditor');
    const plain = await signIn(new Client(test.app), user);
    const sid = plain.cookies.find((cookie) => cookie.name === 'sid')!;
    expect(sid.maxAge).toBeUndefined();
    expect(sid.expires).toBeUndefined();
    const remembered = await signIn(new Client(test.app), user, { remember: '1' });
    const kept = remembered.cookies.find((cookie) => cookie.name === 'sid')!;
    expect(kept.maxAge).toBeGreaterThan(0);
    expect(kept.maxAge).toBeLessThanOrEqual(12 * 3600);
    expect(html((await new Client(test.app).get('/login')).body)('input[name="remember"][type="checkbox"]')).toHaveLength(1);
  });

  it('lists the person’s sessions on the profile page and ends one, or all the others', async () => {
    const user = await createUser(test.app, 'inspector');
    const phone = new Client(test.app);
    await phone.request({ method: 'GET', url: '/login', headers: { 'user-agent': 'Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36' } });
    await phone.request({ method: 'POST', url: '/login', remoteAddress: '10.7.0.2', headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36' }, payload: new URLSearchParams({ _csrf: phone.csrf, email: user.email, password: user.password }).toString() });
    const office = new Client(test.app);
    await signIn(office, user);
    const laptop = new Client(test.app);
    await signIn(laptop, user);

    const profile = await office.get('/profile');
    const $ = html(profile.body);
    const rows = $('#sessions tbody tr');
    expect(rows).toHaveLength(3);
    expect($('#sessions').text()).toContain('Chrome trên Android');
    expect($('#sessions').text()).toContain('10.7.0.2');
    expect($('#sessions').text()).toContain('Phiên này');
    const phoneRow = rows.filter((_, row) => $(row).text().includes('Android'));
    const phoneSession = phoneRow.find('input[name="session"]').val() as string;

    const ended = await office.post('/profile/sessions/end', { session: phoneSession });
    expect(ended.statusCode).toBe(303);
    expect((await phone.get('/rounds')).headers.location).toContain('/login');
    expect((await office.get('/rounds')).statusCode).toBe(200);

    await office.post('/profile/sessions/end', { others: '1' });
    expect((await laptop.get('/rounds')).headers.location).toContain('/login');
    expect((await office.get('/rounds')).statusCode).toBe(200);
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log where action = 'session_end' and record_id = ${user.id}`)!.n).toBe(2);
  });

  it('never ends another person’s session from the profile', async () => {
    const victim = await loginAs(test.app, 'inspector');
    const attacker = await loginAs(test.app, 'inspector');
    const victimSession = test.app.db.get<{ id: string }>(sql`select id from sessions where user_id = ${victim.user.id}`)!.id;
    await attacker.post('/profile/sessions/end', { session: victimSession });
    expect((await victim.get('/rounds')).statusCode).toBe(200);
  });
});

describe('pages are not kept', () => {
  it('marks signed-in pages no-store, and sign-out clears the browser cache', async () => {
    const client = await loginAs(test.app, 'department_head');
    for (const url of ['/', '/rounds', '/profile', '/findings']) {
      const page = await client.get(url);
      expect(page.statusCode).toBe(200);
      expect(page.headers['cache-control']).toBe('no-store');
    }
    const out = await client.post('/logout');
    expect(out.headers['clear-site-data']).toBe('"cache"');
    const back = await client.get('/rounds');
    expect(back.statusCode).toBe(303);
  });
});
