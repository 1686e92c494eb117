import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { loginAs, type SignedInClient } from '../helpers/auth.js';
import { district, roundFields } from '../helpers/factories.js';
import { html, textOf } from '../helpers/html.js';

// Requests that are large on purpose (or by mistake) are refused early, with a message, and never echoed back whole.

let test: TestApp;
let head: SignedInClient;

beforeAll(async () => {
  test = await buildTestApp();
  head = await loginAs(test.app, 'department_head');
});
afterAll(async () => {
  await test.close();
});

const HEADER = 'loai_hinh,ten_co_so,dia_ban,dia_chi,chu_co_so,dien_thoai,so_dang_ky_kinh_doanh,so_giay_phep,han_giay_phep,so_nhan_vien,trang_thai,ghi_chu';
const csv = (rows: string[]) => Buffer.from(`${HEADER}\r\n${rows.join('\r\n')}\r\n`);
const upload = (content: Buffer) => head.upload('/venues/import', { filename: 'co-so.csv', content, contentType: 'text/csv' });
/** Venues written plus previews kept for confirmation: a refused file leaves both as they were. */
const storedImports = () => {
  const folder = path.join(test.config.DATA_DIR, 'imports');
  return test.app.db.get<{ n: number }>(sql`select count(*) as n from venues`)!.n + (fs.existsSync(folder) ? fs.readdirSync(folder).length : 0);
};

describe('venue import', () => {
  it('refuses a file of 100,000 rows quickly, without reading it all', async () => {
    const rows = Array.from({ length: 100_000 }, (_, index) => `karaoke,Karaoke ${index},Bắc Yên,Số ${index}`);
    const content = csv(rows);
    const before = storedImports();
    const started = performance.now();
    const response = await upload(content);
    const elapsed = performance.now() - started;
    expect(response.statusCode).toBe(422);
    expect(textOf(html(response.body), '.form-alert')).toContain('quá 20000 dòng');
    // A guard against reading the whole file (that takes many seconds), not a speed target: those live in the bench.
    expect(elapsed).toBeLessThan(5000);
    expect(storedImports()).toBe(before);
  });

  it('refuses a file with a 9 MB cell, and the answer stays small', async () => {
    const content = csv([`karaoke,${'A'.repeat(9 * 1024 * 1024)},Bắc Yên,Số 1`]);
    const response = await upload(content);
    expect(response.statusCode).toBe(422);
    expect(response.body.length).toBeLessThan(100_000);
    expect(textOf(html(response.body), '.form-alert')).not.toBe('');
  });

  it('refuses a cell longer than 2,000 characters, naming its row and column, without echoing it', async () => {
    const long = 'Địa chỉ rất dài '.repeat(400);
    const response = await upload(csv(['karaoke,Karaoke Hoa Mai,Bắc Yên,Số 1', `karaoke,Karaoke Hoa Lan,Bắc Yên,${long}`]));
    expect(response.statusCode).toBe(422);
    const message = textOf(html(response.body), '.form-alert');
    expect(message).toContain('Dòng 3');
    expect(message).toContain('dia_chi');
    expect(message).toContain('2000');
    expect(response.body).not.toContain('Địa chỉ rất dài Địa chỉ rất dài');
    expect(response.body.length).toBeLessThan(100_000);
  });

  it('measures cells exactly: 2,000 characters of notes are read, 2,001 refuse the file', async () => {
    const notes = (length: number) => 'ư'.repeat(length);
    const row = (name: string, length: number) => `karaoke,${name},Huyện Bắc Yên,Số 1,,,,,,,,${notes(length)}`;
    const accepted = await upload(csv([row('Karaoke Đủ Dài', 2000)]));
    expect(accepted.statusCode).toBe(200);
    expect(html(accepted.body)('#import-preview tbody tr').attr('class')).toBe('import-new');
    const refused = await upload(csv([row('Karaoke Đủ Dài', 2000), row('Karaoke Quá Dài', 2001)]));
    expect(refused.statusCode).toBe(422);
    expect(textOf(html(refused.body), '.form-alert')).toBe('Dòng 3, cột ghi_chu: ô dài quá 2000 ký tự. Hãy rút gọn ô này rồi tải tệp lên lại; chưa có gì được ghi.');
    expect(refused.body).not.toContain(notes(200));
  });

  it('shortens long values it shows in the preview', async () => {
    const longName = `Karaoke ${'Ánh Dương '.repeat(90)}`;
    const response = await upload(csv([`karaoke,${longName},${'Nơi không có '.repeat(70)},Số 1`]));
    expect(response.statusCode).toBe(200);
    const $ = html(response.body);
    expect($('#import-preview tbody tr')).toHaveLength(1);
    expect(response.body).not.toContain('Ánh Dương '.repeat(30));
    expect(response.body).not.toContain('Nơi không có '.repeat(30));
  });
});

describe('round team', () => {
  it('refuses 15,000 team rows with a message, writing nothing', async () => {
    const count = () => test.app.db.get<{ n: number }>(sql`select count(*) as n from rounds`)!.n;
    const before = count();
    const size = 15_000;
    const started = performance.now();
    const response = await head.post('/rounds', roundFields(test.app, {
      areaIds: [district(test.app, 'Bắc Yên').id],
      teamName: Array.from({ length: size }, (_, index) => `Người ${index}`),
      teamAgency: Array.from({ length: size }, () => 'police'),
      teamRole: Array.from({ length: size }, (_, index) => (index === 0 ? 'head' : 'member')),
    }));
    const elapsed = performance.now() - started;
    expect(response.statusCode).toBe(422);
    expect(textOf(html(response.body), '#field-team-error')).toContain('tối đa 50 người');
    expect(count()).toBe(before);
    expect(response.body.length).toBeLessThan(1_000_000);
    // A guard against work growing with the rows (that takes many seconds), not a speed target.
    expect(elapsed).toBeLessThan(5000);
  });

  it('refuses 15,000 rows of accounts alone the same way', async () => {
    const count = () => test.app.db.get<{ n: number }>(sql`select count(*) as n from rounds`)!.n;
    const before = count();
    const response = await head.post('/rounds', roundFields(test.app, {
      areaIds: [district(test.app, 'Bắc Yên').id],
      teamName: [],
      teamAgency: [],
      teamRole: [],
      teamUser: Array.from({ length: 15_000 }, () => String(head.user.id)),
    }));
    expect(response.statusCode).toBe(422);
    expect(textOf(html(response.body), '#field-team-error')).toContain('tối đa 50 người');
    expect(count()).toBe(before);
  });
});
