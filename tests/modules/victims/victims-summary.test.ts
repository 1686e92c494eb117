import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { loginAs, type SignedInClient } from '../../helpers/auth.js';
import { district } from '../../helpers/factories.js';
import { html, textOf } from '../../helpers/html.js';

/** Victim support in the district summary: exact for heads and admins on the page, small cells hidden everywhere else. */
let test: TestApp;
let head: SignedInClient;
let auditor: SignedInClient;
const clock = new Date('2026-03-10T03:00:00Z');
const period = 'from=01/01/2024&to=31/12/2024';
const victimHeadings = ['Nạn nhân trở về', 'Nạn nhân được hỗ trợ', 'Nạn nhân giao gia đình'];

async function record(area: number, year: number, quarter: number, cells: Record<string, string>) {
  const response = await head.post('/victim-support', { areaId: String(area), year: String(year), quarter: String(quarter), ...cells });
  expect(response.statusCode, response.body.slice(0, 300)).toBe(303);
}

beforeAll(async () => {
  test = await buildTestApp({ now: () => clock, env: { SESSION_IDLE_MINUTES: '43200', SESSION_MAX_HOURS: '720' } });
  head = await loginAs(test.app, 'department_head');
  auditor = await loginAs(test.app, 'auditor');
  // 2024: Bắc Yên 3 returned (all small), Sông Mã 10, Mai Sơn 20; a 2023 quarter stays out of the period.
  await record(district(test.app, 'Bắc Yên').id, 2024, 1, { 'returned-female-adult': '3', 'supported-female-adult': '3', 'handed_to_family-female-adult': '3' });
  await record(district(test.app, 'Sông Mã').id, 2024, 2, { 'returned-male-adult': '6', 'returned-female-child': '4', 'supported-male-adult': '6', 'supported-female-child': '1' });
  await record(district(test.app, 'Mai Sơn').id, 2024, 3, { 'returned-female-adult': '20', 'supported-female-adult': '5', 'handed_to_family-female-adult': '12' });
  await record(district(test.app, 'Phù Yên').id, 2023, 4, { 'returned-female-adult': '50' });
});
afterAll(async () => {
  await test.close();
});

/** The victim columns of a table (header row first), by area name. */
function victimColumns(table: string[][]): Record<string, string[]> {
  const start = table[0]!.indexOf(victimHeadings[0]!);
  expect(table[0]!.slice(start, start + 3)).toEqual(victimHeadings);
  return Object.fromEntries(table.slice(1).map((row) => [row[0]!, row.slice(start, start + 3).map((cell) => cell.replace(/\./g, ''))]));
}

const hidden = {
  'Huyện Bắc Yên': ['<5', '<5', '<5'],
  'Huyện Sông Mã': ['10', '7', '0'],
  'Huyện Mai Sơn': ['20', '5', '12'],
  'Huyện Phù Yên': ['0', '0', '0'],
  'Toàn tỉnh (Tỉnh Sơn La)': ['≥31', '≥13', '≥13'],
};

async function pageColumns(client: SignedInClient, query = period): Promise<Record<string, string[]>> {
  const $ = html((await client.get(`/reports/districts?${query}&group=victims`)).body);
  const table = $('#summary-table tr')
    .map((_, row) => [$(row).children().map((__, cell) => $(cell).text().trim()).get()])
    .get() as string[][];
  return victimColumns(table);
}

describe('victim support in the district summary', () => {
  it('shows heads the exact figures on the page, and auditors small cells as <5 with totals that give nothing away', async () => {
    const exact = await pageColumns(head);
    expect(exact['Huyện Bắc Yên']).toEqual(['3', '3', '3']);
    expect(exact['Toàn tỉnh (Tỉnh Sơn La)']).toEqual(['33', '15', '15']);
    const suppressed = await pageColumns(auditor);
    for (const [area, cells] of Object.entries(hidden)) expect(suppressed[area], area).toEqual(cells);
    const $ = html((await auditor.get(`/reports/districts?${period}&group=victims`)).body);
    expect($(`tr[data-area="${district(test.app, 'Sông Mã').id}"] td[data-figure="victimsReturned"] a`).attr('href')).toBe(`/victim-support?year=2024&area=${district(test.app, 'Sông Mã').id}`);
    expect(textOf($, 'body')).toContain('ô từ 1 đến 4 hiện "<5"');
  });

  it('hides small cells in the CSV even for a head', async () => {
    const csv = await head.get(`/reports/districts.csv?${period}`);
    const table = parse(csv.body.replace(/^\uFEFF/, '')) as string[][];
    const columns = victimColumns(table);
    for (const [area, cells] of Object.entries(hidden)) expect(columns[area], area).toEqual(cells);
    expect(csv.body).not.toMatch(/(^|,)3,3,3(,|\r)/m);
  });

  it('hides small cells in the XLSX, read back with exceljs', async () => {
    const xlsx = await head.get(`/reports/districts.xlsx?${period}`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const rows: string[][] = [];
    workbook.worksheets[0]!.eachRow((row, number) => {
      if (number >= 5) rows.push((row.values as unknown[]).slice(1).map((value) => String(value ?? '')));
    });
    const columns = victimColumns(rows);
    for (const [area, cells] of Object.entries(hidden)) expect(columns[area], area).toEqual(cells);
  });

  it('hides small cells in the PDF', async () => {
    const pdf = await head.get(`/reports/districts.pdf?${period}`);
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const document = await pdfjs.getDocument({ data: new Uint8Array(pdf.rawPayload), useSystemFonts: false, isEvalSupported: false }).promise;
    let text = '';
    for (let page = 1; page <= document.numPages; page += 1) text += `${(await (await document.getPage(page)).getTextContent()).items.map((item) => ('str' in item ? item.str : '')).join(' ')}\n`;
    const part = text.slice(text.indexOf(victimHeadings[0]!));
    const line = (area: string) => part.slice(part.indexOf(area) + area.length).trim().split(/\s+/).slice(0, 3);
    for (const [area, cells] of Object.entries(hidden)) expect(line(area), area).toEqual(cells);
  });

  it('counts a commune’s quarters after the reform under its old district, and in the commune summary under the commune', async () => {
    const songMaCommune = test.app.catalog.communes.find((area) => test.app.catalog.primaryDistrictOf(area.id) === district(test.app, 'Sông Mã').id)!;
    await record(songMaCommune.id, 2025, 3, { 'returned-male-adult': '8' });
    const byDistrict = await pageColumns(head, 'from=01/01/2025&to=31/12/2025');
    expect(byDistrict['Các xã, phường mới từ Huyện Sông Mã (từ 01/07/2025)']).toEqual(['8', '0', '0']);
    const byCommune = await pageColumns(head, 'from=01/01/2025&to=31/12/2025&level=commune');
    expect(byCommune[`${songMaCommune.name} (từ 01/07/2025)`]).toEqual(['8', '0', '0']);
  });
});

describe('the sample figure', () => {
  it('holds Sơn La’s 35 returned victims for 2021–2025 at province level, marked as sample data, read-only, and outside the summary by area', async () => {
    const sample = await buildTestApp({ env: { SAMPLE_DATA: 'true' } });
    try {
      const sampleHead = await loginAs(sample.app, 'department_head');
      const rows = sample.app.db.all<{ id: number; area_id: number; period_start: string; period_end: string; is_sample: number; year: number | null }>(
        sql`select id, area_id, period_start, period_end, is_sample, year from victim_support_records`,
      );
      expect(rows).toHaveLength(1);
      const [row] = rows;
      expect(row).toMatchObject({ area_id: sample.app.catalog.province.id, period_start: '2021-01-01', period_end: '2025-12-31', is_sample: 1, year: null });
      expect(sample.app.db.all(sql`select measure, sex, age_group as ageGroup, count from victim_support_counts`)).toEqual([{ measure: 'returned', sex: 'unknown', ageGroup: 'unknown', count: 35 }]);
      const list = html((await sampleHead.get('/victim-support')).body);
      expect(textOf(list, '#victims-table tbody tr')).toContain('dữ liệu mẫu');
      expect(textOf(list, '#victims-table tbody tr [data-figure="returned"]')).toBe('35');
      const page = html((await sampleHead.get(`/victim-support/${row!.id}`)).body);
      expect(textOf(page, '.page-head')).toContain('dữ liệu mẫu');
      expect(textOf(page, 'tr[data-measure="returned"] .victim-total')).toBe('35');
      expect(page(`a[href="/victim-support/${row!.id}/edit"]`).length).toBe(0);
      expect((await sampleHead.get(`/victim-support/${row!.id}/edit`)).statusCode).toBe(409);
      const summary = html((await sampleHead.get('/reports/districts?from=01/01/2021&to=31/12/2025&group=victims')).body);
      expect(textOf(summary, 'tr[data-area="total"] td[data-figure="victimsReturned"]')).toBe('0');
      // Loaded once: a restart does not add it again.
      expect(sample.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log where record_type = 'victim_support'`)!.n).toBe(1);
    } finally {
      await sample.close();
    }
  });
});
