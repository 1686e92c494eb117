import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Role } from '../../../db/schema/index.js';
import { buildTestApp, htmxHeaders, type TestApp } from '../../helpers/app.js';
import { Client, createUser, loginAs, TEST_PASSWORD, type SignedInClient } from '../../helpers/auth.js';
import { createRound, roundFields } from '../../helpers/factories.js';

/**
 * Every route against every role: allowed → 2xx/3xx, forbidden → 403 with nothing written,
 * anonymous → sent to the sign-in page (401 with HX-Redirect for htmx).
 */
const allRoles: Role[] = ['admin', 'department_head', 'inspector', 'auditor'];

interface RouteCase {
  method: 'GET' | 'POST';
  url: string;
  allowed: Role[];
  /** Builds the request for one attempt (fresh records where the action consumes them). */
  prepare?: (client: SignedInClient) => Promise<{ url?: string; fields?: Record<string, unknown> }>;
}

let test: TestApp;
const clients = {} as Record<Role, SignedInClient>;

function writeCounts() {
  return test.app.db.get<{ rounds: number; users: number; audit: number; changes: number }>(sql`
    select (select count(*) from rounds) as rounds, (select count(*) from users) as users,
           (select count(*) from audit_log where action not in ('login', 'login_failed', 'logout')) as audit,
           (select count(*) from round_status_changes) as changes`);
}

function roundVersion(id: number): string {
  return String(test.app.db.get<{ version: number }>(sql`select version from rounds where id = ${id}`)!.version);
}

function userVersion(id: number): string {
  return String(test.app.db.get<{ version: number }>(sql`select version from users where id = ${id}`)!.version);
}

let emailCounter = 0;
const cases: RouteCase[] = [
  { method: 'GET', url: '/', allowed: allRoles },
  { method: 'GET', url: '/profile', allowed: allRoles },
  {
    method: 'POST',
    url: '/profile/password',
    allowed: allRoles,
    prepare: async () => ({ fields: { currentPassword: TEST_PASSWORD, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD } }),
  },
  { method: 'GET', url: '/rounds', allowed: allRoles },
  { method: 'GET', url: '/rounds/new', allowed: ['admin', 'department_head'] },
  { method: 'GET', url: '/rounds/team-row', allowed: ['admin', 'department_head'] },
  { method: 'POST', url: '/rounds', allowed: ['admin', 'department_head'], prepare: async () => ({ fields: roundFields(test.app) }) },
  { method: 'GET', url: '/rounds/:id', allowed: allRoles, prepare: async () => ({ url: `/rounds/${createRound(test.app)}` }) },
  { method: 'GET', url: '/rounds/:id/edit', allowed: ['admin', 'department_head'], prepare: async () => ({ url: `/rounds/${createRound(test.app)}/edit` }) },
  {
    method: 'POST',
    url: '/rounds/:id',
    allowed: ['admin', 'department_head'],
    prepare: async () => {
      const id = createRound(test.app);
      return { url: `/rounds/${id}`, fields: roundFields(test.app, { version: roundVersion(id) }) };
    },
  },
  {
    method: 'POST',
    url: '/rounds/:id/status',
    allowed: ['admin', 'department_head'],
    prepare: async () => ({ url: `/rounds/${createRound(test.app)}/status`, fields: { to: 'in_progress' } }),
  },
  { method: 'GET', url: '/audit', allowed: ['admin', 'auditor'] },
  { method: 'GET', url: '/admin/users', allowed: ['admin'] },
  { method: 'GET', url: '/admin/users/new', allowed: ['admin'] },
  {
    method: 'POST',
    url: '/admin/users',
    allowed: ['admin'],
    prepare: async () => ({ fields: { email: `new-${++emailCounter}@sonla.gov.vn`, name: 'Cán bộ mới', role: 'inspector', areaId: '', password: TEST_PASSWORD } }),
  },
  { method: 'GET', url: '/admin/users/:id', allowed: ['admin'], prepare: async () => ({ url: `/admin/users/${(await createUser(test.app, 'inspector')).id}` }) },
  {
    method: 'POST',
    url: '/admin/users/:id',
    allowed: ['admin'],
    prepare: async () => {
      const { id } = await createUser(test.app, 'inspector');
      return { url: `/admin/users/${id}`, fields: { name: 'Tên mới', role: 'auditor', areaId: '', version: userVersion(id) } };
    },
  },
  {
    method: 'POST',
    url: '/admin/users/:id/disabled',
    allowed: ['admin'],
    prepare: async () => ({ url: `/admin/users/${(await createUser(test.app, 'inspector')).id}/disabled` }),
  },
  {
    method: 'POST',
    url: '/admin/users/:id/password',
    allowed: ['admin'],
    prepare: async () => ({ url: `/admin/users/${(await createUser(test.app, 'inspector')).id}/password`, fields: { password: 'mật-khẩu-mới-dài' } }),
  },
  { method: 'POST', url: '/logout', allowed: allRoles },
];

beforeAll(async () => {
  test = await buildTestApp();
  for (const role of allRoles) clients[role] = await loginAs(test.app, role);
});
afterAll(async () => {
  await test.close();
});

describe('access rules', () => {
  it('covers every route the app declares', () => {
    const declared = test.app.declaredRoutes.filter((route) => !route.public && route.method !== 'HEAD').map((route) => `${route.method} ${route.url}`);
    const tested = cases.map((route) => `${route.method} ${route.url}`);
    expect([...new Set(declared)].sort()).toEqual([...new Set(tested)].sort());
  });

  for (const route of cases) {
    for (const role of allRoles) {
      const allowed = route.allowed.includes(role);
      it(`${route.method} ${route.url} as ${role} → ${allowed ? 'allowed' : '403'}`, async () => {
        // Sign-out ends the session, so it gets a client of its own.
        const client = route.url === '/logout' ? await loginAs(test.app, role) : clients[role];
        const prepared = route.prepare ? await route.prepare(client) : {};
        const url = prepared.url ?? route.url;
        const before = writeCounts();
        const response = route.method === 'GET' ? await client.get(url) : await client.post(url, prepared.fields ?? {});
        if (allowed) {
          expect(response.statusCode, response.body.slice(0, 300)).toBeGreaterThanOrEqual(200);
          expect(response.statusCode).toBeLessThan(400);
          if (route.url !== '/logout') expect(response.headers.location ?? '').not.toContain('/login');
        } else {
          expect(response.statusCode).toBe(403);
          expect(response.body).toContain('Không có quyền');
          expect(writeCounts()).toEqual(before);
        }
      });
    }

    it(`${route.method} ${route.url} without signing in → sign-in page, nothing written`, async () => {
      const anonymous = new Client(test.app);
      await anonymous.get('/login');
      const prepared = route.prepare ? await route.prepare(clients.admin) : {};
      const url = prepared.url ?? route.url;
      const before = writeCounts();
      const response = route.method === 'GET' ? await anonymous.get(url) : await anonymous.post(url, prepared.fields ?? {});
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toMatch(/^\/login/);
      if (route.method === 'GET' && url !== '/') expect(response.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
      expect(writeCounts()).toEqual(before);
      const htmx = await anonymous.request({ method: route.method, url, headers: htmxHeaders('main') });
      expect(htmx.statusCode).toBe(401);
      expect(htmx.headers['hx-redirect']).toMatch(/^\/login/);
    });
  }

  it('leaves the sign-in page, setup, health and static files open', async () => {
    const anonymous = new Client(test.app);
    expect((await anonymous.get('/login')).statusCode).toBe(200);
    expect((await anonymous.get('/healthz')).statusCode).toBe(200);
    expect((await anonymous.get('/static/css/app.css')).statusCode).toBe(200);
    expect((await anonymous.get('/setup')).statusCode).toBe(403);
  });
});
