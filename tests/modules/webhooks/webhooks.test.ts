import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../db/client.js';
import { inTransaction } from '../../../db/transaction.js';
import { webhookDispatcher } from '../../../src/modules/webhooks/index.js';
import { loadConfig } from '../../../src/config.js';
import { isPrivateAddress } from '../../../src/modules/webhooks/webhooks.address.js';
import { postJson } from '../../../src/modules/webhooks/webhooks.sender.js';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { loginAs, type SignedInClient } from '../../helpers/auth.js';
import { actorOf, createReport, createRoundWithTeam, createVenue, district } from '../../helpers/factories.js';
import { html } from '../../helpers/html.js';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A system on this machine that receives webhooks: it keeps every request and answers as told per path. */
const received: Received[] = [];
let answer: (path: string, count: number) => number = () => 200;
let receiver: http.Server;
let base = '';

let clock = new Date('2025-03-11T03:00:00Z');
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
  return clock;
};

let test: TestApp;
let admin: SignedInClient;
let head: SignedInClient;
let inspector: SignedInClient;

beforeAll(async () => {
  receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = answer(path, received.filter((entry) => entry.path === path).length);
      response.end(response.statusCode >= 300 ? 'lỗi máy nhận' : 'ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  // The clock moves on by days in some tests: sessions last as long as they may (30 days).
  test = await buildTestApp({ now: () => clock, env: { SESSION_IDLE_MINUTES: '43200', SESSION_MAX_HOURS: '720' } });
  admin = await loginAs(test.app, 'admin');
  head = await loginAs(test.app, 'department_head');
  inspector = await loginAs(test.app, 'inspector');
});

afterEach(() => {
  // Each test registers its own endpoints; none outlives it.
  test.app.db.$client.exec('delete from webhook_attempts; delete from webhook_deliveries; delete from webhook_endpoints;');
  received.length = 0;
  answer = () => 200;
});

afterAll(async () => {
  await test.close();
  await new Promise((resolve) => receiver.close(resolve));
});

const tick = () => test.app.services.webhookDelivery.tick(clock);
const to = (path: string) => received.filter((entry) => entry.path === path);
const bodies = (path: string) => to(path).map((entry) => JSON.parse(entry.body) as { id: string; type: string; occurredAt: string; data: Record<string, Record<string, unknown>> });

/** Registers an endpoint through the admin page; returns its id and the secret shown once. */
async function register(path: string, fields: Record<string, unknown> = {}): Promise<{ id: number; secret: string }> {
  const response = await admin.post('/admin/webhooks', {
    url: `${base}${path}`,
    events: ['report.submitted', 'report.approved', 'report.returned', 'finding.created', 'finding.referred', 'follow_up.overdue', 'follow_up.verified'],
    areaId: '',
    enabled: '1',
    ...fields,
  });
  expect(response.statusCode, response.body.slice(0, 500)).toBe(201);
  const secret = html(response.body)('#webhook-secret code').text();
  const row = test.app.db.$client.prepare('select id from webhook_endpoints where url = ?').get(`${base}${path}`) as { id: number };
  return { id: row.id, secret };
}

/** A report submitted by the inspector in Bắc Yên (or the given district) with violations, so findings are created. */
function submittedReport(districtName = 'Bắc Yên', violations = ['E2', 'A1']): number {
  const areaId = district(test.app, districtName).id;
  const roundId = createRoundWithTeam(test.app, [inspector.user.id], { areaIds: [String(areaId)] });
  const venueId = createVenue(test.app, { areaId: String(areaId) });
  return createReport(test.app, { roundId, venueId, inspectorId: inspector.user.id, status: 'submitted', violations });
}

/** The documented check: HMAC-SHA256 of "<timestamp>.<body>" with the secret, hex, after "sha256=". */
function verify(entry: Received, secret: string): boolean {
  const timestamp = String(entry.headers['x-webhook-timestamp']);
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${entry.body}`).digest('hex')}`);
  const given = Buffer.from(String(entry.headers['x-webhook-signature']));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('webhook endpoints (admin pages)', () => {
  it('registers an endpoint and shows its secret once, never again, and audits it without the secret', async () => {
    const { id, secret } = await register('/once');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const page = await admin.get(`/admin/webhooks/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain(secret);
    expect(page.body).toContain(secret.slice(-4));
    expect((await admin.get('/admin/webhooks')).body).toContain(`${base}/once`);
    const audit = test.app.db.$client.prepare("select action, changes from audit_log where record_type = 'webhook' and record_id = ?").all(id) as Array<{ action: string; changes: string }>;
    expect(audit.map((row) => row.action)).toEqual(['create']);
    expect(audit[0]!.changes).not.toContain(secret);
  });

  it('refuses a bad address and no events with 422, in Vietnamese, writing nothing', async () => {
    const before = test.app.db.$client.prepare('select count(*) as n from webhook_endpoints').get() as { n: number };
    const response = await admin.post('/admin/webhooks', { url: 'ftp://he-thong.example.vn/hook', areaId: '', enabled: '1' });
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('Chỉ nhận địa chỉ http:// hoặc https://.');
    expect(response.body).toContain('Chọn ít nhất một sự kiện.');
    expect(html(response.body)('#field-url').val()).toBe('ftp://he-thong.example.vn/hook');
    const credentials = await admin.post('/admin/webhooks', { url: 'https://a:b@example.vn/', events: ['report.submitted'] });
    expect(credentials.statusCode).toBe(422);
    expect(credentials.body).toContain('Không ghi tên đăng nhập, mật khẩu trong địa chỉ.');
    expect(test.app.db.$client.prepare('select count(*) as n from webhook_endpoints').get()).toEqual(before);
  });

  it('edits, then deletes only after confirmation, each change audited', async () => {
    const auditBefore = test.app.db.$client.prepare('select max(id) from audit_log').pluck().get() as number;
    const { id } = await register('/edit');
    const version = (test.app.db.$client.prepare('select version from webhook_endpoints where id = ?').get(id) as { version: number }).version;
    const saved = await admin.post(`/admin/webhooks/${id}`, { url: `${base}/edit2`, events: ['finding.created'], areaId: String(district(test.app, 'Sông Mã').id), version: String(version) });
    expect(saved.statusCode).toBe(303);
    expect(test.app.db.$client.prepare('select url, events, enabled from webhook_endpoints where id = ?').get(id)).toEqual({ url: `${base}/edit2`, events: '["finding.created"]', enabled: 0 });
    const stale = await admin.post(`/admin/webhooks/${id}`, { url: `${base}/edit3`, events: ['finding.created'], areaId: '', version: String(version) });
    expect(stale.statusCode).toBe(409);
    const asked = await admin.post(`/admin/webhooks/${id}/delete`, {});
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('Xoá webhook này cùng nhật ký gửi của nó?');
    expect(test.app.db.$client.prepare('select count(*) as n from webhook_endpoints where id = ?').get(id)).toEqual({ n: 1 });
    const deleted = await admin.post(`/admin/webhooks/${id}/delete`, { confirm: 'yes' });
    expect(deleted.statusCode).toBe(303);
    expect(test.app.db.$client.prepare('select count(*) as n from webhook_endpoints where id = ?').get(id)).toEqual({ n: 0 });
    const actions = test.app.db.$client.prepare("select action from audit_log where record_type = 'webhook' and record_id = ? and id > ? order by id").pluck().all(id, auditBefore);
    expect(actions).toEqual(['create', 'update', 'delete']);
  });

  it('refuses this machine and private networks unless WEBHOOK_ALLOW_PRIVATE is on', async () => {
    const strict = await buildTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: 'false' } });
    try {
      const client = await loginAs(strict.app, 'admin');
      for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://10.1.2.3/hook', 'http://[::1]/hook', 'http://169.254.169.254/latest']) {
        const response = await client.post('/admin/webhooks', { url, events: ['report.submitted'], areaId: '', enabled: '1' });
        expect(response.statusCode, url).toBe(422);
        expect(response.body).toContain('Không gửi tới chính máy chủ hoặc mạng nội bộ');
      }
      expect((await client.post('/admin/webhooks', { url: 'https://he-thong.example.vn/hook', events: ['report.submitted'], areaId: '', enabled: '1' })).statusCode).toBe(201);
    } finally {
      await strict.close();
    }
  });
});

describe('webhook delivery', () => {
  it('delivers events to a real receiver, signed as documented, with no victim details', async () => {
    const { secret } = await register('/all');
    const reportId = submittedReport();
    await tick();
    const events = bodies('/all');
    expect(events.map((event) => event.type).sort()).toEqual(['finding.created', 'finding.created', 'report.submitted']);
    for (const entry of to('/all')) {
      expect(verify(entry, secret)).toBe(true);
      expect(entry.headers['content-type']).toMatch(/^application\/json/);
      expect(entry.headers['x-webhook-id']).toBe(JSON.parse(entry.body).id);
      expect(Number(entry.headers['x-webhook-timestamp'])).toBe(Math.floor(clock.getTime() / 1000));
    }
    const submitted = events.find((event) => event.type === 'report.submitted')!;
    expect(Object.keys(submitted).sort()).toEqual(['data', 'id', 'occurredAt', 'type']);
    expect(submitted.data.report).toMatchObject({ id: reportId, status: 'submitted', path: `/checks/${reportId}` });
    expect(submitted.data.area).toMatchObject({ name: district(test.app, 'Bắc Yên').name });
    // A wrong secret does not verify.
    expect(verify(to('/all')[0]!, `${secret}x`)).toBe(false);

    // A critical finding referred with a note about a possible victim: the event says who and when, never the note.
    const finding = test.app.db.$client.prepare("select id, version from findings where check_id = ? and severity = 'critical'").get(reportId) as { id: number; version: number };
    const referred = await head.post(`/findings/${finding.id}/referral`, { agency: 'police', referredOn: '11/03/2025', reference: 'CA-12', victimDetails: 'Lò Thị Mây, 16 tuổi, bản Nà Sản', version: String(finding.version) });
    expect(referred.statusCode).toBe(303);
    advance(1000);
    await tick();
    const referral = bodies('/all').find((event) => event.type === 'finding.referred')!;
    expect(referral.data.finding).toMatchObject({ id: finding.id, severity: 'critical', referralAgency: 'police', referredOn: '2025-03-11' });
    for (const entry of to('/all')) {
      expect(entry.body).not.toContain('Lò Thị Mây');
      expect(entry.body).not.toMatch(/victim/i);
      expect(entry.body).not.toContain('Vi phạm ghi nhận'); // the answers' notes stay in the app
    }
    const delivery = test.app.db.$client.prepare("select state, attempts, last_status from webhook_deliveries where type = 'finding.referred'").get();
    expect(delivery).toEqual({ state: 'delivered', attempts: 1, last_status: 200 });
  });

  it('retries after a 500 with backoff, then stops once delivered', async () => {
    await register('/flaky', { events: ['report.approved'] });
    answer = (_path, count) => (count === 1 ? 500 : 200);
    const reportId = submittedReport();
    const reviewed = test.app.services.inspections.review(actorOf(test.app, head.user.id), reportId, 'approve', '');
    expect(reviewed.ok).toBe(true);
    await tick();
    expect(to('/flaky')).toHaveLength(1);
    let row = test.app.db.$client.prepare('select state, attempts, next_attempt_at as next from webhook_deliveries').get() as { state: string; attempts: number; next: string };
    expect(row).toMatchObject({ state: 'pending', attempts: 1 });
    expect(Date.parse(row.next) - clock.getTime()).toBe(30_000);
    advance(10_000);
    await tick();
    expect(to('/flaky')).toHaveLength(1);
    advance(21_000);
    await tick();
    expect(to('/flaky')).toHaveLength(2);
    expect(to('/flaky')[1]!.headers['x-webhook-id']).toBe(to('/flaky')[0]!.headers['x-webhook-id']);
    expect(to('/flaky')[1]!.body).toBe(to('/flaky')[0]!.body);
    row = test.app.db.$client.prepare('select state, attempts from webhook_deliveries').get() as typeof row;
    expect(row).toMatchObject({ state: 'delivered', attempts: 2 });
    const attempts = test.app.db.$client.prepare('select status_code as status, response_body as body, duration_ms as ms from webhook_attempts order by id').all() as Array<{ status: number; body: string; ms: number }>;
    expect(attempts.map((attempt) => [attempt.status, attempt.body])).toEqual([[500, 'lỗi máy nhận'], [200, 'ok']]);
    expect(attempts.every((attempt) => attempt.ms >= 0)).toBe(true);
    advance(3_600_000);
    await tick();
    expect(to('/flaky')).toHaveLength(2);

    // The deliveries page shows both attempts; "Gửi lại" sends the same event once more.
    const endpointId = (test.app.db.$client.prepare('select id from webhook_endpoints').get() as { id: number }).id;
    const page = await admin.get(`/admin/webhooks/${endpointId}`);
    expect(html(page.body)('#deliveries-table .attempt-log li')).toHaveLength(2);
    expect(page.body).toContain('Đã nhận');
    const deliveryId = (test.app.db.$client.prepare('select id from webhook_deliveries').get() as { id: number }).id;
    expect((await admin.post(`/admin/webhooks/${endpointId}/deliveries/${deliveryId}/resend`, {})).statusCode).toBe(303);
    await tick();
    expect(to('/flaky')).toHaveLength(3);
    expect(to('/flaky')[2]!.headers['x-webhook-id']).toBe(to('/flaky')[0]!.headers['x-webhook-id']);
  });

  it('gives up after 24 hours of failures', async () => {
    await register('/down', { events: ['report.submitted'] });
    answer = () => 503;
    submittedReport();
    const started = clock.getTime();
    await tick();
    for (let round = 0; round < 40; round += 1) {
      const row = test.app.db.$client.prepare('select state, next_attempt_at as next from webhook_deliveries').get() as { state: string; next: string };
      if (row.state === 'failed') break;
      clock = new Date(Math.max(clock.getTime(), Date.parse(row.next)));
      await tick();
    }
    const row = test.app.db.$client.prepare('select state, attempts from webhook_deliveries').get() as { state: string; attempts: number };
    expect(row.state).toBe('failed');
    expect(row.attempts).toBe(to('/down').length);
    expect(row.attempts).toBeGreaterThan(10);
    const last = test.app.db.$client.prepare('select max(at) as at from webhook_attempts').get() as { at: string };
    expect(Date.parse(last.at) - started).toBeLessThanOrEqual(24 * 3_600_000);
    expect(Date.parse(last.at) - started).toBeGreaterThan(18 * 3_600_000);
    advance(48 * 3_600_000);
    await tick();
    expect(to('/down')).toHaveLength(row.attempts);
  });

  it('never sends an event twice, whatever ticks and processes run at once', async () => {
    await register('/once-only', { events: ['report.submitted', 'finding.created'] });
    const other = openDatabase(test.config.databaseFile);
    try {
      const second = webhookDispatcher({ db: other, catalog: test.app.catalog, allowPrivate: true });
      submittedReport();
      submittedReport();
      await Promise.all([tick(), second.tick(clock), tick(), second.tick(clock)]);
      advance(60_000);
      await Promise.all([second.tick(clock), tick()]);
      const ids = to('/once-only').map((entry) => String(entry.headers['x-webhook-id']));
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(6);
      expect(test.app.db.$client.prepare("select count(*) as n from webhook_deliveries where state = 'delivered'").get()).toEqual({ n: 6 });
    } finally {
      other.$client.close();
    }
  });

  it('delivers nothing for a change that was rolled back after its audit entry', async () => {
    await register('/rollback', { events: ['report.approved', 'report.returned'] });
    const reportId = submittedReport();
    expect(() =>
      inTransaction(test.app.db, () => {
        test.app.services.inspections.review(actorOf(test.app, head.user.id), reportId, 'approve', '');
        throw new Error('a later step of the same change failed');
      }),
    ).toThrow('later step');
    expect(test.app.db.$client.prepare("select status from checks where id = ?").pluck().get(reportId)).toBe('submitted');
    await tick();
    advance(60_000);
    await tick();
    expect(to('/rollback')).toHaveLength(0);
    expect(test.app.db.$client.prepare('select count(*) as n from webhook_deliveries').get()).toEqual({ n: 0 });
    // The same change made for real is sent.
    test.app.services.inspections.review(actorOf(test.app, head.user.id), reportId, 'return', 'Bổ sung số liệu');
    await tick();
    expect(bodies('/rollback').map((event) => [event.type, event.data.report!.id])).toEqual([['report.returned', reportId]]);
  });

  it('sends a scoped endpoint only its area’s events', async () => {
    const songMa = district(test.app, 'Sông Mã');
    await register('/song-ma', { events: ['report.submitted'], areaId: String(songMa.id) });
    await register('/province', { events: ['report.submitted'] });
    const elsewhere = submittedReport('Bắc Yên', []);
    const inArea = submittedReport('Sông Mã', []);
    await tick();
    expect(bodies('/song-ma').map((event) => event.data.report!.id)).toEqual([inArea]);
    expect(bodies('/province').map((event) => event.data.report!.id).sort()).toEqual([elsewhere, inArea].sort());
  });

  it('sends "follow-up overdue" once, when Vietnam’s day after the due date begins', async () => {
    await register('/overdue', { events: ['follow_up.overdue', 'follow_up.verified'] });
    await tick();
    const reportId = submittedReport('Bắc Yên', ['A1']);
    const finding = test.app.db.$client.prepare('select id from findings where check_id = ?').get(reportId) as { id: number };
    const dueDate = new Date(clock.getTime() + 7 * 3_600_000 + 2 * 86_400_000).toISOString().slice(0, 10);
    const [day, month, year] = [dueDate.slice(8, 10), dueDate.slice(5, 7), dueDate.slice(0, 4)];
    const created = await head.post(`/findings/${finding.id}/follow-ups`, { measure: 'other', responsibleKind: 'venue', dueDate: `${day}/${month}/${year}` });
    expect(created.statusCode).toBe(303);
    const followUpId = Number(String(created.headers.location).split('/').pop());
    // 23:59 in Vietnam on the due date: not overdue yet.
    clock = new Date(`${dueDate}T16:59:00Z`);
    await tick();
    expect(to('/overdue')).toHaveLength(0);
    // Midnight in Vietnam: overdue.
    clock = new Date(`${dueDate}T17:00:00Z`);
    await tick();
    advance(5_000);
    await tick();
    advance(86_400_000);
    await tick();
    const events = bodies('/overdue');
    expect(events.map((event) => event.type)).toEqual(['follow_up.overdue']);
    expect(events[0]).toMatchObject({ id: `overdue-${followUpId}-${dueDate}`, occurredAt: `${dueDate}T17:00:00.000Z` });
    expect(events[0]!.data.followUp).toMatchObject({ id: followUpId, findingId: finding.id, dueDate, status: 'open' });

    // Done, then verified by a head's note: its own event.
    const headActor = actorOf(test.app, head.user.id);
    test.app.services.followUps.changeStatus(headActor, followUpId, 'done');
    expect(test.app.services.followUps.verify(headActor, followUpId, { checkId: null, note: 'Đã kiểm tra lại, cơ sở đã khắc phục' }).ok).toBe(true);
    await tick();
    expect(bodies('/overdue').map((event) => event.type)).toEqual(['follow_up.overdue', 'follow_up.verified']);
  });

  it('lets only admins reach the webhook pages', async () => {
    for (const client of [head, inspector, await loginAs(test.app, 'auditor')]) {
      expect((await client.get('/admin/webhooks')).statusCode).toBe(403);
    }
  });
});

describe('webhook settings and safety', () => {
  it('allows private addresses outside production only, unless told', () => {
    expect(loadConfig({ NODE_ENV: 'production', COOKIE_SECURE: 'true' }).WEBHOOK_ALLOW_PRIVATE).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', COOKIE_SECURE: 'true', WEBHOOK_ALLOW_PRIVATE: 'true' }).WEBHOOK_ALLOW_PRIVATE).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).WEBHOOK_ALLOW_PRIVATE).toBe(true);
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'maybe' })).toThrow(/WEBHOOK_ALLOW_PRIVATE/);
  });

  it('knows private addresses, and refuses a name that resolves to one when sending', async () => {
    for (const address of ['127.0.0.1', '10.0.0.8', '172.20.1.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '0.0.0.0']) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ['8.8.8.8', '203.113.131.1', '2001:4860:4860::8888']) expect(isPrivateAddress(address), address).toBe(false);
    const port = (receiver.address() as AddressInfo).port;
    const refused = await postJson(`http://localhost:${port}/x`, {}, '{}', { allowPrivate: false });
    expect(refused).toMatchObject({ statusCode: null, error: expect.stringContaining('address not allowed') });
    const literal = await postJson(`http://127.0.0.1:${port}/x`, {}, '{}', { allowPrivate: false });
    expect(literal.error).toContain('address not allowed');
    expect(to('/x')).toHaveLength(0);
  });

  it('does not follow a redirect: a 3xx fails the attempt', async () => {
    answer = () => 302;
    const result = await postJson(`${base}/moved`, {}, '{}', { allowPrivate: true });
    expect(result.statusCode).toBe(302);
    expect(to('/moved')).toHaveLength(1);
  });

  it('runs on a timer while the server runs and stops with it', async () => {
    const running = await buildTestApp({ env: { WEBHOOK_DELIVERY: 'true' } });
    const started = Date.now();
    await running.close();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('periodic report events', () => {
  it('sends a periodic report’s submit, return and accept with its ids, area, period, status and path; a scoped endpoint only its area’s', async () => {
    const bacYen = district(test.app, 'Bắc Yên');
    const songMa = district(test.app, 'Sông Mã');
    const periodic = ['periodic_report.submitted', 'periodic_report.accepted', 'periodic_report.returned'];
    const form = html((await admin.get('/admin/webhooks/new')).body);
    for (const type of periodic) expect(form(`#field-events input[value="${type}"]`).parent().text()).toContain('Báo cáo định kỳ');
    const all = await register('/periodic', { events: periodic });
    await register('/periodic-bac-yen', { events: periodic, areaId: String(bacYen.id) });
    await register('/periodic-song-ma', { events: periodic, areaId: String(songMa.id) });
    await register('/visits');
    await tick();

    const period = await admin.post('/admin/reporting-periods', { kind: 'quarterly', campaignId: '', dueCommune: '', version: '', title: 'Quý IV/2024', periodStart: '01/10/2024', periodEnd: '31/12/2024', dueDistrict: '05/01/2025', dueProvince: '10/01/2025' });
    expect(period.statusCode, period.body.slice(0, 400)).toBe(303);
    const periodId = test.app.db.$client.prepare('select max(id) from reporting_periods').pluck().get() as number;
    const bacYenHead = await loginAs(test.app, 'department_head', { areaId: bacYen.id });
    const built = await bacYenHead.post('/periodic-reports', { periodId: String(periodId), areaId: String(bacYen.id) });
    expect(built.statusCode, built.body.slice(0, 400)).toBe(303);
    const reportId = Number(String(built.headers.location).split('/').pop());
    const version = () => String(test.app.db.$client.prepare('select version from periodic_reports where id = ?').pluck().get(reportId));
    const narrative = { assessment: 'Đánh giá riêng của huyện.', difficulties: 'Khó khăn riêng.', proposals: 'Đề xuất riêng.', nextTasks: 'Nhiệm vụ riêng.' };
    expect((await bacYenHead.post(`/periodic-reports/${reportId}/submission`, { ...narrative, version: version() })).statusCode).toBe(303);
    await tick();
    expect(bodies('/periodic').map((event) => event.type)).toEqual(['periodic_report.submitted']);

    expect((await head.post(`/periodic-reports/${reportId}/review`, { decision: 'return', comment: 'Ý kiến riêng của tỉnh.' })).statusCode).toBe(303);
    expect((await bacYenHead.post(`/periodic-reports/${reportId}/submission`, { ...narrative, version: version() })).statusCode).toBe(303);
    expect((await head.post(`/periodic-reports/${reportId}/review`, { decision: 'accept', comment: '' })).statusCode).toBe(303);
    await tick();

    const events = bodies('/periodic');
    expect(events.map((event) => event.type)).toEqual(['periodic_report.submitted', 'periodic_report.returned', 'periodic_report.submitted', 'periodic_report.accepted']);
    expect(events.map((event) => event.data.periodicReport!.status)).toEqual(['submitted', 'returned', 'submitted', 'accepted']);
    expect(events[0]!.data.periodicReport).toMatchObject({ id: reportId, edition: 1, areaId: bacYen.id, periodId, periodTitle: 'Quý IV/2024', periodStart: '2024-10-01', periodEnd: '2024-12-31', path: `/periodic-reports/${reportId}` });
    expect(events[0]!.data.area).toMatchObject({ id: bacYen.id, name: bacYen.name });
    for (const entry of to('/periodic')) {
      expect(verify(entry, all.secret)).toBe(true);
      expect(entry.body).not.toContain('Đánh giá riêng');
      expect(entry.body).not.toContain('Ý kiến riêng');
    }
    expect(bodies('/periodic-bac-yen').map((event) => event.id)).toEqual(events.map((event) => event.id));
    expect(to('/periodic-song-ma')).toHaveLength(0);
    expect(to('/visits')).toHaveLength(0);
  });
});
