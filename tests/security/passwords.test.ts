import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser, loginAs } from '../helpers/auth.js';
import { html } from '../helpers/html.js';

let test: TestApp;
beforeAll(async () => {
  test = await buildTestApp();
});
afterAll(async () => {
  await test.close();
});

const weakMessage = 'Mật khẩu quá dễ đoán';
const userCount = () => test.app.db.get<{ n: number }>(sql`select count(*) as n from users`)!.n;

describe('easily guessed passwords', () => {
  it.each([
    ['a run of digits', '1234567890'],
    ['a common password with digits', 'password12'],
    ['the email with digits', 'lo.van.dung2024'],
    ['the name without diacritics', 'lovandung123'],
    ['a Vietnamese common word with digits', 'matkhau12345'],
    ['the same with diacritics', 'mậtkhẩu12345'],
    ['a keyboard run', 'qwertyuiop'],
    ['the name with spaces and a year', 'Lò Văn Dũng 1990'],
    ['the name in another order with dots', 'Dung.Lo.Van.1985'],
    ['the email with its domain', 'dung.lo@sonla.gov.vn'],
    ['the province twice with a year', 'Sơn La 2024 Sơn La'],
  ])('refuses %s when an admin creates an account, and writes nothing', async (_label, password) => {
    const admin = await loginAs(test.app, 'admin');
    const before = userCount();
    const response = await admin.post('/admin/users', { email: 'lo.van.dung@sonla.gov.vn', name: 'Lò Văn Dũng', role: 'inspector', areaId: '', password });
    expect(response.statusCode).toBe(422);
    const $ = html(response.body);
    expect($('#field-password').closest('label, div, .field').text() + $('body').text()).toContain(weakMessage);
    expect($('#field-email').val()).toBe('lo.van.dung@sonla.gov.vn');
    expect(userCount()).toBe(before);
  });

  it('accepts a phrase of several words', async () => {
    const admin = await loginAs(test.app, 'admin');
    const response = await admin.post('/admin/users', { email: 'cam.thi.hoa@sonla.gov.vn', name: 'Cầm Thị Hoa', role: 'inspector', areaId: '', password: 'mây-trắng-bản-lác-93' });
    expect(response.statusCode).toBe(303);
  });

  it('refuses a guessable password when an admin resets one, and on the person’s own profile', async () => {
    const admin = await loginAs(test.app, 'admin');
    const target = await createUser(test.app, 'inspector', { email: 'tong.van.hai@sonla.gov.vn', name: 'Tòng Văn Hải' });
    const reset = await admin.post(`/admin/users/${target.id}/password`, { password: 'tongvanhai1' });
    expect(reset.statusCode).toBe(422);
    expect(reset.body).toContain(weakMessage);

    const person = await loginAs(test.app, 'auditor');
    const own = await person.post('/profile/password', { currentPassword: person.user.password, password: 'password123', passwordConfirm: 'password123' });
    expect(own.statusCode).toBe(422);
    expect(own.body).toContain(weakMessage);
  });
});
