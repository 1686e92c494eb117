import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { loginAs, type SignedInClient } from '../../helpers/auth.js';
import { roundFields } from '../../helpers/factories.js';
import { html, textOf } from '../../helpers/html.js';

let test: TestApp;
let head: SignedInClient;
let auditor: SignedInClient;
beforeAll(async () => {
  test = await buildTestApp();
  head = await loginAs(test.app, 'department_head');
  auditor = await loginAs(test.app, 'auditor');
});
afterAll(async () => {
  await test.close();
});

interface Entry {
  action: string;
  record_type: string;
  record_id: number | null;
  user_id: number | null;
  actor_name: string;
  ip: string;
  changes: string;
}

function entriesFor(type: string, id: number): Entry[] {
  return test.app.db.all<Entry>(sql`select * from audit_log where record_type = ${type} and record_id = ${id} order by id`);
}

function newRoundId(location: string | undefined): number {
  return Number(String(location).split('/').pop());
}

describe('audit trail', () => {
  it('records who created, changed and moved a round, with before and after values', async () => {
    const created = await head.post('/rounds', roundFields(test.app, { title: 'Đợt có nhật ký' }));
    const id = newRoundId(created.headers.location as string);
    await head.post(`/rounds/${id}`, roundFields(test.app, { title: 'Đợt có nhật ký (sửa)', version: '1' }));
    await head.post(`/rounds/${id}/status`, { to: 'in_progress', version: '2' });
    const entries = entriesFor('round', id);
    expect(entries.map((entry) => entry.action)).toEqual(['create', 'update', 'status']);
    expect(entries.every((entry) => entry.user_id === head.user.id && entry.ip === '127.0.0.1')).toBe(true);
    expect(JSON.parse(entries[0]!.changes).title).toEqual([null, 'Đợt có nhật ký']);
    expect(JSON.parse(entries[1]!.changes)).toEqual({ title: ['Đợt có nhật ký', 'Đợt có nhật ký (sửa)'] });
    expect(JSON.parse(entries[2]!.changes)).toEqual({ status: ['planned', 'in_progress'] });

    const page = html((await auditor.get(`/audit?type=round&record=${id}`)).body);
    expect(page('#audit-table tbody tr')).toHaveLength(3);
    expect(textOf(page, '#audit-table')).toContain('Đợt có nhật ký (sửa)');
    expect(textOf(page, '#audit-table')).toContain('Chuyển trạng thái');
    const roundPage = html((await auditor.get(`/rounds/${id}`)).body);
    expect(roundPage(`a[href="/audit?type=round&record=${id}"]`)).toHaveLength(1);
  });

  it('writes nothing when a change fails', async () => {
    const before = test.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log`)!.n;
    expect((await head.post('/rounds', roundFields(test.app, { title: '' }))).statusCode).toBe(422);
    expect((await head.post('/rounds/999999/status', { to: 'in_progress' })).statusCode).toBe(404);
    expect((await auditor.post('/rounds', roundFields(test.app))).statusCode).toBe(403);
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log`)!.n).toBe(before);
  });

  it('records account changes, sign-ins and language choices', async () => {
    const admin = await loginAs(test.app, 'admin');
    const created = await admin.post('/admin/users', { email: 'can.bo@sonla.gov.vn', name: 'Cán Bộ', role: 'inspector', areaId: '', password: 'mat-khau-du-dai' });
    const id = newRoundId(created.headers.location as string);
    await admin.post(`/admin/users/${id}`, { name: 'Cán Bộ', role: 'auditor', areaId: '', version: '1' });
    await admin.post(`/admin/users/${id}/password`, { password: 'mat-khau-moi-dai' });
    await admin.post(`/admin/users/${id}/disabled`);
    await admin.post(`/admin/users/${id}/disabled`, { enable: '1' });
    const actions = entriesFor('user', id).map((entry) => entry.action);
    expect(actions).toEqual(['create', 'update', 'password_reset', 'disable', 'enable']);
    const entries = entriesFor('user', id);
    expect(JSON.parse(entries[1]!.changes)).toEqual({ role: ['inspector', 'auditor'] });
    expect(entries.map((entry) => entry.changes).join()).not.toContain('mat-khau');

    await head.post('/language', { lang: 'en', returnTo: '/' });
    expect(entriesFor('user', head.user.id).map((entry) => entry.action)).toContain('update');
    expect(entriesFor('user', head.user.id).map((entry) => entry.action)).toContain('login');
    await head.post('/language', { lang: 'vi', returnTo: '/' });
  });

  it('cannot be changed or deleted, even in SQL', () => {
    expect(() => test.app.db.$client.prepare(`update audit_log set actor_name = 'x'`).run()).toThrow(/append-only/);
    expect(() => test.app.db.$client.prepare('delete from audit_log').run()).toThrow(/append-only/);
    expect(() => test.app.db.$client.prepare('delete from audit_areas').run()).toThrow(/append-only/);
  });

  it('filters by user, record type and date, and pages', async () => {
    const byUser = html((await auditor.get(`/audit?user=${head.user.id}`)).body);
    expect(byUser('#audit-table tbody tr').length).toBeGreaterThan(2);
    const names = new Set(byUser('#audit-table tbody tr td:nth-child(2)').map((_, cell) => byUser(cell).text().trim().split('\n')[0]).get());
    expect([...names]).toHaveLength(1);
    const future = html((await auditor.get('/audit?from=01/01/2099')).body);
    expect(textOf(future, '.empty-state')).toContain('Không có mục nào');
    const today = html((await auditor.get(`/audit?from=${new Date().toISOString().slice(0, 10)}&type=round`)).body);
    expect(today('#audit-table tbody tr').length).toBeGreaterThan(0);
  });

  it('is not offered to inspectors or department heads', async () => {
    expect((await head.get('/audit')).statusCode).toBe(403);
    expect(html((await head.get('/')).body)('a[href="/audit"]')).toHaveLength(0);
  });
});
