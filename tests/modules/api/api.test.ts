import { randomUUID } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { sql } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../db/schema/index.js';
import { systemActor } from '../../../src/access/actor.js';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, loginAs, type SignedInClient } from '../../helpers/auth.js';
import { createReport, createRoundWithTeam, createSupervisionRecord, createVenue, district, outreachForm } from '../../helpers/factories.js';
import { contractChecker, type OpenApiDocument } from './contract.js';

const allRoles: Role[] = ['admin', 'department_head', 'inspector', 'auditor'];
const fileRoles: Role[] = ['admin', 'department_head', 'inspector'];
const readerRoles: Role[] = ['admin', 'department_head', 'auditor'];

let test: TestApp;
let document: OpenApiDocument;
let contract: ReturnType<typeof contractChecker>;
const tokens = {} as Record<Role, { secret: string; userId: number }>;
let head: SignedInClient;

/** A token for a new account with this role (and area), made through the service as /profile makes it. */
async function tokenFor(role: Role, options: { areaId?: number; access?: 'read' | 'write' } = {}) {
  const user = await createUser(test.app, role, options.areaId ? { areaId: options.areaId } : {});
  const made = test.app.services.tokens.create(systemActor('test'), user.id, 'personal', { name: `Thử ${role}`, access: options.access ?? 'write', days: 90 }, '');
  return { secret: made.secret!, userId: user.id, id: made.id };
}

/** A JSON API request with a bearer token; every answer is checked against the OpenAPI document. */
async function api(secret: string | null, method: string, url: string, options: { body?: unknown; headers?: Record<string, string> } = {}) {
  const request: InjectOptions = { method: method as InjectOptions['method'], url, headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers } };
  if (options.body !== undefined) request.payload = JSON.stringify(options.body);
  const response = await test.app.inject(request);
  contract.check(method, url, response);
  return response;
}

const json = (response: { body: string }) => JSON.parse(response.body) as Record<string, unknown> & { data: Array<Record<string, unknown>> };

function venueBody(overrides: Record<string, unknown> = {}) {
  return { kind: 'karaoke', name: `Karaoke API ${randomUUID().slice(0, 8)}`, areaId: district(test.app, 'Bắc Yên').id, address: 'Tiểu khu 1', ...overrides };
}

function count(table: string): number {
  return test.app.db.get<{ n: number }>(sql.raw(`select count(*) as n from ${table}`))!.n;
}

beforeAll(async () => {
  test = await buildTestApp();
  for (const role of allRoles) tokens[role] = await tokenFor(role);
  head = await loginAs(test.app, 'department_head');
  document = JSON.parse((await test.app.inject({ url: '/api/v1/openapi.json' })).body) as OpenApiDocument;
  contract = contractChecker(document);
});
afterAll(async () => {
  await test.close();
});

// ——— the route × role table, for tokens ———

interface ApiCase {
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  allowed: Role[];
  /** The request for one attempt (fresh records where the action consumes them). */
  prepare?: (role: Role) => Promise<{ url?: string; body?: unknown; headers?: Record<string, string> }> | { url?: string; body?: unknown; headers?: Record<string, string> };
}

function draftFor(role: Role) {
  const userId = fileRoles.includes(role) ? tokens[role].userId : tokens.inspector.userId;
  const roundId = createRoundWithTeam(test.app, [userId]);
  return { roundId, venueId: createVenue(test.app), reportId: createReport(test.app, { roundId, venueId: createVenue(test.app), inspectorId: userId }) };
}

function completeAnswers(reportId: number) {
  const codes = test.app.db.$client.prepare('select item_code from check_answers where check_id = ?').all(reportId) as Array<{ item_code: string }>;
  return Object.fromEntries(codes.map(({ item_code: code }) => [code, { answer: 'compliant', note: '' }]));
}

async function followUpId(assignee?: number): Promise<number> {
  const { roundId, venueId } = draftFor('department_head');
  const reportId = createReport(test.app, { roundId, venueId, inspectorId: tokens.department_head.userId, status: 'submitted', violations: ['A1'] });
  const finding = test.app.db.get<{ id: number }>(sql`select id from findings where check_id = ${reportId} order by id limit 1`)!;
  const response = await head.post(`/findings/${finding.id}/follow-ups`, { measure: 'other', responsibleKind: assignee ? 'user' : 'venue', responsibleUserId: assignee ? String(assignee) : '', dueDate: '30/12/2025' });
  return Number(String(response.headers.location).split('/').pop());
}

/** An approved supervision record of Bắc Yên with one recommendation, filed by the inspector's token account and approved by the head's. */
function approvedSupervision() {
  return createSupervisionRecord(test.app, { ownerId: tokens.inspector.userId, reviewerId: tokens.department_head.userId, status: 'approved', recommendations: 1 });
}

let periodCounter = 0;
/** A district's periodic report of a fresh quarter, submitted (so its snapshot is frozen) unless asked for a draft. */
function periodicReport(status: 'draft' | 'submitted' = 'submitted'): number {
  const service = test.app.services.periodicReports;
  periodCounter += 1;
  const period = service.createPeriod(systemActor('test'), { kind: 'quarterly', title: `Quý thử API ${periodCounter}`, campaignId: null, periodStart: '2025-01-01', periodEnd: '2025-03-31', dueCommune: null, dueDistrict: '2025-04-05', dueProvince: '2025-04-10' });
  if (!period.ok) throw new Error('no period');
  const built = service.build(systemActor('test'), period.value.id, district(test.app, 'Bắc Yên').id);
  if (!built.ok) throw new Error('no report');
  if (status === 'submitted') service.submit(systemActor('test'), built.value.id, { assessment: 'Cơ bản hoàn thành', difficulties: '', proposals: 'Không', nextTasks: '' }, 1);
  return built.value.id;
}

const versionOf = (table: string, id: number) => `"${test.app.db.get<{ version: number }>(sql.raw(`select version from ${table} where id = ${id}`))!.version}"`;

const cases: ApiCase[] = [
  { method: 'GET', url: '/api/v1/rounds', allowed: allRoles },
  { method: 'GET', url: '/api/v1/rounds/:id', allowed: allRoles, prepare: () => ({ url: `/api/v1/rounds/${createRoundWithTeam(test.app, [])}` }) },
  { method: 'GET', url: '/api/v1/venues', allowed: allRoles },
  { method: 'GET', url: '/api/v1/venues/:id', allowed: allRoles, prepare: () => ({ url: `/api/v1/venues/${createVenue(test.app)}` }) },
  { method: 'POST', url: '/api/v1/venues', allowed: fileRoles, prepare: () => ({ body: venueBody(), headers: { 'idempotency-key': randomUUID() } }) },
  {
    method: 'PATCH',
    url: '/api/v1/venues/:id',
    allowed: fileRoles,
    prepare: () => {
      const id = createVenue(test.app);
      return { url: `/api/v1/venues/${id}`, body: { ownerName: 'Lò Văn Chủ' }, headers: { 'if-match': versionOf('venues', id) } };
    },
  },
  { method: 'GET', url: '/api/v1/reports', allowed: allRoles },
  { method: 'GET', url: '/api/v1/reports/:id', allowed: allRoles, prepare: () => ({ url: `/api/v1/reports/${draftFor('inspector').reportId}` }) },
  {
    method: 'POST',
    url: '/api/v1/reports',
    allowed: fileRoles,
    prepare: (role) => {
      const { roundId, venueId } = draftFor(role);
      return { body: { roundId, venueId, visitDate: '2025-03-11', visitTime: '20:30' }, headers: { 'idempotency-key': randomUUID() } };
    },
  },
  {
    method: 'PATCH',
    url: '/api/v1/reports/:id',
    allowed: fileRoles,
    prepare: (role) => {
      const { reportId } = draftFor(role);
      return { url: `/api/v1/reports/${reportId}`, body: { conclusion: 'Đang làm' }, headers: { 'if-match': versionOf('checks', reportId) } };
    },
  },
  {
    method: 'POST',
    url: '/api/v1/reports/:id/submission',
    allowed: fileRoles,
    prepare: async (role) => {
      const { reportId } = draftFor(role);
      const userId = fileRoles.includes(role) ? tokens[role].userId : tokens.inspector.userId;
      const secret = fileRoles.includes(role) ? tokens[role].secret : tokens.inspector.secret;
      void userId;
      const saved = await api(secret, 'PATCH', `/api/v1/reports/${reportId}`, { body: { answers: completeAnswers(reportId), staffPresent: 4, staffCounselled: 4, ownersPresent: 1, conclusion: 'Chấp hành tốt' }, headers: { 'if-match': versionOf('checks', reportId) } });
      expect(saved.statusCode, saved.body).toBe(200);
      return { url: `/api/v1/reports/${reportId}/submission`, headers: { 'if-match': versionOf('checks', reportId), 'idempotency-key': randomUUID() } };
    },
  },
  { method: 'GET', url: '/api/v1/findings', allowed: allRoles },
  {
    method: 'GET',
    url: '/api/v1/findings/:id',
    allowed: allRoles,
    prepare: () => {
      const { roundId, venueId } = draftFor('inspector');
      const reportId = createReport(test.app, { roundId, venueId, inspectorId: tokens.inspector.userId, status: 'submitted', violations: ['A1'] });
      return { url: `/api/v1/findings/${test.app.db.get<{ id: number }>(sql`select id from findings where check_id = ${reportId}`)!.id}` };
    },
  },
  { method: 'GET', url: '/api/v1/follow-ups', allowed: allRoles },
  { method: 'GET', url: '/api/v1/follow-ups/:id', allowed: allRoles, prepare: async () => ({ url: `/api/v1/follow-ups/${await followUpId()}` }) },
  {
    method: 'POST',
    url: '/api/v1/follow-ups/:id/progress',
    allowed: fileRoles,
    prepare: async (role) => {
      const id = await followUpId(fileRoles.includes(role) ? tokens[role].userId : undefined);
      return { url: `/api/v1/follow-ups/${id}/progress`, body: { status: 'in_progress', comment: 'Cơ sở đã bắt đầu khắc phục' }, headers: { 'if-match': versionOf('follow_ups', id), 'idempotency-key': randomUUID() } };
    },
  },
  { method: 'GET', url: '/api/v1/campaigns', allowed: allRoles },
  {
    method: 'GET',
    url: '/api/v1/campaigns/:id',
    allowed: allRoles,
    prepare: async () => {
      const response = await head.post('/campaigns', { title: `Kế hoạch ${randomUUID().slice(0, 6)}`, planNumber: '', kind: 'awareness', startDate: '01/01/2025', endDate: '31/12/2025', ownerId: '', description: '' });
      return { url: `/api/v1/campaigns/${String(response.headers.location).split('/').pop()}` };
    },
  },
  { method: 'GET', url: '/api/v1/outreach-activities', allowed: allRoles },
  {
    method: 'GET',
    url: '/api/v1/outreach-activities/:id',
    allowed: allRoles,
    prepare: async () => {
      const response = await head.post('/outreach', outreachForm({ activityDate: '15/03/2025', areaId: String(test.app.catalog.districts[0]!.id), participantsTotal: '40', participantsWomen: '20' }));
      return { url: `/api/v1/outreach-activities/${String(response.headers.location).split('/').pop()}` };
    },
  },
  { method: 'GET', url: '/api/v1/summaries/districts', allowed: readerRoles, prepare: () => ({ url: '/api/v1/summaries/districts?from=2025-01-01&to=2025-12-31' }) },
  { method: 'GET', url: '/api/v1/victim-support', allowed: readerRoles },
  { method: 'GET', url: '/api/v1/supervision-records', allowed: allRoles },
  { method: 'GET', url: '/api/v1/supervision-records/:id', allowed: allRoles, prepare: () => ({ url: `/api/v1/supervision-records/${approvedSupervision().id}` }) },
  { method: 'GET', url: '/api/v1/recommendations', allowed: allRoles },
  { method: 'GET', url: '/api/v1/recommendations/:id', allowed: allRoles, prepare: () => ({ url: `/api/v1/recommendations/${approvedSupervision().recommendationIds[0]!}` }) },
  { method: 'GET', url: '/api/v1/periodic-reports', allowed: readerRoles },
  { method: 'GET', url: '/api/v1/periodic-reports/:id', allowed: readerRoles, prepare: () => ({ url: `/api/v1/periodic-reports/${periodicReport()}` }) },
  { method: 'GET', url: '/api/v1/monitoring-records', allowed: allRoles },
];

describe('the JSON API contract', () => {
  it('serves an OpenAPI 3.1 document that validates, listing exactly the API routes the app declares', async () => {
    const result = await new Validator().validate(document as never);
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    const declared = test.app.declaredRoutes.filter((route) => route.url.startsWith('/api/v1/') && !route.public && route.method !== 'HEAD').map((route) => `${route.method} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect([...new Set(documented)].sort()).toEqual([...new Set(declared)].sort());
  });

  it('has a case in the route × role table for every /api route the app declares', () => {
    const declared = test.app.declaredRoutes.filter((route) => route.url.startsWith('/api/') && !route.public && route.method !== 'HEAD').map((route) => `${route.method} ${route.url}`);
    expect([...new Set(declared)].sort()).toEqual([...new Set(cases.map((route) => `${route.method} ${route.url}`))].sort());
  });

  for (const route of cases) {
    for (const role of allRoles) {
      const allowed = route.allowed.includes(role);
      it(`${route.method} ${route.url} with a ${role}'s token → ${allowed ? 'allowed' : '403'}`, async () => {
        const prepared = route.prepare ? await route.prepare(role) : {};
        const before = count('audit_log');
        const response = await api(tokens[role].secret, route.method, prepared.url ?? route.url, { body: prepared.body ?? (route.method === 'GET' ? undefined : {}), headers: prepared.headers });
        if (allowed) {
          expect(response.statusCode, response.body.slice(0, 500)).toBeGreaterThanOrEqual(200);
          expect(response.statusCode).toBeLessThan(300);
        } else {
          expect(response.statusCode, response.body.slice(0, 300)).toBe(403);
          expect(response.headers['content-type']).toContain('application/problem+json');
          expect(count('audit_log')).toBe(before);
        }
      });
    }

    it(`${route.method} ${route.url} without a token → 401 problem`, async () => {
      const prepared = route.prepare ? await route.prepare('admin') : {};
      const response = await api(null, route.method, prepared.url ?? route.url, { body: prepared.body ?? (route.method === 'GET' ? undefined : {}), headers: prepared.headers });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(json(response).detail).toContain('Authorization');
    });
  }

  it('answered every documented operation with a success that validates against the document', () => {
    const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect([...contract.exercised].sort()).toEqual(documented.sort());
  });
});

describe('tokens', () => {
  it('is refused at once when revoked, expired, or its account disabled; a wrong token answers 401', async () => {
    const token = await tokenFor('auditor');
    expect((await api(token.secret, 'GET', '/api/v1/venues')).statusCode).toBe(200);
    test.app.services.tokens.revoke(systemActor('test'), token.userId, token.id);
    const revoked = await api(token.secret, 'GET', '/api/v1/venues');
    expect(revoked.statusCode).toBe(401);
    expect(revoked.headers['www-authenticate']).toContain('invalid_token');
    expect(json(revoked).detail).toBe('Mã truy cập đã bị thu hồi.');

    const expiring = await tokenFor('auditor');
    test.app.db.run(sql`update api_tokens set expires_at = '2000-01-01T00:00:00.000Z' where id = ${expiring.id}`);
    expect(json(await api(expiring.secret, 'GET', '/api/v1/venues', { headers: { 'accept-language': 'en' } })).detail).toBe('The access token has expired.');

    const disabled = await tokenFor('inspector');
    test.app.services.users.setDisabled(systemActor('test'), disabled.userId, true);
    const refused = await api(disabled.secret, 'GET', '/api/v1/venues');
    expect(refused.statusCode).toBe(401);
    expect(json(refused).detail).toBe('Tài khoản của mã truy cập đã bị khóa.');

    expect((await api(`${token.secret.slice(0, -1)}x`, 'GET', '/api/v1/venues')).statusCode).toBe(401);
    expect((await api('not-a-token', 'GET', '/api/v1/venues')).statusCode).toBe(401);
  });

  it('is made on /profile, shown once, stored only as a hash, listed with its last use, and revoked from there', async () => {
    const client = await loginAs(test.app, 'inspector');
    const form = await client.get('/profile/tokens/new');
    expect(form.statusCode).toBe(200);
    const submissionKey = /name="submissionKey" value="([^"]+)"/.exec(form.body)![1]!;
    const made = await client.post('/profile/tokens', { name: 'Bảng điều khiển', access: 'read', days: '30', submissionKey });
    expect(made.statusCode).toBe(200);
    const secret = /value="(pcmbn_[A-Za-z0-9_-]{43})"/.exec(made.body)![1]!;
    const row = test.app.db.get<{ id: number; token_hash: string; access: string; kind: string }>(sql`select id, token_hash, access, kind from api_tokens where user_id = ${client.user.id}`)!;
    expect(row).toMatchObject({ access: 'read', kind: 'personal' });
    expect(row.token_hash).not.toContain(secret.slice(6));
    expect(JSON.stringify(test.app.db.all(sql`select * from api_tokens`))).not.toContain(secret);
    // The same form sent again makes no second token and shows no secret.
    const again = await client.post('/profile/tokens', { name: 'Bảng điều khiển', access: 'read', days: '30', submissionKey });
    expect(again.statusCode).toBe(303);
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from api_tokens where user_id = ${client.user.id}`)!.n).toBe(1);

    // A session cookie never authenticates an API call; the token does, and its use is noted.
    expect((await client.get('/api/v1/venues')).statusCode).toBe(401);
    expect((await api(secret, 'GET', '/api/v1/venues')).statusCode).toBe(200);
    const profile = await client.get('/profile');
    expect(profile.body).toContain('Bảng điều khiển');
    expect(profile.body).toContain(secret.slice(0, 10));
    expect(profile.body).not.toContain(secret);
    expect(profile.body).not.toContain('Chưa dùng');

    const revoked = await client.post(`/profile/tokens/${row.id}/revoke`);
    expect(revoked.statusCode).toBe(303);
    expect((await api(secret, 'GET', '/api/v1/venues')).statusCode).toBe(401);
    const actions = test.app.db.all<{ action: string }>(sql`select action from audit_log where record_type = 'api_token' and record_id = ${row.id} order by id`).map((entry) => entry.action);
    expect(actions).toEqual(['create', 'revoke']);
    // Someone else's token answers 404.
    expect((await head.post(`/profile/tokens/${row.id}/revoke`)).statusCode).toBe(404);
  });

  it('an admin makes a service token for a system account, which acts with that account\'s role and area', async () => {
    const admin = await loginAs(test.app, 'admin');
    const bacYen = district(test.app, 'Bắc Yên').id;
    const system = await createUser(test.app, 'auditor', { areaId: district(test.app, 'Mộc Châu').id, email: 'dashboard@sonla.gov.vn' });
    const form = await admin.get(`/admin/users/${system.id}/tokens/new`);
    const submissionKey = /name="submissionKey" value="([^"]+)"/.exec(form.body)![1]!;
    const made = await admin.post(`/admin/users/${system.id}/tokens`, { name: 'Bảng điều khiển tỉnh', access: 'write', days: '365', submissionKey });
    const secret = /value="(pcmbn_[A-Za-z0-9_-]{43})"/.exec(made.body)![1]!;
    expect(test.app.db.get<{ kind: string }>(sql`select kind from api_tokens where user_id = ${system.id}`)!.kind).toBe('service');
    // An auditor's token may not write, whatever the token's own access says; another district's venue is 404.
    expect((await api(secret, 'POST', '/api/v1/venues', { body: venueBody(), headers: { 'idempotency-key': randomUUID() } })).statusCode).toBe(403);
    expect((await api(secret, 'GET', `/api/v1/venues/${createVenue(test.app, { areaId: String(bacYen) })}`)).statusCode).toBe(404);
    expect((await admin.get(`/admin/users/${system.id}`)).body).toContain('Bảng điều khiển tỉnh');
  });

  it('a read-only token may read but not write', async () => {
    const token = await tokenFor('inspector', { access: 'read' });
    expect((await api(token.secret, 'GET', '/api/v1/rounds')).statusCode).toBe(200);
    const before = count('venues');
    const refused = await api(token.secret, 'POST', '/api/v1/venues', { body: venueBody(), headers: { 'idempotency-key': randomUUID() } });
    expect(refused.statusCode).toBe(403);
    expect(json(refused).detail).toBe('Mã truy cập này chỉ được đọc.');
    expect(count('venues')).toBe(before);
  });
});

describe('scope', () => {
  it('lists only the area of a scoped account, and answers 404 for another area\'s record', async () => {
    const mocChau = district(test.app, 'Mộc Châu').id;
    const token = await tokenFor('inspector', { areaId: mocChau });
    const outside = createVenue(test.app);
    const inside = createVenue(test.app, { areaId: String(mocChau) });
    expect((await api(token.secret, 'GET', `/api/v1/venues/${outside}`)).statusCode).toBe(404);
    expect((await api(token.secret, 'GET', `/api/v1/venues/${inside}`)).statusCode).toBe(200);
    const listed = json(await api(token.secret, 'GET', '/api/v1/venues'));
    expect(listed.data.map((venue) => venue.areaId)).toEqual(listed.data.map(() => mocChau));
    const created = await api(token.secret, 'POST', '/api/v1/venues', { body: venueBody(), headers: { 'idempotency-key': randomUUID() } });
    expect(created.statusCode).toBe(422);
    expect(json(created).errors).toEqual([expect.objectContaining({ pointer: '/areaId', code: 'errors.areas.outOfScope' })]);
  });

  it('pages a list by cursor with the same filters, and refuses a cursor sent with other filters', async () => {
    for (let index = 0; index < 30; index += 1) createVenue(test.app, { name: `Nhà nghỉ Trang ${index}`, kind: 'lodging' });
    const first = json(await api(tokens.admin.secret, 'GET', '/api/v1/venues?q=trang'));
    expect(first.data).toHaveLength(25);
    const second = json(await api(tokens.admin.secret, 'GET', `/api/v1/venues?q=trang&cursor=${String(first.nextCursor)}`));
    expect(second.data.length).toBeGreaterThanOrEqual(5);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.data, ...second.data].map((venue) => venue.id)).size).toBe(first.data.length + second.data.length);
    const mixed = await api(tokens.admin.secret, 'GET', `/api/v1/venues?q=other&cursor=${String(first.nextCursor)}`);
    expect(mixed.statusCode).toBe(422);
    expect(json(mixed).errors).toEqual([expect.objectContaining({ pointer: '/query/cursor' })]);
  });
});

describe('writes', () => {
  it('creates once per Idempotency-Key: a repeat replays the first answer, another body with the key is refused', async () => {
    const key = randomUUID();
    const body = venueBody();
    const before = count('venues');
    const first = await api(tokens.inspector.secret, 'POST', '/api/v1/venues', { body, headers: { 'idempotency-key': key } });
    expect(first.statusCode).toBe(201);
    expect(first.headers.location).toBe(`/api/v1/venues/${json(first).id}`);
    expect(first.headers.etag).toBe('"1"');
    const audits = count('audit_log');
    const again = await api(tokens.inspector.secret, 'POST', '/api/v1/venues', { body, headers: { 'idempotency-key': key } });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(json(again)).toEqual(json(first));
    expect(count('venues')).toBe(before + 1);
    expect(count('audit_log')).toBe(audits);
    const other = await api(tokens.inspector.secret, 'POST', '/api/v1/venues', { body: { ...body, name: 'Khác' }, headers: { 'idempotency-key': key } });
    expect(other.statusCode).toBe(422);
    expect(count('venues')).toBe(before + 1);
    const keyless = await api(tokens.inspector.secret, 'POST', '/api/v1/venues', { body: venueBody() });
    expect(keyless.statusCode).toBe(428);
    // The write is audited as the account, naming the token.
    const entry = test.app.db.get<{ actor_name: string; user_id: number }>(sql`select actor_name, user_id from audit_log where record_type = 'venue' and record_id = ${json(first).id as number}`)!;
    expect(entry.user_id).toBe(tokens.inspector.userId);
    expect(entry.actor_name).toContain('(API: Thử inspector)');
  });

  it('refuses bad input with 422 and the field errors, writing nothing', async () => {
    const before = count('venues');
    const wrongTypes = await api(tokens.inspector.secret, 'POST', '/api/v1/venues', { body: { kind: 'karaoke', name: 5 }, headers: { 'idempotency-key': randomUUID() } });
    expect(wrongTypes.statusCode).toBe(422);
    expect(json(wrongTypes).errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/name' }), expect.objectContaining({ pointer: '/areaId' })]));
    const rules = await api(tokens.inspector.secret, 'POST', '/api/v1/venues', { body: venueBody({ kind: 'spaceship', phone: '12' }), headers: { 'idempotency-key': randomUUID() } });
    expect(rules.statusCode).toBe(422);
    expect(json(rules).errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/kind', code: 'errors.venue.kind' }), expect.objectContaining({ pointer: '/phone', code: 'errors.venue.phone' })]));
    expect(count('venues')).toBe(before);
  });

  it('updates with If-Match: 428 without it, 409 when stale, the new ETag when current', async () => {
    const id = createVenue(test.app);
    const url = `/api/v1/venues/${id}`;
    const read = await api(tokens.department_head.secret, 'GET', url);
    expect(read.headers.etag).toBe('"1"');
    expect((await api(tokens.department_head.secret, 'PATCH', url, { body: { notes: 'Ghi chú' } })).statusCode).toBe(428);
    const saved = await api(tokens.department_head.secret, 'PATCH', url, { body: { notes: 'Ghi chú' }, headers: { 'if-match': '"1"' } });
    expect(saved.statusCode).toBe(200);
    expect(saved.headers.etag).toBe('"2"');
    expect(json(saved)).toMatchObject({ notes: 'Ghi chú', name: json(read).name });
    const stale = await api(tokens.department_head.secret, 'PATCH', url, { body: { notes: 'Cũ' }, headers: { 'if-match': '"1"' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.headers['content-type']).toContain('application/problem+json');
    expect(json(await api(tokens.department_head.secret, 'GET', url)).notes).toBe('Ghi chú');
    // A repeated update with its key replays the first answer instead of a conflict.
    const key = randomUUID();
    const once = await api(tokens.department_head.secret, 'PATCH', url, { body: { notes: 'Lần ba' }, headers: { 'if-match': '"2"', 'idempotency-key': key } });
    const twice = await api(tokens.department_head.secret, 'PATCH', url, { body: { notes: 'Lần ba' }, headers: { 'if-match': '"2"', 'idempotency-key': key } });
    expect([once.statusCode, twice.statusCode]).toEqual([200, 200]);
    expect(twice.headers['idempotent-replayed']).toBe('true');
  });

  it('files a report: start a draft, save answers, submit; an incomplete submission is refused with what is missing', async () => {
    const { roundId, venueId } = draftFor('inspector');
    const started = await api(tokens.inspector.secret, 'POST', '/api/v1/reports', { body: { roundId, venueId, visitDate: '2025-03-11' }, headers: { 'idempotency-key': randomUUID() } });
    expect(started.statusCode, started.body).toBe(201);
    const report = json(started);
    expect(report).toMatchObject({ status: 'draft', venueId, roundId });
    const url = `/api/v1/reports/${report.id as number}`;
    const incomplete = await api(tokens.inspector.secret, 'POST', `${url}/submission`, { headers: { 'if-match': '"1"', 'idempotency-key': randomUUID() } });
    expect(incomplete.statusCode).toBe(422);
    expect((json(incomplete).errors as unknown[]).length).toBeGreaterThan(1);
    const saved = await api(tokens.inspector.secret, 'PATCH', url, { body: { answers: completeAnswers(report.id as number), staffPresent: 3, staffCounselled: 3, conclusion: 'Chấp hành tốt' }, headers: { 'if-match': '"1"' } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect((json(saved).answers as Array<{ answer: string }>).every((answer) => answer.answer === 'compliant')).toBe(true);
    const submitted = await api(tokens.inspector.secret, 'POST', `${url}/submission`, { headers: { 'if-match': saved.headers.etag as string, 'idempotency-key': randomUUID() } });
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(json(submitted).status).toBe('submitted');
    const unreadable = await api(tokens.inspector.secret, 'PATCH', url, { body: { visitTime: '25:99' }, headers: { 'if-match': submitted.headers.etag as string } });
    expect(unreadable.statusCode).toBe(422);
  });

  it('adds progress to a follow-up assigned to the token\'s account', async () => {
    const id = await followUpId(tokens.inspector.userId);
    const url = `/api/v1/follow-ups/${id}/progress`;
    const moved = await api(tokens.inspector.secret, 'POST', url, { body: { status: 'done', comment: 'Đã khắc phục xong' }, headers: { 'if-match': '"1"', 'idempotency-key': randomUUID() } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(json(moved)).toMatchObject({ status: 'done' });
    expect((json(moved).comments as Array<{ body: string }>).map((comment) => comment.body)).toEqual(['Đã khắc phục xong']);
    expect((await api(tokens.inspector.secret, 'POST', url, { body: { comment: 'Muộn' }, headers: { 'if-match': '"1"', 'idempotency-key': randomUUID() } })).statusCode).toBe(409);
  });
});

describe('victim-support counts', () => {
  it('follow the small-cell rule for every caller, even those who see exact counts on the pages', async () => {
    const response = await head.post('/victim-support', { areaId: String(district(test.app, 'Bắc Yên').id), year: '2024', quarter: '2', 'returned-female-adult': '3', 'returned-male-adult': '6' });
    expect(response.statusCode).toBe(303);
    const listed = json(await api(tokens.admin.secret, 'GET', '/api/v1/victim-support?year=2024'));
    expect(listed.data[0]).toMatchObject({ cells: { 'returned-female-adult': '<5', 'returned-male-adult': 6 }, totals: { returned: '≥7' } });
  });
});

describe('supervision, periodic reports and situations watched', () => {
  it('lists supervision records by round and status, and gives one with its answers and recommendations', async () => {
    const { id, roundId, recommendationIds } = approvedSupervision();
    const draft = createSupervisionRecord(test.app, { ownerId: tokens.inspector.userId });
    const listed = json(await api(tokens.auditor.secret, 'GET', `/api/v1/supervision-records?round=${roundId}`));
    expect(listed.data.map((record) => record.id)).toEqual([id]);
    const drafts = json(await api(tokens.auditor.secret, 'GET', '/api/v1/supervision-records?status=draft'));
    expect(drafts.data.map((record) => record.id)).toContain(draft.id);
    expect(drafts.data.every((record) => record.status === 'draft')).toBe(true);
    const one = await api(tokens.auditor.secret, 'GET', `/api/v1/supervision-records/${id}`);
    expect(one.headers.etag).toBe(`"${json(one).version as number}"`);
    expect(json(one)).toMatchObject({ status: 'approved', recommendationIds, area: { name: 'Huyện Bắc Yên' } });
    expect((json(one).answers as Array<{ answer: string }>).every((answer) => answer.answer === 'met')).toBe(true);
    // Another district's account sees neither the record nor its recommendation.
    const mocChau = await tokenFor('inspector', { areaId: district(test.app, 'Mộc Châu').id });
    expect((await api(mocChau.secret, 'GET', `/api/v1/supervision-records/${id}`)).statusCode).toBe(404);
    expect((await api(mocChau.secret, 'GET', `/api/v1/recommendations/${recommendationIds[0]!}`)).statusCode).toBe(404);
    expect(json(await api(mocChau.secret, 'GET', `/api/v1/supervision-records?round=${roundId}`)).data).toEqual([]);
  });

  it('lists recommendations by status and overdue, and gives one', async () => {
    const { recommendationIds } = approvedSupervision();
    const overdue = json(await api(tokens.inspector.secret, 'GET', '/api/v1/recommendations?overdue=1'));
    expect(overdue.data.map((item) => item.id)).toContain(recommendationIds[0]);
    expect(overdue.data.every((item) => item.overdue === true)).toBe(true);
    expect(json(await api(tokens.inspector.secret, 'GET', '/api/v1/recommendations?status=verified')).data.map((item) => item.id)).not.toContain(recommendationIds[0]);
    const one = await api(tokens.inspector.secret, 'GET', `/api/v1/recommendations/${recommendationIds[0]!}`);
    expect(json(one)).toMatchObject({ status: 'open', dueDate: '2025-06-30', body: 'Kiến nghị 1', comments: [] });
    expect(one.headers.etag).toBe('"1"');
  });

  it('gives a periodic report with its frozen snapshot, victim figures under the small-cell rule; a draft has none', async () => {
    const response = await head.post('/victim-support', { areaId: String(district(test.app, 'Bắc Yên').id), year: '2025', quarter: '1', 'returned-female-adult': '3' });
    expect(response.statusCode).toBe(303);
    const submitted = periodicReport();
    const body = json(await api(tokens.auditor.secret, 'GET', `/api/v1/periodic-reports/${submitted}`));
    expect(body).toMatchObject({ status: 'submitted', narrative: { assessment: 'Cơ bản hoàn thành' }, snapshot: { narrative: { assessment: 'Cơ bản hoàn thành' } } });
    const figures = (body.snapshot as { sections: Array<{ figures: Array<{ key: string; value: unknown; victim: boolean }> }> }).sections.flatMap((section) => section.figures);
    expect(figures.find((figure) => figure.key === 'victimsReturned')).toMatchObject({ value: '<5', victim: true });
    const draft = periodicReport('draft');
    expect(json(await api(tokens.auditor.secret, 'GET', `/api/v1/periodic-reports/${draft}`)).snapshot).toBeNull();
    const listed = json(await api(tokens.auditor.secret, 'GET', `/api/v1/periodic-reports?status=submitted&area=${district(test.app, 'Bắc Yên').id}`));
    expect(listed.data.map((item) => item.id)).toContain(submitted);
    expect(listed.data.map((item) => item.id)).not.toContain(draft);
  });

  it('lists situations watched with small counts as "<5" for every caller', async () => {
    const response = await head.post('/monitoring', { areaId: String(district(test.app, 'Bắc Yên').id), year: '2024', period: 'm3', 'count-work_abroad': '2' });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(303);
    const listed = json(await api(tokens.admin.secret, 'GET', '/api/v1/monitoring-records?year=2024'));
    expect(listed.data[0]).toMatchObject({ year: 2024, periodKind: 'month', periodNumber: 3, counts: { work_abroad: '<5' } });
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past the per-token limit, counting each token apart', async () => {
    const limited = await buildTestApp({ env: { API_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const make = async (role: Role) => {
        const user = await createUser(limited.app, role);
        return limited.app.services.tokens.create(systemActor('test'), user.id, 'personal', { name: 'x', access: 'read', days: 30 }, '').secret!;
      };
      const [first, second] = [await make('auditor'), await make('auditor')];
      const call = (secret: string) => limited.app.inject({ url: '/api/v1/rounds', headers: { authorization: `Bearer ${secret}` } });
      for (let index = 0; index < 3; index += 1) expect((await call(first)).statusCode).toBe(200);
      const refused = await call(first);
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      contract.check('GET', '/api/v1/rounds', refused);
      expect((await call(second)).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('reference page', () => {
  it('lists every operation at /api/docs without any script', async () => {
    const page = await test.app.inject({ url: '/api/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('<script');
    for (const path of Object.keys(document.paths)) expect(page.body).toContain(path);
  });
});
