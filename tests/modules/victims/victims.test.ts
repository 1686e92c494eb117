import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { getTableColumns } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { loginAs, type SignedInClient } from '../../helpers/auth.js';
import { district } from '../../helpers/factories.js';
import { html, textOf } from '../../helpers/html.js';
import { victimSupportCounts, victimSupportRecords } from '../../../db/schema/index.js';

let test: TestApp;
let head: SignedInClient;
let admin: SignedInClient;
let auditor: SignedInClient;
let inspector: SignedInClient;
/** A head tied to Sông Mã (before the reform) and the communes formed from it. */
let songMaHead: SignedInClient;
let songMaAuditor: SignedInClient;

// Vietnam's 10 March 2026: every quarter up to Q1/2026 has begun.
const clock = new Date('2026-03-10T03:00:00Z');

beforeAll(async () => {
  test = await buildTestApp({ now: () => clock, env: { SESSION_IDLE_MINUTES: '43200', SESSION_MAX_HOURS: '720' } });
  head = await loginAs(test.app, 'department_head');
  admin = await loginAs(test.app, 'admin');
  auditor = await loginAs(test.app, 'auditor');
  inspector = await loginAs(test.app, 'inspector');
  songMaHead = await loginAs(test.app, 'department_head', { areaId: district(test.app, 'Sông Mã').id });
  songMaAuditor = await loginAs(test.app, 'auditor', { areaId: district(test.app, 'Sông Mã').id });
});
afterAll(async () => {
  await test.close();
});

/** A quarter's form: the area, the quarter and the cells given (`returned-female-adult: '3'`). */
function fields(areaId: number, year: number, quarter: number, cells: Record<string, string> = {}, note = '') {
  return { areaId: String(areaId), year: String(year), quarter: String(quarter), note, ...cells };
}

function idOf(location: unknown): number {
  return Number(String(location).split('/').pop());
}

function records(): number {
  return test.app.db.get<{ n: number }>(sql`select count(*) as n from victim_support_records`)!.n;
}

function cellsOf(id: number): Record<string, number> {
  const rows = test.app.db.all<{ measure: string; sex: string; age_group: string; count: number }>(sql`select measure, sex, age_group, count from victim_support_counts where record_id = ${id}`);
  return Object.fromEntries(rows.map((row) => [`${row.measure}-${row.sex}-${row.age_group}`, row.count]));
}

function auditRows(id: number) {
  return test.app.db.all<{ action: string; changes: string }>(sql`select action, changes from audit_log where record_type = 'victim_support' and record_id = ${id} order by id`);
}

describe('recording a quarter', () => {
  it('saves the counts of each split, reads 1.000 and 1,000, audits the counts, and shows them to the head', async () => {
    const area = district(test.app, 'Bắc Yên');
    const response = await head.post(
      '/victim-support',
      fields(area.id, 2024, 2, {
        'returned-female-adult': '1.000',
        'returned-female-child': '3',
        'returned-male-adult': '1,000',
        'route_rescued_border_guard-female-adult': '600',
        'route_with_ngo-female-adult': '400',
        'verified-female-adult': '900',
        'supported-female-adult': '800',
        'support_medical-female-adult': '800',
        'handed_to_family-female-child': '3',
        'supported_6m-female-adult': '500',
        'supported_12m-female-adult': '200',
      }, 'Phối hợp Bộ đội Biên phòng tiếp nhận tại cửa khẩu.'),
    );
    expect(response.statusCode, response.body.slice(0, 500)).toBe(303);
    const id = idOf(response.headers.location);
    expect(cellsOf(id)).toEqual({
      'returned-female-adult': 1000,
      'returned-female-child': 3,
      'returned-male-adult': 1000,
      'route_rescued_border_guard-female-adult': 600,
      'route_with_ngo-female-adult': 400,
      'verified-female-adult': 900,
      'supported-female-adult': 800,
      'support_medical-female-adult': 800,
      'handed_to_family-female-child': 3,
      'supported_6m-female-adult': 500,
      'supported_12m-female-adult': 200,
    });
    const [created] = auditRows(id);
    expect(created!.action).toBe('create');
    const changes = JSON.parse(created!.changes) as Record<string, [unknown, unknown]>;
    expect(changes['returned-female-child']).toEqual([null, 3]);
    expect(changes.area).toEqual([null, 'Huyện Bắc Yên']);
    expect(created!.changes).not.toContain('cửa khẩu');
    const $ = html((await head.get(`/victim-support/${id}`)).body);
    expect($('tr[data-measure="returned"]').children().map((_, cell) => $(cell).text().trim()).get()).toEqual(['Số nạn nhân trở về', '0', '1.000', '3', '1.000', '2.003']);
    expect(textOf($, 'tr[data-measure="handed_to_family"] .victim-total')).toBe('3');
  });

  it('refuses parts above their whole, cell by cell, saying so in Vietnamese beside the field, keeping what was typed and writing nothing', async () => {
    const before = records();
    const response = await head.post(
      '/victim-support',
      fields(district(test.app, 'Mai Sơn').id, 2024, 3 - 2, {
        'returned-male-child': '2',
        'route_rescued_police-male-child': '2',
        'route_self_returned-male-child': '1',
        'verified-male-child': '3',
        'handed_to_family-male-child': '5',
        'supported-male-child': '2',
        'support_legal_aid-male-child': '3',
        'supported_6m-male-child': '1',
        'supported_12m-male-child': '2',
        'returned-female-adult': '-1',
        'returned-female-child': '1,5',
      }),
    );
    expect(response.statusCode).toBe(422);
    expect(records()).toBe(before);
    const $ = html(response.body);
    expect(textOf($, '#field-route_rescued_border_guard-male-child-error')).toContain('Tổng các cách trở về (3) lớn hơn số trở về (2).');
    expect(textOf($, '#field-verified-male-child-error')).toContain('Không được lớn hơn số trở về (2).');
    expect(textOf($, '#field-handed_to_family-male-child-error')).toContain('Không được lớn hơn số trở về (2).');
    expect(textOf($, '#field-support_legal_aid-male-child-error')).toContain('Không được lớn hơn số được hỗ trợ (2).');
    expect(textOf($, '#field-supported_12m-male-child-error')).toContain('Không được lớn hơn số còn được hỗ trợ sau 6 tháng (1).');
    expect(textOf($, '#field-returned-female-adult-error')).toContain('Nhập số nguyên không âm.');
    expect(textOf($, '#field-returned-female-child-error')).toContain('không có phần thập phân');
    expect($('#field-verified-male-child').attr('value')).toBe('3');
    expect($('#field-returned-female-adult').attr('value')).toBe('-1');
    expect($('#field-areaId option[selected]').text()).toBe('Huyện Mai Sơn');
    expect($('.error-summary a[href="#field-verified-male-child"]').length).toBe(1);
  });

  it('refuses a note holding a number that looks like a phone or ID number, with or without spaces or dots', async () => {
    const before = records();
    for (const note of ['Gọi 0912345678 khi cần', 'CCCD 012 345 678 901', 'số 0912.345.678', 'mã 1234567']) {
      const response = await head.post('/victim-support', fields(district(test.app, 'Mai Sơn').id, 2023, 1, { 'returned-male-adult': '6' }, note));
      expect(response.statusCode, note).toBe(422);
      expect(textOf(html(response.body), '#field-note-error'), note).toContain('giống số điện thoại hoặc số giấy tờ');
      expect(html(response.body)('#field-note').text()).toBe(note);
    }
    const long = await head.post('/victim-support', fields(district(test.app, 'Mai Sơn').id, 2023, 1, {}, 'a'.repeat(301)));
    expect(textOf(html(long.body), '#field-note-error')).toContain('Dài quá 300 ký tự.');
    expect(records()).toBe(before);
    const ok = await head.post('/victim-support', fields(district(test.app, 'Mai Sơn').id, 2023, 1, { 'returned-male-adult': '6' }, 'Năm 2023, 3 đợt tiếp nhận, 12/5 và 30/6'));
    expect(ok.statusCode).toBe(303);
  });

  it('answers the same form sent twice (same one-time key) with the record the first one made', async () => {
    const key = '3f1c2b9e-8a7d-4c6b-9e5f-1a2b3c4d5e6f';
    const form = { ...fields(district(test.app, 'Mộc Châu').id, 2022, 2, { 'returned-male-adult': '5' }), submissionKey: key };
    const first = await head.post('/victim-support', form);
    const before = records();
    const again = await head.post('/victim-support', form);
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(first.headers.location);
    expect(records()).toBe(before);
  });

  it('keeps one record per area and quarter: a second is refused with a link to the first', async () => {
    const area = district(test.app, 'Quỳnh Nhai');
    const first = await head.post('/victim-support', fields(area.id, 2025, 1, { 'returned-male-adult': '7' }));
    const firstId = idOf(first.headers.location);
    const before = records();
    const second = await admin.post('/victim-support', fields(area.id, 2025, 1, { 'returned-male-adult': '2' }));
    expect(second.statusCode).toBe(422);
    expect(records()).toBe(before);
    const $ = html(second.body);
    expect(textOf($, '#field-quarter-error')).toBe('Huyện Quỳnh Nhai đã có số liệu quý 1/2025.');
    expect($(`#victims-duplicate a[href="/victim-support/${firstId}"]`).length).toBe(1);
  });

  it('follows the reform: districts up to Q2/2025, communes from Q3/2025, and no quarter that has not begun', async () => {
    const before = records();
    const late = await head.post('/victim-support', fields(district(test.app, 'Sông Mã').id, 2025, 3, { 'returned-male-adult': '1' }));
    expect(textOf(html(late.body), '#field-areaId-error')).toContain('không còn là đơn vị hành chính từ 01/07/2025');
    const early = await head.post('/victim-support', fields(test.app.catalog.communes[0]!.id, 2025, 2, { 'returned-male-adult': '1' }));
    expect(textOf(html(early.body), '#field-areaId-error')).toContain('chỉ có từ ngày 01/07/2025');
    const future = await head.post('/victim-support', fields(test.app.catalog.communes[0]!.id, 2026, 2, { 'returned-male-adult': '1' }));
    expect(textOf(html(future.body), '#field-quarter-error')).toBe('Quý này chưa bắt đầu.');
    expect(records()).toBe(before);
    const commune3 = await head.post('/victim-support', fields(test.app.catalog.communes[0]!.id, 2025, 3, { 'returned-male-adult': '1' }));
    expect(commune3.statusCode).toBe(303);
  });
});

describe('editing and deleting', () => {
  it('saves at the version loaded, answers a stale save with 409 keeping what was typed, and audits the change', async () => {
    const area = district(test.app, 'Phù Yên');
    const id = idOf((await head.post('/victim-support', fields(area.id, 2024, 4, { 'returned-male-adult': '8' }))).headers.location);
    const form = html((await head.get(`/victim-support/${id}/edit`)).body);
    expect(form('input[name="version"]').attr('value')).toBe('1');
    const saved = await admin.post(`/victim-support/${id}`, { version: '1', 'returned-male-adult': '9', 'supported-male-adult': '9' });
    expect(saved.statusCode).toBe(303);
    expect(cellsOf(id)).toEqual({ 'returned-male-adult': 9, 'supported-male-adult': 9 });
    const stale = await head.post(`/victim-support/${id}`, { version: '1', 'returned-male-adult': '12' });
    expect(stale.statusCode).toBe(409);
    const $ = html(stale.body);
    expect(textOf($, '#victims-conflict')).toContain('vừa được người khác sửa hoặc xóa');
    expect($('#field-returned-male-adult').attr('value')).toBe('12');
    expect($('input[name="version"]').attr('value')).toBe('2');
    expect(cellsOf(id)).toEqual({ 'returned-male-adult': 9, 'supported-male-adult': 9 });
    const update = auditRows(id).find((row) => row.action === 'update')!;
    expect(JSON.parse(update.changes)).toEqual({ 'returned-male-adult': [8, 9], 'supported-male-adult': [null, 9] });
  });

  it('keeps the area and quarter of a record whatever an edit sends', async () => {
    const id = idOf((await head.post('/victim-support', fields(district(test.app, 'Vân Hồ').id, 2024, 1, { 'returned-male-adult': '5' }))).headers.location);
    await head.post(`/victim-support/${id}`, { version: '1', areaId: String(district(test.app, 'Mộc Châu').id), year: '2023', quarter: '2', 'returned-male-adult': '6' });
    expect(test.app.db.get(sql`select area_id as areaId, year, quarter from victim_support_records where id = ${id}`)).toEqual({ areaId: district(test.app, 'Vân Hồ').id, year: 2024, quarter: 1 });
  });

  it('deletes after confirmation only, at the version shown, and audits it without the note', async () => {
    const id = idOf((await head.post('/victim-support', fields(district(test.app, 'Yên Châu').id, 2024, 1, { 'returned-male-adult': '5' }, 'Tiếp nhận tại Trung tâm công tác xã hội'))).headers.location);
    const asked = await head.post(`/victim-support/${id}/delete`, { version: '1' });
    expect(asked.statusCode).toBe(200);
    expect(textOf(html(asked.body), '#confirm-heading')).toBe('Xóa số liệu hỗ trợ nạn nhân của quý này?');
    expect(records()).toBeGreaterThan(0);
    expect(test.app.db.get(sql`select id from victim_support_records where id = ${id}`)).toBeDefined();
    const stale = await head.post(`/victim-support/${id}/delete`, { version: '7', confirm: 'yes' });
    expect(stale.statusCode).toBe(409);
    expect(test.app.db.get(sql`select id from victim_support_records where id = ${id}`)).toBeDefined();
    const done = await head.post(`/victim-support/${id}/delete`, { version: '1', confirm: 'yes' });
    expect(done.statusCode).toBe(303);
    expect(test.app.db.get(sql`select id from victim_support_records where id = ${id}`)).toBeUndefined();
    expect(cellsOf(id)).toEqual({});
    const deleted = auditRows(id).find((row) => row.action === 'delete')!;
    expect(JSON.parse(deleted.changes)['returned-male-adult']).toEqual([5, null]);
    expect(deleted.changes).not.toContain('Trung tâm');
  });
});

describe('who may see and change what', () => {
  it('limits a district head to their district and the communes formed from it (404 elsewhere, refused as out of scope)', async () => {
    const other = idOf((await head.post('/victim-support', fields(district(test.app, 'Thuận Châu').id, 2024, 3, { 'returned-male-adult': '6' }))).headers.location);
    expect((await songMaHead.get(`/victim-support/${other}`)).statusCode).toBe(404);
    expect((await songMaAuditor.get(`/victim-support/${other}`)).statusCode).toBe(404);
    expect((await songMaHead.post(`/victim-support/${other}`, { version: '1', 'returned-male-adult': '1' })).statusCode).toBe(404);
    expect((await songMaHead.post(`/victim-support/${other}/delete`, { version: '1', confirm: 'yes' })).statusCode).toBe(404);
    const refused = await songMaHead.post('/victim-support', fields(district(test.app, 'Thuận Châu').id, 2024, 4, { 'returned-male-adult': '6' }));
    expect(textOf(html(refused.body), '#field-areaId-error')).toContain('nằm ngoài địa bàn bạn phụ trách');
    const own = await songMaHead.post('/victim-support', fields(district(test.app, 'Sông Mã').id, 2024, 3, { 'returned-male-adult': '6' }));
    expect(own.statusCode).toBe(303);
    const list = html((await songMaAuditor.get('/victim-support')).body);
    expect(list('#victims-table tbody tr td:nth-child(2)').map((_, cell) => list(cell).text().trim()).get()).toEqual(['Huyện Sông Mã']);
  });

  it('lets auditors read with counts of 1 to 4 shown as <5, and keeps inspectors out', async () => {
    const id = idOf((await head.post('/victim-support', fields(district(test.app, 'Mường La').id, 2024, 3, { 'returned-male-adult': '3', 'returned-female-adult': '4', 'supported-female-adult': '2' }))).headers.location);
    const $ = html((await auditor.get(`/victim-support/${id}`)).body);
    expect(textOf($, '[data-measure="returned"]')).toBe('7');
    expect(textOf($, '[data-measure="supported"]')).toBe('<5');
    expect($('.victim-grid').length).toBe(0);
    const exact = html((await head.get(`/victim-support/${id}`)).body);
    expect(textOf(exact, 'tr[data-measure="supported"] .victim-total')).toBe('2');
    expect((await auditor.get(`/victim-support/${id}/edit`)).statusCode).toBe(403);
    expect((await inspector.get('/victim-support')).statusCode).toBe(403);
    expect((await inspector.get(`/victim-support/${id}`)).statusCode).toBe(403);
    expect(html((await inspector.get('/')).body)('a[href="/victim-support"]').length).toBe(0);
    expect(html((await auditor.get('/')).body)('a[href="/victim-support"]').length).toBeGreaterThan(0);
  });
});

describe('the list', () => {
  it('filters by year and area, pages, and says when nothing matches', async () => {
    const empty = html((await head.get('/victim-support?year=2020')).body);
    expect(textOf(empty, '.empty-state')).toContain('Không có số liệu nào khớp bộ lọc.');
    const area = district(test.app, 'Sốp Cộp');
    for (let year = 2000; year < 2027 && year <= 2025; year += 1) {
      for (const quarter of [1, 2]) {
        if (year < 2013) continue;
        await head.post('/victim-support', fields(area.id, year, quarter, { 'returned-male-adult': '5' }));
      }
    }
    const first = html((await head.get(`/victim-support?area=${area.id}`)).body);
    expect(first('#victims-table tbody tr').length).toBe(25);
    expect(first('.pagination a[rel="next"]').attr('href')).toBe(`/victim-support?area=${area.id}&page=2`);
    const second = html((await head.get(`/victim-support?area=${area.id}&page=2`)).body);
    expect(second('#victims-table tbody tr').length).toBe(1);
    const year = html((await head.get(`/victim-support?area=${area.id}&year=2019`)).body);
    expect(year('#victims-table tbody tr').map((index) => textOf(year, `#victims-table tbody tr:nth-child(${index + 1}) td:first-child`)).get()).toEqual(['Quý 2/2019', 'Quý 1/2019']);
    const fragment = await head.get(`/victim-support?area=${area.id}&year=2019`, { 'hx-request': 'true', 'hx-target': 'victims-results' });
    expect(fragment.body).not.toContain('<html');
    expect(html(fragment.body)('#victims-table tbody tr').length).toBe(2);
  });
});

describe('the schema', () => {
  it('holds no field that could identify a person: counts, area, period and a checked short note only', () => {
    const columns = [...Object.values(getTableColumns(victimSupportRecords)), ...Object.values(getTableColumns(victimSupportCounts))].map((column) => column.name).sort();
    expect(columns).toEqual(['age_group', 'area_id', 'count', 'created_at', 'created_by', 'id', 'is_sample', 'measure', 'note', 'period_end', 'period_start', 'quarter', 'record_id', 'sex', 'updated_at', 'version', 'year'].sort());
    for (const name of columns) expect(name).not.toMatch(/name|birth|dob|phone|address|identity|passport|cccd|cmnd|village/);
  });
});
