import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { Client, loginAs, type SignedInClient } from '../../helpers/auth.js';
import { createRound, district, roundFields } from '../../helpers/factories.js';
import { html, textOf } from '../../helpers/html.js';

let test: TestApp;
let admin: SignedInClient;
beforeAll(async () => {
  test = await buildTestApp();
  admin = await loginAs(test.app, 'admin');
});
afterAll(async () => {
  await test.close();
});

const userCount = () => test.app.db.get<{ n: number }>(sql`select count(*) as n from users`)!.n;

describe('/admin/users', () => {
  it('creates an account tied to a district, who can then sign in', async () => {
    const songMa = district(test.app, 'Sông Mã');
    const response = await admin.post('/admin/users', { email: ' Lo.Van.Dung@SonLa.gov.vn ', name: 'Lò Văn Dũng', role: 'inspector', areaId: songMa.id, password: 'mật-khẩu-đủ-dài' });
    expect(response.statusCode).toBe(303);
    const row = test.app.db.get<{ email: string; area_id: number; password_hash: string }>(sql`select email, area_id, password_hash from users where email = 'lo.van.dung@sonla.gov.vn'`)!;
    expect(row.area_id).toBe(songMa.id);
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain('mật-khẩu');
    const list = html((await admin.get('/admin/users?q=dung')).body);
    expect(textOf(list, '#users-table')).toContain('Huyện Sông Mã');
    const client = new Client(test.app);
    expect((await client.post('/login', { email: 'lo.van.dung@sonla.gov.vn', password: 'mật-khẩu-đủ-dài' })).statusCode).toBe(303);
  });

  it.each([
    [{ email: 'khong-phai-email' }, 'email', 'Email không hợp lệ.'],
    [{ email: 'lo.van.dung@sonla.gov.vn' }, 'email', 'Email này đã có tài khoản.'],
    [{ name: '' }, 'name', 'Nhập họ và tên.'],
    [{ role: 'superuser' }, 'role', 'Chọn vai trò.'],
    [{ areaId: '1' }, 'areaId', 'Chọn một địa bàn của tỉnh.'],
    [{ password: '123456789' }, 'password', 'ít nhất 10 ký tự'],
  ])('refuses %o with 422 beside the field and writes nothing', async (override, field, message) => {
    const before = userCount();
    const fields = { email: 'moi@sonla.gov.vn', name: 'Người Mới', role: 'auditor', areaId: '', password: 'mật-khẩu-đủ-dài', ...override };
    const response = await admin.post('/admin/users', fields);
    expect(response.statusCode).toBe(422);
    expect(textOf(html(response.body), `#field-${field}-error`)).toContain(message);
    expect(html(response.body)('#field-name').val()).toBe(fields.name);
    expect(html(response.body)('#field-password').val()).toBe('');
    expect(userCount()).toBe(before);
  });

  it('never lets the last admin be disabled or demoted', async () => {
    const lone = await buildTestApp();
    const onlyAdmin = await loginAs(lone.app, 'admin');
    const other = await loginAs(lone.app, 'auditor');
    const demote = await onlyAdmin.post(`/admin/users/${onlyAdmin.user.id}`, { name: 'Quản trị', role: 'auditor', areaId: '', version: '1' });
    expect(demote.statusCode).toBe(409);
    expect(demote.body).toContain('quản trị viên cuối cùng');
    expect((await onlyAdmin.post(`/admin/users/${onlyAdmin.user.id}/disabled`)).statusCode).toBe(409);
    expect(lone.app.db.get<{ role: string; disabled_at: string | null }>(sql`select role, disabled_at from users where id = ${onlyAdmin.user.id}`)).toEqual({ role: 'admin', disabled_at: null });
    expect((await other.post(`/admin/users/${onlyAdmin.user.id}/disabled`)).statusCode).toBe(403);
    await lone.close();
  });

  it('applies a new area at once: the person signs in again and sees only it', async () => {
    const person = await loginAs(test.app, 'department_head');
    const songMa = district(test.app, 'Sông Mã');
    const other = createRound(test.app, { title: 'Ngoài địa bàn', areaIds: [String(district(test.app, 'Mộc Châu').id)] });
    const response = await admin.post(`/admin/users/${person.user.id}`, { name: 'Trưởng phòng', role: 'department_head', areaId: songMa.id, version: '1' });
    expect(response.statusCode).toBe(303);
    expect((await person.get('/rounds')).statusCode).toBe(303);
    const again = new Client(test.app);
    await again.post('/login', { email: person.user.email, password: person.user.password });
    expect((await again.get(`/rounds/${other}`)).statusCode).toBe(404);
    expect((await again.post('/rounds', roundFields(test.app, { areaIds: [songMa.id] }))).statusCode).toBe(303);
  });

  it('answers 409 to a stale account form', async () => {
    const person = await loginAs(test.app, 'auditor');
    await admin.post(`/admin/users/${person.user.id}`, { name: 'Tên A', role: 'auditor', areaId: '', version: '1' });
    const stale = await admin.post(`/admin/users/${person.user.id}`, { name: 'Tên B', role: 'auditor', areaId: '', version: '1' });
    expect(stale.statusCode).toBe(409);
    expect(html(stale.body)('#field-name').val()).toBe('Tên B');
    expect(test.app.db.get<{ name: string }>(sql`select name from users where id = ${person.user.id}`)!.name).toBe('Tên A');
  });
});

describe('escaping', () => {
  it('shows a round titled <script>alert(1)</script> as text on every page', async () => {
    const head = await loginAs(test.app, 'department_head');
    const auditor = await loginAs(test.app, 'auditor');
    const title = '<script>alert(1)</script>';
    const created = await head.post('/rounds', roundFields(test.app, { title }));
    const id = String(created.headers.location).split('/').pop();
    for (const [client, url] of [
      [head, '/rounds'],
      [head, `/rounds/${id}`],
      [head, `/rounds/${id}/edit`],
      [head, '/rounds?q=script'],
      [auditor, `/audit?type=round&record=${id}`],
    ] as const) {
      const body = (await client.get(url)).body;
      expect(body, url).not.toContain(title);
      expect(body, url).toContain('&lt;script&gt;');
      // Scripts come from files only; a JSON data block (never run, its `<` escaped) is allowed.
      expect(body, url).not.toMatch(/<script(?![^>]*\s(?:src=|type="application\/json"))[^>]*>/);
    }
  });
});
