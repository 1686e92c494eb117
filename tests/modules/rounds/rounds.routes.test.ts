import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, formHeaders, htmxHeaders, type TestApp } from '../../helpers/app.js';
import { Client, loginAs, type SignedInClient } from '../../helpers/auth.js';
import { commune, createRound, district, roundFields } from '../../helpers/factories.js';
import { html, textOf } from '../../helpers/html.js';

let test: TestApp;
let head: SignedInClient;
beforeAll(async () => {
  test = await buildTestApp({ env: { SAMPLE_DATA: 'true' } });
  head = await loginAs(test.app, 'department_head');
});
afterAll(async () => {
  await test.close();
});

function roundCount(): number {
  return test.app.db.get<{ n: number }>(sql`select count(*) as n from rounds`)!.n;
}

async function postRound(fields: Record<string, unknown>, url = '/rounds', headers: Record<string, string> = {}) {
  return head.post(url, fields, headers);
}

describe('sample history', () => {
  it('lists the 11 rounds of 2021–2025, marked as sample data, newest first', async () => {
    const response = await head.get('/rounds');
    expect(response.statusCode).toBe(200);
    const $ = html(response.body);
    const rows = $('#rounds-table tbody tr');
    expect(rows).toHaveLength(11);
    expect($('.sample-badge').first().text()).toBe('dữ liệu mẫu');
    expect(rows.first().text()).toContain('Huyện Sông Mã');
    expect(rows.first().text()).toContain('(đợt 11)');
    expect(rows.last().text()).toContain('Huyện Bắc Yên');
    const years = test.app.db.all<{ start_date: string }>(sql`select start_date from rounds where is_sample = 1`).map((row) => row.start_date);
    expect(years.every((date) => date >= '2021-01-01' && date < '2025-07-01')).toBe(true);
  });

  it('starts without sample rounds when SAMPLE_DATA=false', async () => {
    const empty = await buildTestApp({ env: { SAMPLE_DATA: 'false' } });
    const response = await (await loginAs(empty.app, 'department_head')).get('/rounds');
    expect(textOf(html(response.body), '.empty-state')).toContain('Chưa có đợt kiểm tra nào');
    expect(html(response.body)('.empty-state a[href="/rounds/new"]')).toHaveLength(1);
    await empty.close();
  });

  it('has no sample rounds in another province', async () => {
    const tayNinh = await buildTestApp({ env: { SAMPLE_DATA: 'true', PROVINCE_CODE: '80' } });
    expect(tayNinh.app.db.get<{ n: number }>(sql`select count(*) as n from rounds`)!.n).toBe(0);
    const response = await (await loginAs(tayNinh.app, 'department_head')).get('/rounds/new');
    expect(response.body).toContain('Huyện Bến Cầu');
    expect(response.body).toContain('Huyện Cần Giuộc');
    expect(response.body).not.toContain('Huyện Sông Mã');
    await tayNinh.close();
  });
});

describe('GET /rounds filters', () => {
  it('finds "song ma" in "Sông Mã" whatever the diacritics and case', async () => {
    for (const q of ['song ma', 'SÔNG MÃ', 'Song Mã']) {
      const $ = html((await head.get(`/rounds?q=${encodeURIComponent(q)}`)).body);
      const rows = $('#rounds-table tbody tr');
      expect(rows, q).toHaveLength(2);
      rows.each((_, row) => void expect($(row).text()).toContain('Sông Mã'));
    }
  });

  it('filters by district, year, status and kind together', async () => {
    const quynhNhai = district(test.app, 'Quỳnh Nhai');
    const $ = html((await head.get(`/rounds?area=${quynhNhai.id}`)).body);
    expect($('#rounds-table tbody tr')).toHaveLength(2);
    expect($(`#filter-area option[value="${quynhNhai.id}"]`).attr('selected')).toBeDefined();

    const byYear = html((await head.get('/rounds?year=2022')).body);
    expect(byYear('#rounds-table tbody tr')).toHaveLength(3);

    const none = html((await head.get('/rounds?status=planned&kind=unannounced')).body);
    expect(none('#rounds-table')).toHaveLength(0);
    expect(textOf(none, '.empty-state')).toContain('Không có đợt kiểm tra nào khớp bộ lọc');
  });

  it('finds a district’s work after the reform in the communes it became', async () => {
    const songMa = district(test.app, 'Sông Mã');
    const newCommuneId = test.app.catalog.districtFamily(songMa.id)[1]!;
    const id = createRound(test.app, {
      title: 'Đợt sau sắp xếp',
      areaIds: [String(newCommuneId)],
      startDate: '2025-09-01',
      endDate: '2025-09-03',
    });
    const $ = html((await head.get(`/rounds?area=${songMa.id}`)).body);
    expect($(`#rounds-table a[href="/rounds/${id}"]`)).toHaveLength(1);
    expect($('#rounds-table tbody tr')).toHaveLength(3);
  });

  it('returns only the results fragment to htmx, and the whole page otherwise', async () => {
    const fragment = await head.get('/rounds?q=bac+yen', htmxHeaders('rounds-results'));
    expect(fragment.statusCode).toBe(200);
    expect(fragment.headers.vary).toContain('HX-Request');
    expect(fragment.body).not.toContain('<html');
    expect(fragment.body).toContain('rounds-table');
    const page = await head.get('/rounds?q=bac+yen');
    expect(page.body).toContain('<html');
    expect(html(page.body)('#q').val()).toBe('bac yen');
    const restore = await head.get('/rounds?q=bac+yen', { ...htmxHeaders('rounds-results'), 'hx-history-restore-request': 'true' });
    expect(restore.body).toContain('<html');
  });

  it('pages 25 rounds at a time and keeps the filter in the page links', async () => {
    for (let index = 0; index < 30; index += 1) createRound(test.app, { title: `Đợt phân trang ${index}` });
    const first = html((await head.get('/rounds?q=phan+trang')).body);
    expect(first('#rounds-table tbody tr')).toHaveLength(25);
    expect(first('a[rel="next"]').attr('href')).toBe('/rounds?q=phan+trang&page=2');
    const second = html((await head.get('/rounds?q=phan+trang&page=2')).body);
    expect(second('#rounds-table tbody tr')).toHaveLength(5);
    expect(textOf(second, '.pagination')).toContain('Trang 2/2');
  });

  it('ignores nonsense filter values instead of failing', async () => {
    const response = await head.get('/rounds?area=abc&year=x&status=nope&kind=%00&page=-4');
    expect(response.statusCode).toBe(200);
    expect(html(response.body)('#rounds-table tbody tr').length).toBeGreaterThan(0);
  });
});

describe('POST /rounds', () => {
  it('creates a round with its districts and team, then shows it', async () => {
    const before = roundCount();
    const response = await postRound(roundFields(test.app, { title: 'Kiểm tra karaoke Bắc Yên tháng 3' }));
    expect(response.statusCode).toBe(303);
    expect(roundCount()).toBe(before + 1);
    const page = await head.get(response.headers.location as string);
    const $ = html(page.body);
    expect($('h1').text()).toBe('Kiểm tra karaoke Bắc Yên tháng 3');
    expect(page.body).toContain('Đã lập đợt kiểm tra.');
    expect(textOf($, '.details')).toContain('10/03/2025 – 12/03/2025');
    expect(textOf($, '.details')).toContain('Huyện Bắc Yên');
    expect(textOf($, '.details')).toContain('Công an');
    expect(textOf($, 'section[aria-labelledby="team-heading"]')).toContain('Nguyễn Văn An');
    expect(textOf($, 'section[aria-labelledby="team-heading"]')).toContain('Trưởng đoàn');
    expect(textOf($, '.history')).toContain('Dự kiến');
  });

  it('answers htmx with HX-Redirect instead of a redirect', async () => {
    const response = await postRound(roundFields(test.app), '/rounds', htmxHeaders('round-form'));
    expect(response.statusCode).toBe(200);
    expect(response.headers['hx-redirect']).toMatch(/^\/rounds\/\d+$/);
  });

  it('accepts communes for a round from 1 July 2025', async () => {
    const response = await postRound(roundFields(test.app, { areaIds: [commune(test.app, 'Tô Hiệu').id], startDate: '01/07/2025', endDate: '2025-07-02' }));
    expect(response.statusCode).toBe(303);
    const id = Number(String(response.headers.location).split('/').pop());
    const areas = test.app.db.all<{ name: string; level: string }>(sql`select a.name, a.level from round_areas ra join areas a on a.id = ra.area_id where ra.round_id = ${id}`);
    expect(areas).toEqual([{ name: commune(test.app, 'Tô Hiệu').name, level: 'commune' }]);
    expect(test.app.db.get<{ start_date: string; end_date: string }>(sql`select start_date, end_date from rounds where id = ${id}`)).toEqual({ start_date: '2025-07-01', end_date: '2025-07-02' });
  });

  const invalidCases: Array<[string, Record<string, unknown>, string, string]> = [
    ['an empty title', { title: '   ' }, 'title', 'Nhập tên đợt kiểm tra.'],
    ['a title over 200 characters', { title: 'a'.repeat(201) }, 'title', 'dài quá 200 ký tự'],
    ['an end date before the start', { startDate: '12/03/2025', endDate: '10/03/2025' }, 'endDate', 'Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.'],
    ['a start date that is not a date', { startDate: '31/02/2025' }, 'startDate', 'Ngày không hợp lệ'],
    ['an end date that is text', { endDate: 'tuần sau' }, 'endDate', 'Ngày không hợp lệ'],
    ['a missing date', { startDate: '' }, 'startDate', 'Nhập ngày.'],
    ['no district', { areaIds: [] }, 'areaIds', 'Chọn ít nhất một địa bàn.'],
    ['a district of another province', { areaIds: [1] }, 'areaIds', 'không thuộc Tỉnh Sơn La'],
    ['an area id that does not exist', { areaIds: [999999999] }, 'areaIds', 'không thuộc Tỉnh Sơn La'],
    ['a district after the reform', { startDate: '01/08/2025', endDate: '03/08/2025' }, 'areaIds', 'Huyện Bắc Yên không còn là đơn vị hành chính từ 01/07/2025'],
    ['a round that crosses the reform with a district', { startDate: '28/06/2025', endDate: '02/07/2025' }, 'areaIds', 'không còn là đơn vị hành chính'],
    ['a kind that does not exist', { kind: 'surprise' }, 'kind', 'Chọn hình thức kiểm tra.'],
    ['no lead agency', { leadAgency: '' }, 'leadAgency', 'Chọn cơ quan chủ trì.'],
    ['a team member without a name', { teamName: ['', 'Lò Thị Bình'] }, 'team', 'Dòng 1: nhập họ và tên.'],
    ['a team member of an unknown agency', { teamAgency: ['police', 'martians'] }, 'team', 'Dòng 2: chọn cơ quan.'],
  ];

  it.each(invalidCases)('refuses %s with 422, the message beside the field, and writes nothing', async (_name, overrides, field, message) => {
    const before = roundCount();
    const fields = roundFields(test.app, overrides as never);
    const response = await postRound(fields);
    expect(response.statusCode).toBe(422);
    expect(roundCount()).toBe(before);
    const $ = html(response.body);
    expect(textOf($, `#field-${field}-error`)).toContain(message);
    expect(textOf($, '.form-alert')).toContain('Chưa lưu được');
    // Everything typed is still there.
    if (typeof fields.title === 'string' && fields.title.trim()) expect($('#field-title').val()).toBe(fields.title);
    expect($('#field-objectives').text()).toBe('Kiểm tra giấy phép, hợp đồng lao động');
    expect($('input[name="teamName"]').first().val()).toBe((fields.teamName as string[])[0]);
    expect($('#field-endDate').val()).toBe(fields.endDate);
  });

  it('refuses a commune before the reform', async () => {
    const response = await postRound(roundFields(test.app, { areaIds: [commune(test.app, 'Tô Hiệu').id] }));
    expect(response.statusCode).toBe(422);
    expect(textOf(html(response.body), '#field-areaIds-error')).toContain('Phường Tô Hiệu chỉ có từ ngày 01/07/2025');
  });

  it('keeps the checked districts when the form comes back with errors', async () => {
    const maiSon = district(test.app, 'Mai Sơn');
    const response = await postRound(roundFields(test.app, { title: '', areaIds: [maiSon.id] }));
    expect(html(response.body)(`input[name="areaIds"][value="${maiSon.id}"]`).attr('checked')).toBeDefined();
  });

  it('returns only the form to htmx on a validation error', async () => {
    const response = await postRound(roundFields(test.app, { title: '' }), '/rounds', htmxHeaders('round-form'));
    expect(response.statusCode).toBe(422);
    expect(response.body).not.toContain('<html');
    expect(response.body).toContain('id="round-form"');
  });

  it('never fails on a body of the wrong shape', async () => {
    const before = roundCount();
    const response = await head.request({ method: 'POST', url: '/rounds', headers: formHeaders, payload: `_csrf=${encodeURIComponent(head.csrf)}&title[$gt]=&areaIds=1&areaIds=x&teamName=a&teamName=b` });
    expect(response.statusCode).toBe(422);
    const json = await head.request({ method: 'POST', url: '/rounds', headers: { 'content-type': 'application/json', 'x-csrf-token': head.csrf }, payload: '{"title": 5}' });
    expect(json.statusCode).toBeLessThan(500);
    expect(roundCount()).toBe(before);
  });

  it('creates one round when the same form is sent twice (double click, retry)', async () => {
    const form = html((await head.get('/rounds/new')).body);
    const submissionKey = form('input[name="submissionKey"]').val() as string;
    expect(submissionKey).toMatch(/^[0-9a-f-]{36}$/);
    const before = roundCount();
    const fields = roundFields(test.app, { title: 'Bấm hai lần', submissionKey });
    const [first, second] = await Promise.all([postRound(fields), postRound(fields)]);
    expect(first.statusCode).toBe(303);
    expect(second.statusCode).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    expect(roundCount()).toBe(before + 1);
    const other = html((await head.get('/rounds/new')).body)('input[name="submissionKey"]').val();
    expect(other).not.toBe(submissionKey);
  });

  it('keeps the submission key when the form comes back with errors', async () => {
    const submissionKey = '0b6f1c1e-9f5e-4c0e-8c49-4d8f1d2a7b10';
    const response = await postRound(roundFields(test.app, { title: '', submissionKey }));
    expect(html(response.body)('input[name="submissionKey"]').val()).toBe(submissionKey);
  });

  it('reports the area rule together with the other errors on the first submit', async () => {
    const response = await postRound(roundFields(test.app, { title: '', leadAgency: '', startDate: '01/08/2025', endDate: '02/08/2025' }));
    const $ = html(response.body);
    expect(textOf($, '#field-title-error')).toContain('Nhập tên đợt kiểm tra.');
    expect(textOf($, '#field-leadAgency-error')).toContain('Chọn cơ quan chủ trì.');
    expect(textOf($, '#field-areaIds-error')).toContain('không còn là đơn vị hành chính');
  });

  it('refuses dates outside 2000–2100', async () => {
    const response = await postRound(roundFields(test.app, { startDate: '01/03/1900' }));
    expect(textOf(html(response.body), '#field-startDate-error')).toContain('trong khoảng năm 2000 đến 2100');
  });

  it('escapes what people type', async () => {
    const response = await postRound(roundFields(test.app, { title: '<script>alert(1)</script>' }));
    const page = await head.get(response.headers.location as string);
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('editing a round', () => {
  it('shows the stored values, saves changes and bumps the version', async () => {
    const id = createRound(test.app, { title: 'Trước khi sửa' });
    const form = html((await head.get(`/rounds/${id}/edit`)).body);
    expect(form('#field-title').val()).toBe('Trước khi sửa');
    expect(form('#field-startDate').val()).toBe('10/03/2025');
    expect(form('input[name="version"]').val()).toBe('1');
    const response = await postRound(roundFields(test.app, { title: 'Sau khi sửa', version: '1' }), `/rounds/${id}`);
    expect(response.statusCode).toBe(303);
    const row = test.app.db.get<{ title: string; version: number }>(sql`select title, version from rounds where id = ${id}`);
    expect(row).toEqual({ title: 'Sau khi sửa', version: 2 });
  });

  it('answers 409 to a stale form, keeping what was typed and writing nothing', async () => {
    const id = createRound(test.app, { title: 'Bản gốc' });
    await postRound(roundFields(test.app, { title: 'Người thứ nhất lưu', version: '1' }), `/rounds/${id}`);
    const response = await postRound(roundFields(test.app, { title: 'Người thứ hai lưu', version: '1' }), `/rounds/${id}`);
    expect(response.statusCode).toBe(409);
    const $ = html(response.body);
    expect(textOf($, '.form-alert')).toContain('vừa được người khác sửa');
    expect($('#field-title').val()).toBe('Người thứ hai lưu');
    expect($('input[name="version"]').val()).toBe('2');
    expect(textOf($, '.form-alert')).toContain('Tên đợt kiểm tra: Người thứ nhất lưu');
    expect(test.app.db.get<{ title: string }>(sql`select title from rounds where id = ${id}`)!.title).toBe('Người thứ nhất lưu');
  });

  it('refuses invalid edits with 422 and keeps the stored round', async () => {
    const id = createRound(test.app, { title: 'Không đổi' });
    const response = await postRound(roundFields(test.app, { title: '', version: '1' }), `/rounds/${id}`);
    expect(response.statusCode).toBe(422);
    expect(test.app.db.get<{ title: string }>(sql`select title from rounds where id = ${id}`)!.title).toBe('Không đổi');
  });

  it('answers 404 for a round that does not exist', async () => {
    for (const url of ['/rounds/999999', '/rounds/abc', '/rounds/999999/edit', '/rounds/-1']) {
      const response = await head.get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.body).toContain('Không tìm thấy trang');
    }
    const post = await postRound(roundFields(test.app, { version: '1' }), '/rounds/999999');
    expect(post.statusCode).toBe(404);
  });
});

describe('status changes', () => {
  async function changeStatus(id: number, to: string, version?: number) {
    return head.post(`/rounds/${id}/status`, { to, version, confirm: 'yes' });
  }

  it('moves planned → in_progress → completed and records each step', async () => {
    const id = createRound(test.app);
    expect((await changeStatus(id, 'in_progress', 1)).statusCode).toBe(303);
    expect((await changeStatus(id, 'completed', 2)).statusCode).toBe(303);
    const history = test.app.db.all<{ from_status: string | null; to_status: string }>(
      sql`select from_status, to_status from round_status_changes where round_id = ${id} order by id`,
    );
    expect(history).toEqual([
      { from_status: null, to_status: 'planned' },
      { from_status: 'planned', to_status: 'in_progress' },
      { from_status: 'in_progress', to_status: 'completed' },
    ]);
    const page = html((await head.get(`/rounds/${id}`)).body);
    expect(textOf(page, '.history')).toContain('Dự kiến → Đang tiến hành');
    expect(page('.status-actions')).toHaveLength(0);
  });

  it('refuses a transition that skips a step or leaves a final state', async () => {
    const id = createRound(test.app);
    const skip = await changeStatus(id, 'completed');
    expect(skip.statusCode).toBe(409);
    expect(skip.body).toContain('Không thể chuyển đợt kiểm tra từ “Dự kiến” sang “Đã hoàn thành”');
    expect((await changeStatus(id, 'cancelled')).statusCode).toBe(303);
    expect((await changeStatus(id, 'in_progress')).statusCode).toBe(409);
    expect(test.app.db.get<{ status: string }>(sql`select status from rounds where id = ${id}`)!.status).toBe('cancelled');
    expect((await head.get(`/rounds/${id}/edit`)).statusCode).toBe(409);
  });

  it('refuses an unknown status with 400 and a stale one with 409', async () => {
    const id = createRound(test.app);
    expect((await changeStatus(id, 'archived')).statusCode).toBe(400);
    const stale = await changeStatus(id, 'in_progress', 7);
    expect(stale.statusCode).toBe(409);
    // The round page itself, with why, rather than a dead end.
    expect(html(stale.body)('h1').text()).toBe('Đợt kiểm tra');
    expect(textOf(html(stale.body), '.form-alert')).toContain('vừa được người khác sửa');
    expect(test.app.db.get<{ status: string }>(sql`select status from rounds where id = ${id}`)!.status).toBe('planned');
  });
});

describe('language', () => {
  it('switches to English, remembers it and comes back to the same page', async () => {
    const reader = await loginAs(test.app, 'inspector');
    const response = await reader.post('/language', { lang: 'en', returnTo: '/rounds?q=x' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/rounds?q=x');
    const page = await reader.get('/rounds');
    expect(html(page.body)('h1').text()).toBe('Inspection rounds');
    expect(html(page.body)('html').attr('lang')).toBe('en');
  });

  it('never redirects to another site', async () => {
    const response = await new Client(test.app).post('/language', { lang: 'vi', returnTo: '//evil.example' });
    expect(response.headers.location).toBe('/');
  });
});
