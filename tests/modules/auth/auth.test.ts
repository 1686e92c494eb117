import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, formBody, formHeaders, htmxHeaders, type TestApp } from '../../helpers/app.js';
import { Client, createUser, loginAs, TEST_PASSWORD } from '../../helpers/auth.js';
import { createRound, district, roundFields } from '../../helpers/factories.js';
import { html, textOf } from '../../helpers/html.js';

const start = new Date('2026-03-02T02:00:00.000Z');
let clock = start;
let test: TestApp;
beforeAll(async () => {
  test = await buildTestApp({ now: () => clock, env: { SESSION_IDLE_MINUTES: '60' } });
});
afterAll(async () => {
  await test.close();
});

// Every test starts an hour after the last one, so no session or sign-in window carries over, and a test
// that moves the clock and fails moves no other.
let hour = 0;
beforeEach(() => {
  hour += 1;
  clock = new Date(start.getTime() + hour * 3_600_000);
});

function advanceMinutes(minutes: number) {
  clock = new Date(clock.getTime() + minutes * 60_000);
}

function auditCount(action?: string): number {
  return action
    ? test.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log where action = ${action}`)!.n
    : test.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log`)!.n;
}

describe('signing in and out', () => {
  it('sends a browser to the sign-in page and back to where it was going', async () => {
    const user = await createUser(test.app, 'auditor');
    const client = new Client(test.app);
    const first = await client.get('/rounds?year=2024');
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/login?next=%2Frounds%3Fyear%3D2024');
    const page = await client.get(first.headers.location as string);
    expect(html(page.body)('input[name="next"]').val()).toBe('/rounds?year=2024');
    const login = await client.post('/login', { email: user.email.toUpperCase(), password: user.password, next: '/rounds?year=2024' });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/rounds?year=2024');
    const cookie = login.cookies.find((item) => item.name === 'sid')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.secure).toBeFalsy();
    expect((await client.get('/rounds')).statusCode).toBe(200);
  });

  it('never returns to another site after signing in', async () => {
    const user = await createUser(test.app, 'auditor');
    const client = new Client(test.app);
    const response = await client.post('/login', { email: user.email, password: user.password, next: '//evil.example/x' });
    expect(response.headers.location).toBe('/');
  });

  it('refuses a wrong password with a message, keeps the email and audits the failure', async () => {
    const user = await createUser(test.app, 'inspector');
    const before = auditCount('login_failed');
    const client = new Client(test.app);
    const response = await client.post('/login', { email: user.email, password: 'sai-mat-khau-roi' }, {});
    expect(response.statusCode).toBe(401);
    expect(textOf(html(response.body), '.form-alert')).toContain('Email hoặc mật khẩu không đúng');
    expect(html(response.body)('#email').val()).toBe(user.email);
    expect(auditCount('login_failed')).toBe(before + 1);
  });

  it('signs out, ends the session on the server and audits it', async () => {
    const client = await loginAs(test.app, 'inspector');
    const sid = client.cookieHeader.match(/sid=([^;]+)/)![1]!;
    const before = auditCount('logout');
    expect((await client.post('/logout')).headers.location).toBe('/login');
    expect(auditCount('logout')).toBe(before + 1);
    const replay = await test.app.inject({ url: '/', headers: { cookie: `sid=${sid}` } });
    expect(replay.statusCode).toBe(303);
  });

  it('sets the cookie Secure when the app is behind HTTPS', async () => {
    const secure = await buildTestApp({ env: { COOKIE_SECURE: 'true' } });
    const user = await createUser(secure.app, 'auditor');
    const client = new Client(secure.app);
    const response = await client.post('/login', { email: user.email, password: user.password });
    expect(response.cookies.find((item) => item.name === 'sid')!.secure).toBe(true);
    await secure.close();
  });
});

describe('sessions', () => {
  it('end after the idle time', async () => {
    const client = await loginAs(test.app, 'auditor');
    advanceMinutes(59);
    expect((await client.get('/rounds')).statusCode).toBe(200);
    advanceMinutes(59); // still alive: the previous request counted as activity
    expect((await client.get('/rounds')).statusCode).toBe(200);
    advanceMinutes(61);
    const response = await client.get('/rounds');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toMatch(/^\/login/);
  });

  it('all end when the account is disabled', async () => {
    const admin = await loginAs(test.app, 'admin');
    const target = await loginAs(test.app, 'inspector');
    const second = new Client(test.app);
    await second.post('/login', { email: target.user.email, password: target.user.password });
    expect((await admin.post(`/admin/users/${target.user.id}/disabled`)).statusCode).toBe(303);
    expect((await target.get('/')).statusCode).toBe(303);
    expect((await second.get('/')).statusCode).toBe(303);
    const again = await new Client(test.app).post('/login', { email: target.user.email, password: target.user.password });
    expect(again.statusCode).toBe(401);
  });

  it('end elsewhere when the password changes, and the current one goes on', async () => {
    const here = await loginAs(test.app, 'department_head');
    const elsewhere = new Client(test.app);
    await elsewhere.post('/login', { email: here.user.email, password: here.user.password });
    const response = await here.post('/profile/password', { currentPassword: TEST_PASSWORD, password: 'mật-khẩu-mới-123', passwordConfirm: 'mật-khẩu-mới-123' });
    expect(response.statusCode).toBe(303);
    expect((await here.get('/')).statusCode).toBe(200);
    expect((await elsewhere.get('/')).statusCode).toBe(303);
    expect((await new Client(test.app).post('/login', { email: here.user.email, password: 'mật-khẩu-mới-123' })).statusCode).toBe(303);
  });

  it('refuses a password change with a wrong current password or a short new one', async () => {
    const client = await loginAs(test.app, 'inspector');
    const wrong = await client.post('/profile/password', { currentPassword: 'không-phải', password: 'mật-khẩu-mới-123', passwordConfirm: 'mật-khẩu-mới-123' });
    expect(wrong.statusCode).toBe(422);
    expect(textOf(html(wrong.body), '#field-currentPassword-error')).toContain('Mật khẩu hiện tại không đúng.');
    const short = await client.post('/profile/password', { currentPassword: TEST_PASSWORD, password: 'ngan', passwordConfirm: 'ngan' });
    expect(textOf(html(short.body), '#field-password-error')).toContain('ít nhất 10 ký tự');
    expect((await new Client(test.app).post('/login', { email: client.user.email, password: TEST_PASSWORD })).statusCode).toBe(303);
  });
});

describe('login throttling', () => {
  async function attempt(email: string, password: string, ip: string) {
    const client = new Client(test.app);
    await client.request({ method: 'GET', url: '/login', remoteAddress: ip });
    return client.request({
      method: 'POST',
      url: '/login',
      remoteAddress: ip,
      headers: formHeaders,
      payload: formBody({ _csrf: client.csrf, email, password }),
    });
  }

  it('answers 429 for 15 minutes after 5 failures for one account', async () => {
    const user = await createUser(test.app, 'auditor');
    for (let index = 0; index < 5; index += 1) expect((await attempt(user.email, 'sai-mat-khau', `10.0.0.${index + 1}`)).statusCode).toBe(401);
    const locked = await attempt(user.email, user.password, '10.0.1.1');
    expect(locked.statusCode).toBe(429);
    expect(locked.body).toContain('Đăng nhập sai quá nhiều lần');
    advanceMinutes(16);
    expect((await attempt(user.email, user.password, '10.0.1.1')).statusCode).toBe(303);
  });

  it('never locks others out of an address where 5 sign-ins failed on other accounts', async () => {
    const user = await createUser(test.app, 'auditor');
    for (let index = 0; index < 5; index += 1) await attempt(`khong-co-${index}@x.vn`, 'sai-mat-khau', '10.9.9.9');
    expect((await attempt(user.email, user.password, '10.9.9.9')).statusCode).toBe(303);
    expect((await attempt(user.email, user.password, '10.9.9.10')).statusCode).toBe(303);
    advanceMinutes(16);
  });
});

describe('CSRF', () => {
  it('refuses a form without the token, or with a wrong one, and writes nothing', async () => {
    const head = await loginAs(test.app, 'department_head');
    const count = () => test.app.db.get<{ n: number }>(sql`select count(*) as n from rounds`)!.n;
    const before = count();
    const missing = await head.post('/rounds', { ...roundFields(test.app), _csrf: undefined });
    expect(missing.statusCode).toBe(403);
    expect(missing.body).toContain('Không có quyền');
    const wrong = await head.post('/rounds', { ...roundFields(test.app), _csrf: 'abc' });
    expect(wrong.statusCode).toBe(403);
    const stolen = new Client(test.app);
    await stolen.get('/login');
    const otherToken = await head.post('/rounds', { ...roundFields(test.app), _csrf: stolen.csrf });
    expect(otherToken.statusCode).toBe(403);
    expect(count()).toBe(before);
    const withHeader = await head.request({
      method: 'POST',
      url: '/rounds',
      headers: { ...formHeaders, 'x-csrf-token': head.csrf, ...htmxHeaders('round-form') },
      payload: formBody(roundFields(test.app)),
    });
    expect(withHeader.statusCode).toBe(200);
    expect(count()).toBe(before + 1);
  });

  it('puts the token in every form and in the htmx header', async () => {
    const head = await loginAs(test.app, 'department_head');
    const $ = html((await head.get('/rounds/new')).body);
    const token = $('meta[name="csrf-token"]').attr('content');
    expect(token).toBeTruthy();
    expect($('body').attr('hx-headers')).toContain(token);
    $('form[method="post"]').each((_, form) => void expect($(form).find('input[name="_csrf"]').val()).toBe(token));
  });
});

describe('area scope', () => {
  it('shows a district user only their district, and 404 for another district’s round', async () => {
    const bacYen = district(test.app, 'Bắc Yên');
    const songMa = district(test.app, 'Sông Mã');
    const own = createRound(test.app, { title: 'Đợt của Bắc Yên', areaIds: [String(bacYen.id)] });
    const other = createRound(test.app, { title: 'Đợt của Sông Mã', areaIds: [String(songMa.id)] });
    const both = createRound(test.app, { title: 'Đợt liên huyện', areaIds: [String(bacYen.id), String(songMa.id)] });
    const client = await loginAs(test.app, 'department_head', { areaId: bacYen.id });

    const list = html((await client.get('/rounds')).body);
    const links = list('#rounds-table a').map((_, link) => list(link).attr('href')).get();
    expect(links).toContain(`/rounds/${own}`);
    expect(links).toContain(`/rounds/${both}`);
    expect(links).not.toContain(`/rounds/${other}`);
    expect(list('#filter-area option').map((_, option) => list(option).text()).get()).not.toContain('Huyện Sông Mã');

    expect((await client.get(`/rounds/${other}`)).statusCode).toBe(404);
    expect((await client.get(`/rounds/${other}/edit`)).statusCode).toBe(404);
    const edit = await client.post(`/rounds/${other}`, roundFields(test.app, { version: '1' }));
    expect(edit.statusCode).toBe(404);
    expect((await client.post(`/rounds/${other}/status`, { to: 'cancelled' })).statusCode).toBe(404);
    expect(test.app.db.get<{ status: string }>(sql`select status from rounds where id = ${other}`)!.status).toBe('planned');

    const searched = html((await client.get('/rounds?q=song+ma')).body);
    expect(searched('#rounds-table a').map((_, link) => searched(link).attr('href')).get()).toEqual([`/rounds/${both}`]);

    const home = html((await client.get('/')).body);
    const total = test.app.db.get<{ n: number }>(sql`select count(distinct round_id) as n from round_areas where area_id in (${sql.join(test.app.catalog.districtFamily(bacYen.id), sql`, `)})`)!.n;
    expect(home('#stat-rounds').text().trim()).toBe(String(total));

    const outside = await client.post('/rounds', roundFields(test.app, { areaIds: [songMa.id] }));
    expect(outside.statusCode).toBe(422);
    expect(textOf(html(outside.body), '#field-areaIds-error')).toContain('Huyện Sông Mã nằm ngoài địa bàn bạn phụ trách');
  });

  it('limits an auditor’s audit trail to their area', async () => {
    const phuYen = district(test.app, 'Phù Yên');
    const inArea = createRound(test.app, { title: 'Phù Yên', areaIds: [String(phuYen.id)] });
    const outside = createRound(test.app, { title: 'Mai Sơn', areaIds: [String(district(test.app, 'Mai Sơn').id)] });
    const auditor = await loginAs(test.app, 'auditor', { areaId: phuYen.id });
    const $ = html((await auditor.get('/audit?type=round')).body);
    const records = $('#audit-table a').map((_, link) => $(link).text()).get();
    expect(records).toContain(`#${inArea}`);
    expect(records).not.toContain(`#${outside}`);
  });
});

describe('first run', () => {
  it('creates the first admin only with the token from the log, once', async () => {
    const fresh = await buildTestApp();
    const token = fresh.app.setup.token!;
    expect(token).toMatch(/^[\w-]{20,}$/);
    const client = new Client(fresh.app);
    expect((await client.get('/setup')).statusCode).toBe(403);
    expect((await client.get('/setup?token=wrong')).statusCode).toBe(403);
    const form = await client.get(`/setup?token=${token}`);
    expect(form.statusCode).toBe(200);
    const bad = await client.post('/setup', { token, name: 'Quản trị', email: 'qt@sonla.gov.vn', password: 'ngan', passwordConfirm: 'ngan' });
    expect(bad.statusCode).toBe(422);
    expect(html(bad.body)('#field-email').val()).toBe('qt@sonla.gov.vn');
    const wrongToken = await client.post('/setup', { token: 'x', name: 'Kẻ lạ', email: 'x@x.vn', password: 'mat-khau-du-dai', passwordConfirm: 'mat-khau-du-dai' });
    expect(wrongToken.statusCode).toBe(403);
    const created = await client.post('/setup', { token, name: 'Quản trị', email: 'qt@sonla.gov.vn', password: 'mat-khau-du-dai', passwordConfirm: 'mat-khau-du-dai' });
    expect(created.statusCode).toBe(303);
    expect(html((await client.get('/')).body)('h1').text()).toContain('Quản trị');
    expect((await client.get('/admin/users')).statusCode).toBe(200);
    expect((await new Client(fresh.app).get(`/setup?token=${token}`)).statusCode).toBe(403);
    expect(fresh.app.db.get<{ role: string }>(sql`select role from users`)!.role).toBe('admin');
    await fresh.close();
  });

  it('refuses setup, even with the start-up token, once an account exists', async () => {
    const token = test.app.setup.token;
    expect(token).toBeTruthy(); // this app started with no accounts; the tests created them afterwards
    expect((await new Client(test.app).get(`/setup?token=${token}`)).statusCode).toBe(403);
  });
});
