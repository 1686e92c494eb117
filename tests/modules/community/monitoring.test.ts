import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { loginAs, type SignedInClient } from '../../helpers/auth.js';
import { district } from '../../helpers/factories.js';
import { html, textOf } from '../../helpers/html.js';

/**
 * Situations watched (monitoring counts), trained propagandists and prevention models: the forms, the chart, and
 * their columns in the district summary, reconciled across the page, CSV, XLSX and PDF with small cells hidden.
 */
let test: TestApp;
let head: SignedInClient;
let auditor: SignedInClient;
let inspector: SignedInClient;
let songMaInspector: SignedInClient;
const clock = new Date('2026-03-10T03:00:00Z');
const period = 'from=01/01/2024&to=31/12/2024';
const ids: Record<string, number> = {};

const count = (table: string) => test.app.db.get<{ n: number }>(sql.raw(`select count(*) as n from ${table}`))!.n;
const areaId = (name: string) => district(test.app, name).id;
const idOf = (response: { headers: Record<string, unknown> }) => Number(String(response.headers.location).split('/').pop());

async function record(client: SignedInClient, area: string, year: number, periodCode: string, counts: Record<string, string>, note = '') {
  const response = await client.post('/monitoring', { areaId: String(areaId(area)), year: String(year), period: periodCode, note, ...Object.fromEntries(Object.entries(counts).map(([code, value]) => [`count-${code}`, value])) });
  expect(response.statusCode, response.body.slice(0, 400)).toBe(303);
  return idOf(response);
}

async function model(fields: Record<string, string>) {
  const response = await head.post('/models', { kind: 'law_club', hostAgency: 'womens_union', ...fields });
  expect(response.statusCode, response.body.slice(0, 400)).toBe(303);
  return idOf(response);
}

const version = (table: string, id: number) => String(test.app.db.get<{ version: number }>(sql.raw(`select version from ${table} where id = ${id}`))!.version);

async function person(area: string, trainedOn: string, leftOn = '') {
  const response = await head.post('/propagandists', { name: `Người ${area} ${trainedOn}`, organisation: 'Hội LHPN', areaId: String(areaId(area)), role: 'propagandist', trainedOn, leftOn });
  expect(response.statusCode, response.body.slice(0, 400)).toBe(303);
}

beforeAll(async () => {
  test = await buildTestApp({ now: () => clock, env: { SESSION_IDLE_MINUTES: '43200', SESSION_MAX_HOURS: '720' } });
  head = await loginAs(test.app, 'department_head');
  auditor = await loginAs(test.app, 'auditor');
  inspector = await loginAs(test.app, 'inspector');
  songMaInspector = await loginAs(test.app, 'inspector', { areaId: areaId('Sông Mã') });
  // 2024: Bắc Yên a month and a quarter, Sông Mã a month (entered by its inspector); Mai Sơn 2023 stays out.
  ids.bacYenJan = await record(head, 'Bắc Yên', 2024, 'm1', { work_abroad: '3', foreign_marriage: '12', internal_labour_migration: '4' });
  ids.bacYenQ2 = await record(head, 'Bắc Yên', 2024, 'q2', { work_abroad: '10' });
  ids.songMaMay = await record(songMaInspector, 'Sông Mã', 2024, 'm5', { work_abroad: '6', violence_women_children: '2', internal_labour_migration: '20' });
  ids.maiSon = await record(head, 'Mai Sơn', 2023, 'm12', { work_abroad: '50' });

  // Models: Bắc Yên one from 2023 (20, then 25 members) and its 2024 copy (12); Sông Mã one founded and dissolved in
  // 2024 (30) and one dissolved before it (8); Mai Sơn one from 2025.
  ids.m1 = await model({ name: 'M1', areaId: String(areaId('Bắc Yên')), startDate: '01/05/2023', members: '20' });
  await head.post(`/models/${ids.m1}/members`, { asOf: '01/06/2024', members: '25', version: version('prevention_models', ids.m1) });
  await head.post(`/models/${ids.m1}/members`, { asOf: '01/02/2025', members: '40', version: version('prevention_models', ids.m1) });
  ids.m2 = await model({ name: 'M2', areaId: String(areaId('Bắc Yên')), startDate: '01/03/2024', members: '12', replicatedFromId: String(ids.m1) });
  ids.m3 = await model({ name: 'M3', areaId: String(areaId('Sông Mã')), startDate: '01/02/2024', members: '30' });
  await head.post(`/models/${ids.m3}/state`, { to: 'dissolved', onDate: '30/09/2024', version: version('prevention_models', ids.m3) });
  ids.m4 = await model({ name: 'M4', areaId: String(areaId('Sông Mã')), startDate: '01/01/2022', members: '8' });
  await head.post(`/models/${ids.m4}/state`, { to: 'dissolved', onDate: '31/12/2023', version: version('prevention_models', ids.m4) });
  ids.m5 = await model({ name: 'M5', areaId: String(areaId('Mai Sơn')), startDate: '05/01/2025', members: '50' });

  // The roster: trained by the end of 2024 and serving in it count.
  await person('Bắc Yên', '10/05/2024');
  await person('Bắc Yên', '01/02/2025');
  await person('Sông Mã', '01/01/2023', '01/12/2023');
  await person('Sông Mã', '03/03/2022');
});
afterAll(async () => {
  await test.close();
});

describe('the monitoring form', () => {
  it('refuses what could identify a person, an empty record, a future period and a district after the reform (422, typed values kept, nothing written)', async () => {
    const before = [count('monitoring_records'), count('monitoring_counts'), count('audit_log')];
    const phone = await head.post('/monitoring', { areaId: String(areaId('Phù Yên')), year: '2024', period: 'm2', note: 'Gọi chị H. số 0912 345 678', 'count-work_abroad': '5', 'count-foreign_marriage': 'ba' });
    expect(phone.statusCode).toBe(422);
    const $ = html(phone.body);
    expect(textOf($, '#field-note-error')).toContain('giống số điện thoại hoặc số giấy tờ');
    expect(textOf($, '#field-count-foreign_marriage-error')).not.toBe('');
    expect($('#field-note').text()).toBe('Gọi chị H. số 0912 345 678');
    expect($('#field-count-work_abroad').val()).toBe('5');
    expect($('#field-period option[selected]').val()).toBe('m2');
    const empty = await head.post('/monitoring', { areaId: String(areaId('Phù Yên')), year: '2024', period: 'm2' });
    expect(textOf(html(empty.body), '#field-count-internal_labour_migration-error')).toContain('Nhập ít nhất một số liệu');
    const future = await head.post('/monitoring', { areaId: String(test.app.catalog.communes[0]!.id), year: '2026', period: 'q2', 'count-work_abroad': '1' });
    expect(textOf(html(future.body), '#field-period-error')).toContain('Kỳ này chưa bắt đầu.');
    const afterReform = await head.post('/monitoring', { areaId: String(areaId('Phù Yên')), year: '2025', period: 'q3', 'count-work_abroad': '1' });
    expect(textOf(html(afterReform.body), '#field-areaId-error')).toContain('Từ tháng 7/2025 hãy chọn xã, phường');
    const badPeriod = await head.post('/monitoring', { areaId: String(areaId('Phù Yên')), year: '2024', period: 'm13', 'count-work_abroad': '1' });
    expect(textOf(html(badPeriod.body), '#field-period-error')).toContain('Chọn một tháng hoặc một quý.');
    expect([count('monitoring_records'), count('monitoring_counts'), count('audit_log')]).toEqual(before);
  });

  it('keeps one record per area and period: the same month again, or a month inside a recorded quarter, is refused with a link to it', async () => {
    const again = await head.post('/monitoring', { areaId: String(areaId('Bắc Yên')), year: '2024', period: 'm1', 'count-work_abroad': '1' });
    expect(again.statusCode).toBe(422);
    expect(html(again.body)('#monitoring-duplicate a').attr('href')).toBe(`/monitoring/${ids.bacYenJan}`);
    const insideQuarter = await head.post('/monitoring', { areaId: String(areaId('Bắc Yên')), year: '2024', period: 'm5', 'count-work_abroad': '1' });
    expect(html(insideQuarter.body)('#monitoring-duplicate a').attr('href')).toBe(`/monitoring/${ids.bacYenQ2}`);
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from monitoring_records where area_id = ${areaId('Bắc Yên')}`)!.n).toBe(2);
  });

  it('keeps a version: an edit on a stale one answers 409 with what was typed, and the record keeps the first save', async () => {
    const id = await record(head, 'Phù Yên', 2024, 'm7', { work_abroad: '7' });
    expect((await head.post(`/monitoring/${id}`, { version: '1', 'count-work_abroad': '8' })).statusCode).toBe(303);
    const stale = await head.post(`/monitoring/${id}`, { version: '1', 'count-work_abroad': '9', 'count-foreign_marriage': '0' });
    expect(stale.statusCode).toBe(409);
    expect(html(stale.body)('#field-count-work_abroad').val()).toBe('9');
    expect(textOf(html(stale.body), '#monitoring-conflict')).toContain('vừa được người khác sửa');
    expect(test.app.db.all(sql`select category, count from monitoring_counts where record_id = ${id}`)).toEqual([{ category: 'work_abroad', count: 8 }]);
    const $ = html((await head.get(`/monitoring/${id}`)).body);
    expect(textOf($, '[data-category="work_abroad"]')).toBe('8');
    expect(textOf($, '[data-category="foreign_marriage"]')).toBe('Chưa ghi');
  });

  it('lets an inspector record only for their own areas, and shows them only those', async () => {
    const outside = await songMaInspector.post('/monitoring', { areaId: String(areaId('Bắc Yên')), year: '2024', period: 'm9', 'count-work_abroad': '1' });
    expect(outside.statusCode).toBe(422);
    expect(textOf(html(outside.body), '#field-areaId-error')).toContain('nằm ngoài địa bàn bạn phụ trách');
    const $ = html((await songMaInspector.get('/monitoring?year=2024')).body);
    expect($('#monitoring-table tbody tr').map((_, row) => $(row).attr('data-record')).get()).toEqual([String(ids.songMaMay)]);
    expect((await songMaInspector.get(`/monitoring/${ids.bacYenJan}`)).statusCode).toBe(404);
    expect((await songMaInspector.post(`/monitoring/${ids.bacYenJan}`, { version: '1', 'count-work_abroad': '1' })).statusCode).toBe(404);
    // Their chart is their area's without choosing it.
    expect(textOf($, '#monitoring-chart title')).toContain('Huyện Sông Mã');
    expect((await inspector.get(`/monitoring/${ids.bacYenJan}`)).statusCode).toBe(200);
  });
});

/** The bars of the page's chart: period → [value, height], with the chart's maximum and plot height. */
async function bars(client: SignedInClient, query: string) {
  const response = await client.get(`/monitoring?${query}`);
  expect(response.statusCode).toBe(200);
  const $ = html(response.body);
  const svg = $('#monitoring-chart svg');
  expect(svg).toHaveLength(1);
  const max = Number(svg.attr('data-max'));
  const plot = Number(svg.attr('data-plot-height'));
  const heights = Object.fromEntries($('rect.chart-bar').map((_, rect) => [[$(rect).attr('data-period')!, [Number($(rect).attr('data-value')), Number($(rect).attr('height'))]]]).get() as Array<[string, [number, number]]>);
  return { $, svg, max, plot, heights, by: svg.attr('data-by') };
}

describe('the chart', () => {
  it('draws a bar per month with heights in proportion to a round maximum, a title, and the same figures in a table, without script', async () => {
    const { $, max, plot, heights, by } = await bars(head, `area=${areaId('Bắc Yên')}&year=2024&category=foreign_marriage`);
    expect(by).toBe('month');
    expect(max).toBe(20);
    expect(plot).toBe(170);
    expect(Object.keys(heights)).toHaveLength(12);
    expect(heights['2024-01']).toEqual([12, 102]);
    expect(heights['2024-02']).toEqual([0, 0]);
    expect(textOf($, '#monitoring-chart svg > title')).toBe('Kết hôn có yếu tố nước ngoài — Huyện Bắc Yên, năm 2024');
    expect($('#monitoring-chart svg').attr('aria-labelledby')).toContain('monitoring-chart-title');
    expect($('#monitoring-chart-table tbody tr').map((_, row) => $(row).find('td').text()).get()).toEqual(['12', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0']);
    expect($('#monitoring-chart script, #monitoring-chart [style]')).toHaveLength(0);
    // The bars sit on the axis: y + height is the plot's bottom.
    const rect = $('rect.chart-bar[data-period="2024-01"]');
    expect(Number(rect.attr('y')) + Number(rect.attr('height'))).toBe(20 + 170);
  });

  it('draws quarters when any record of the series is quarterly, months adding up into their quarter', async () => {
    const { heights, by, max } = await bars(head, `area=${areaId('Bắc Yên')}&year=2024&category=work_abroad`);
    expect(by).toBe('quarter');
    expect(max).toBe(10);
    expect(heights).toEqual({ '2024-01': [3, 51], '2024-04': [10, 170], '2024-07': [0, 0], '2024-10': [0, 0] });
  });

  it('sums the areas a person sees when none is chosen (the whole province for a head)', async () => {
    const { heights, $ } = await bars(head, 'year=2024&category=internal_labour_migration');
    expect(heights['2024-01']).toEqual([4, 34]);
    expect(heights['2024-05']).toEqual([20, 170]);
    expect(textOf($, '#monitoring-chart svg > title')).toContain('toàn bộ địa bàn');
  });
});

/** Columns of a table (header row first) from the first heading on, by area name. */
function columns(table: string[][], headings: string[]): Record<string, string[]> {
  const start = table[0]!.indexOf(headings[0]!);
  expect(table[0]!.slice(start, start + headings.length)).toEqual(headings);
  return Object.fromEntries(table.slice(1).map((row) => [row[0]!, row.slice(start, start + headings.length).map((cell) => cell.replace(/\./g, ''))]));
}

const modelHeadings = ['Mô hình hoạt động', 'Mô hình mới thành lập', 'Mô hình nhân rộng', 'Thành viên mô hình', 'Báo cáo viên, tuyên truyền viên đã tập huấn'];
const monitoringHeadings = [
  'Đi làm ăn nơi khác trong nước',
  'Đi làm việc ở nước ngoài',
  'Kết hôn có yếu tố nước ngoài',
  'Bạo lực phụ nữ, trẻ em',
  'Xâm hại tình dục phụ nữ, trẻ em',
  'Vụ nghi mua bán người đã báo Công an',
  'Người mất liên lạc nghi bị mua bán',
];
const total = 'Toàn tỉnh (Tỉnh Sơn La)';
const expectedModels = {
  'Huyện Bắc Yên': ['2', '1', '1', '37', '1'],
  'Huyện Sông Mã': ['1', '1', '0', '30', '1'],
  'Huyện Mai Sơn': ['0', '0', '0', '0', '0'],
  [total]: ['3', '2', '1', '67', '2'],
};
const exactMonitoring = {
  'Huyện Bắc Yên': ['4', '13', '12', '0', '0', '0', '0'],
  'Huyện Sông Mã': ['20', '6', '0', '2', '0', '0', '0'],
  'Huyện Mai Sơn': ['0', '0', '0', '0', '0', '0', '0'],
  // Recorded (and corrected) by the version test above.
  'Huyện Phù Yên': ['0', '8', '0', '0', '0', '0', '0'],
  [total]: ['24', '27', '12', '2', '0', '0', '0'],
};
const suppressedMonitoring = {
  'Huyện Bắc Yên': ['<5', '13', '12', '0', '0', '0', '0'],
  'Huyện Sông Mã': ['20', '6', '0', '<5', '0', '0', '0'],
  'Huyện Mai Sơn': ['0', '0', '0', '0', '0', '0', '0'],
  'Huyện Phù Yên': ['0', '8', '0', '0', '0', '0', '0'],
  [total]: ['≥21', '27', '12', '<5', '0', '0', '0'],
};

async function pageColumns(client: SignedInClient, group: string, headings: string[], query = period) {
  const $ = html((await client.get(`/reports/districts?${query}&group=${group}`)).body);
  const table = $('#summary-table tr').map((_, row) => [$(row).children().map((__, cell) => $(cell).text().trim()).get()]).get() as string[][];
  return { $, columns: columns(table, headings) };
}

function expectRows(actual: Record<string, string[]>, expected: Record<string, string[]>) {
  for (const [area, cells] of Object.entries(expected)) expect(actual[area], area).toEqual(cells);
}

describe('models, the roster and the situations watched in the district summary', () => {
  it('shows heads the exact figures on the page, each linking to the records behind it', async () => {
    const models = await pageColumns(head, 'models', modelHeadings);
    expectRows(models.columns, expectedModels);
    const monitoring = await pageColumns(head, 'monitoring', monitoringHeadings);
    expectRows(monitoring.columns, exactMonitoring);
    const bacYen = areaId('Bắc Yên');
    const link = (figure: string, $: typeof models.$) => $(`tr[data-area="${bacYen}"] td[data-figure="${figure}"] a`).attr('href');
    expect(link('modelsReplicated', models.$)).toBe(`/models?from=01%2F01%2F2024&to=31%2F12%2F2024&area=${bacYen}&started=1&replicated=1`);
    expect(link('trainedPropagandists', models.$)).toBe(`/propagandists?from=01%2F01%2F2024&to=31%2F12%2F2024&area=${bacYen}&trained=1`);
    expect(link('monitorWorkAbroad', monitoring.$)).toBe(`/monitoring?category=work_abroad&year=2024&area=${bacYen}`);
    // The lists behind the figures hold as many rows as the figure says.
    const replicated = html((await head.get(link('modelsReplicated', models.$)!)).body);
    expect(replicated('#models-table tbody tr a').map((_, a) => replicated(a).text()).get()).toEqual(['M2']);
    const active = html((await head.get(link('modelsActive', models.$)!)).body);
    expect(active('#models-table tbody tr a').map((_, a) => active(a).text()).get().sort()).toEqual(['M1', 'M2']);
    const trained = html((await head.get(link('trainedPropagandists', models.$)!)).body);
    expect(trained('#propagandists-table tbody tr')).toHaveLength(1);
  });

  it('hides small monitoring cells for auditors on the page, and reconciles the page with the CSV, XLSX and PDF', async () => {
    const pageModels = (await pageColumns(auditor, 'models', modelHeadings)).columns;
    const pageMonitoring = (await pageColumns(auditor, 'monitoring', monitoringHeadings)).columns;
    expectRows(pageModels, expectedModels);
    expectRows(pageMonitoring, suppressedMonitoring);

    const csv = parse((await head.get(`/reports/districts.csv?${period}`)).body.replace(/^\uFEFF/, '')) as string[][];
    expectRows(columns(csv, modelHeadings), expectedModels);
    expectRows(columns(csv, monitoringHeadings), suppressedMonitoring);
    expect(columns(csv, modelHeadings)).toEqual(pageModels);
    expect(columns(csv, monitoringHeadings)).toEqual(pageMonitoring);

    const xlsx = await head.get(`/reports/districts.xlsx?${period}`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const rows: string[][] = [];
    workbook.worksheets[0]!.eachRow((row, number) => {
      if (number >= 5) rows.push((row.values as unknown[]).slice(1).map((value) => String(value ?? '')));
    });
    expect(columns(rows, modelHeadings)).toEqual(pageModels);
    expect(columns(rows, monitoringHeadings)).toEqual(pageMonitoring);

    const pdf = await head.get(`/reports/districts.pdf?${period}`);
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const document = await pdfjs.getDocument({ data: new Uint8Array(pdf.rawPayload), useSystemFonts: false, isEvalSupported: false }).promise;
    let text = '';
    for (let page = 1; page <= document.numPages; page += 1) text += `${(await (await document.getPage(page)).getTextContent()).items.map((item) => ('str' in item ? item.str : '')).join(' ')}\n`;
    const partFrom = (heading: string, expected: Record<string, string[]>, width: number, offset = 0) => {
      const part = text.slice(text.indexOf(heading));
      for (const [area, cells] of Object.entries(expected)) expect(part.slice(part.indexOf(area) + area.length).trim().split(/\s+/).slice(offset, offset + width), area).toEqual(cells);
    };
    // The PDF cuts the table into parts of at most 10 columns: the models share theirs with the 3 victim columns.
    partFrom('Mô hình hoạt', expectedModels, 5, 3);
    partFrom('Đi làm ăn', suppressedMonitoring, 7);
  });

  it('limits a person tied to a district to its rows, on the page and in the files', async () => {
    const songMaHead = await loginAs(test.app, 'department_head', { areaId: areaId('Sông Mã') });
    const page = (await pageColumns(songMaHead, 'monitoring', monitoringHeadings)).columns;
    expect(Object.keys(page)).toEqual(['Huyện Sông Mã', expect.stringContaining('Huyện Sông Mã')]);
    const csv = parse((await songMaHead.get(`/reports/districts.csv?${period}`)).body.replace(/^\uFEFF/, '')) as string[][];
    const rows = columns(csv, modelHeadings);
    expect(Object.keys(rows)).toHaveLength(2);
    expect(rows['Huyện Sông Mã']).toEqual(expectedModels['Huyện Sông Mã']);
    expect(csv.flat().join(' ')).not.toContain('Bắc Yên');
    const list = html((await songMaHead.get('/propagandists')).body);
    expect(list('#propagandists-table tbody tr a').map((_, a) => list(a).text()).get().every((name) => name.includes('Sông Mã'))).toBe(true);
  });
});

describe('the roster form', () => {
  it('refuses a person without a name, organisation or role, or who left before training (422, typed values kept, nothing written)', async () => {
    const before = [count('propagandists'), count('propagandist_trainings')];
    const response = await head.post('/propagandists', { name: '', organisation: ' ', areaId: String(areaId('Bắc Yên')), role: 'chief', trainedOn: '05/05/2024', leftOn: '01/01/2024' });
    expect(response.statusCode).toBe(422);
    const $ = html(response.body);
    expect(textOf($, '#field-name-error')).toContain('Nhập họ và tên.');
    expect(textOf($, '#field-organisation-error')).toContain('Nhập cơ quan, đơn vị.');
    expect(textOf($, '#field-role-error')).toContain('Chọn báo cáo viên hoặc tuyên truyền viên.');
    expect(textOf($, '#field-leftOn-error')).toContain('Ngày thôi làm trước ngày tập huấn.');
    expect($('#field-trainedOn').val()).toBe('05/05/2024');
    const training = await head.post(`/propagandists/1/trainings`, { trainedOn: '40/01/2024', version: version('propagandists', 1) });
    expect(training.statusCode).toBe(422);
    expect(textOf(html(training.body), '#field-trainedOn-error')).toContain('Ngày không hợp lệ');
    expect([count('propagandists'), count('propagandist_trainings')]).toEqual(before);
  });
});
