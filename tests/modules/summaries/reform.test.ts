import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, loginAs, type SignedInClient } from '../../helpers/auth.js';
import { commune, createReport, createRoundWithTeam, createVenue, district, outreachForm } from '../../helpers/factories.js';
import { html, textOf } from '../../helpers/html.js';

/**
 * Work on both sides of the 1 July 2025 reform, counted under the units of its date. Hand-counted fixture:
 * - Yên Châu, round R1 (10–12/03/2025, the district): approved reports on V1 (a venue registered under the
 *   district), V2 (registered under the new Xã Yên Châu, formed from six old communes) and V3 (under the new
 *   Xã Phiêng Khoài, formed from the old Xã Phiêng Khoài alone); an outreach session in the district on
 *   20/04/2025 (30 people).
 * - Yên Châu, round R2 (04–06/08/2025, Xã Yên Châu and Xã Phiêng Khoài): approved reports on V2, V3 and V1 (still
 *   registered under the old district); an outreach session in Xã Yên Châu on 10/08/2025 (40 people).
 * - Bắc Yên, round P (10–12/03/2025, the district): one submitted report on P1 (registered 01/03/2025); P2, a
 *   restaurant registered on 20/04/2025 in a commune formed from Bắc Yên; P3 registered 01/03/2025 in Mai Sơn.
 */
let clock = new Date('2025-03-01T03:00:00Z');
let test: TestApp;
let head: SignedInClient;
const ids: Record<string, number> = {};
const period = 'from=01/01/2025&to=31/12/2025';

beforeAll(async () => {
  test = await buildTestApp({ now: () => clock });
  const inspector = await createUser(test.app, 'inspector');
  const reviewer = await createUser(test.app, 'department_head');
  const yenChau = district(test.app, 'Yên Châu');
  const yenChauCommune = commune(test.app, 'Xã Yên Châu');
  const phiengKhoai = commune(test.app, 'Phiêng Khoài');
  const bacYen = district(test.app, 'Bắc Yên');
  Object.assign(ids, { yenChau: yenChau.id, yenChauCommune: yenChauCommune.id, phiengKhoai: phiengKhoai.id, bacYen: bacYen.id });

  // 01/03/2025: venues registered.
  const v1 = createVenue(test.app, { name: 'Karaoke Hoa Ban', areaId: String(yenChau.id) });
  const v2 = createVenue(test.app, { name: 'Nhà hàng Suối Sập', kind: 'restaurant', areaId: String(yenChauCommune.id) });
  const v3 = createVenue(test.app, { name: 'Nhà nghỉ Phiêng Khoài', kind: 'lodging', areaId: String(phiengKhoai.id) });
  const p1 = createVenue(test.app, { name: 'Karaoke Bắc Yên', areaId: String(bacYen.id) });
  createVenue(test.app, { name: 'Karaoke Mai Sơn', areaId: String(district(test.app, 'Mai Sơn').id) });
  const r1 = createRoundWithTeam(test.app, [inspector.id], { title: 'Yên Châu tháng 3', areaIds: [String(yenChau.id)] });
  const roundP = createRoundWithTeam(test.app, [inspector.id], { title: 'Bắc Yên tháng 3', areaIds: [String(bacYen.id)] });
  ids.roundP = roundP;
  clock = new Date('2025-03-13T03:00:00Z');
  const approved = { inspectorId: inspector.id, reviewerId: reviewer.id, status: 'approved' as const };
  createReport(test.app, { roundId: r1, venueId: v1, ...approved, visitDate: '11/03/2025' });
  ids.marchReport = createReport(test.app, { roundId: r1, venueId: v2, ...approved, visitDate: '11/03/2025' });
  createReport(test.app, { roundId: r1, venueId: v3, ...approved, visitDate: '12/03/2025' });
  createReport(test.app, { roundId: roundP, venueId: p1, inspectorId: inspector.id, status: 'submitted', visitDate: '11/03/2025' });
  test.app.db.run(sql`update rounds set status = 'completed' where id in (${r1}, ${roundP})`);

  // 20/04/2025: a restaurant registered after the March round, in a new commune formed from Bắc Yên.
  clock = new Date('2025-04-20T03:00:00Z');
  createVenue(test.app, { name: 'Nhà hàng Tà Xùa', kind: 'restaurant', areaId: String(test.app.catalog.filterIds(bacYen.id)[1]!) });

  clock = new Date('2025-08-01T03:00:00Z');
  const r2 = createRoundWithTeam(test.app, [inspector.id], { title: 'Yên Châu tháng 8', areaIds: [String(yenChauCommune.id), String(phiengKhoai.id)], startDate: '2025-08-04', endDate: '2025-08-06' });
  test.app.db.run(sql`update rounds set status = 'in_progress' where id = ${r2}`);
  clock = new Date('2025-08-10T03:00:00Z');
  createReport(test.app, { roundId: r2, venueId: v2, ...approved, visitDate: '05/08/2025' });
  createReport(test.app, { roundId: r2, venueId: v3, ...approved, visitDate: '05/08/2025' });
  createReport(test.app, { roundId: r2, venueId: v1, ...approved, visitDate: '06/08/2025' });

  clock = new Date('2025-12-15T03:00:00Z');
  head = await loginAs(test.app, 'department_head');
  const outreach = await loginAs(test.app, 'inspector');
  for (const [areaId, date, total] of [[yenChau.id, '20/04/2025', '30'], [yenChauCommune.id, '10/08/2025', '40']] as const) {
    const response = await outreach.post('/outreach', outreachForm({ activityDate: date, areaId, participantsTotal: total, participantsWomen: '10' }));
    expect(response.statusCode, response.body.slice(0, 400)).toBe(303);
  }
});
afterAll(async () => {
  await test.close();
});

/** Rows of the page as [label, rounds, venues, approved, pending, sessions, participants], from two groups of columns. */
async function pageRows(query: string): Promise<Array<{ label: string; area: string; part: string; kind: string; cells: string[] }>> {
  const read = async (group: string) => {
    const $ = html((await head.get(`/reports/districts?${query}&group=${group}`)).body);
    return $('#summary-table tbody tr')
      .map((_, row) => [{ label: $(row).find('th').text().trim(), area: $(row).attr('data-area')!, part: $(row).attr('data-part') ?? '', kind: $(row).attr('data-kind') ?? '', cells: $(row).find('td').map((__, cell) => $(cell).text().trim()).get() }])
      .get() as Array<{ label: string; area: string; part: string; kind: string; cells: string[] }>;
  };
  const rounds = await read('rounds');
  const outreach = await read('outreach');
  return rounds.map((row, index) => ({ ...row, cells: [...row.cells, ...outreach[index]!.cells.slice(1, 3)] }));
}

/** The rows that hold any work, as [label, rounds, venues, approved, pending, sessions, participants]. */
const busy = (rows: Awaited<ReturnType<typeof pageRows>>) => rows.filter((row) => row.area !== 'total' && row.cells.some((cell) => cell !== '0')).map((row) => [row.label, ...row.cells]);

describe('the 2025 reform in the district summary', () => {
  it('never counts a report dated 11/03/2025 under Xã Yên Châu, which exists only from 01/07/2025', async () => {
    const $ = html((await head.get(`/reports/districts?${period}&level=commune&group=rounds`)).body);
    const rows = $(`#summary-table tr[data-area="${ids.yenChauCommune}"]`);
    // Only the August report on the restaurant counts under the new commune.
    expect(rows).toHaveLength(1);
    expect(rows.find('td[data-figure="reportsApproved"]').text().trim()).toBe('1');
    const list = html((await head.get(rows.find('td[data-figure="reportsApproved"] a').attr('href')!)).body);
    expect(list('#checks-table tbody tr')).toHaveLength(1);
    expect(textOf(list, '#checks-table tbody')).toContain('05/08/2025');
  });

  it('by commune, rolls work before the reform up to the old district (or the old commune where known), and after it under the new communes', async () => {
    const rows = await pageRows(`${period}&level=commune`);
    // [label, rounds, venues checked, approved, pending, outreach sessions, participants]
    expect(busy(rows)).toEqual([
      ['Huyện Bắc Yên (đến 30/06/2025, không rõ xã cũ)', '1', '0', '0', '1', '0', '0'],
      ['Huyện Yên Châu (đến 30/06/2025, không rõ xã cũ)', '1', '2', '2', '0', '1', '30'],
      ['Xã Phiêng Khoài cũ, Huyện Yên Châu (đến 30/06/2025)', '0', '1', '1', '0', '0', '0'],
      ['Xã Phiêng Khoài (từ 01/07/2025)', '1', '1', '1', '0', '0', '0'],
      ['Xã Yên Châu (từ 01/07/2025)', '1', '1', '1', '0', '1', '40'],
      ['Huyện Yên Châu cũ (từ 01/07/2025, không rõ xã mới)', '0', '1', '1', '0', '0', '0'],
    ]);
    // Every unit of its time shows: the 12 old districts before, the 75 new communes after.
    expect(rows.filter((row) => row.part === 'before' && row.kind === 'unknownOldCommune')).toHaveLength(12);
    expect(rows.filter((row) => row.part === 'after' && row.kind === 'commune')).toHaveLength(75);
    expect(rows.at(-1)!.cells).toEqual(['3', '6', '6', '1', '2', '70']);
  });

  it('by district, shows the old districts before the reform and the new communes rolled up to them after it', async () => {
    const rows = await pageRows(period);
    expect(busy(rows)).toEqual([
      ['Huyện Bắc Yên (đến 30/06/2025)', '1', '0', '0', '1', '0', '0'],
      ['Huyện Yên Châu (đến 30/06/2025)', '1', '3', '3', '0', '1', '30'],
      ['Các xã, phường mới từ Huyện Yên Châu (từ 01/07/2025)', '1', '3', '3', '0', '1', '40'],
    ]);
    expect(rows).toHaveLength(25); // 12 districts on each side and the total
    expect(rows.at(-1)!.cells).toEqual(['3', '6', '6', '1', '2', '70']);
  });

  it('shows a period on one side of the reform under that side’s units only, with no note', async () => {
    const before = await pageRows('from=01/01/2025&to=30/06/2025&level=commune');
    expect(busy(before)).toEqual([
      ['Huyện Bắc Yên (đến 30/06/2025, không rõ xã cũ)', '1', '0', '0', '1', '0', '0'],
      ['Huyện Yên Châu (đến 30/06/2025, không rõ xã cũ)', '1', '2', '2', '0', '1', '30'],
      ['Xã Phiêng Khoài cũ, Huyện Yên Châu (đến 30/06/2025)', '0', '1', '1', '0', '0', '0'],
    ]);
    expect(before.every((row) => row.area === 'total' || row.part === 'before')).toBe(true);
    const after = await pageRows('from=01/07/2025&to=31/12/2025');
    expect(busy(after)).toEqual([['Các xã, phường mới từ Huyện Yên Châu (từ 01/07/2025)', '1', '3', '3', '0', '1', '40']]);
    expect(html((await head.get('/reports/districts?from=01/07/2025&to=31/12/2025')).body)('#reform-note')).toHaveLength(0);
    // The two sides add up to the whole year's total.
    const whole = (await pageRows(period)).at(-1)!.cells.map(Number);
    const sum = before.at(-1)!.cells.map((cell, index) => Number(cell) + Number(after.at(-1)!.cells[index]));
    expect(sum).toEqual(whole);
  });

  it('links each row’s figures to exactly its records: its unit, on its side of the reform', async () => {
    const $ = html((await head.get(`/reports/districts?${period}&level=commune&group=rounds`)).body);
    const counted = async (selector: string) => {
      const cell = $(`#summary-table tr${selector} td[data-figure="reportsApproved"]`);
      const list = html((await head.get(cell.find('a').attr('href')!)).body);
      return [Number(cell.text().trim()), list('#checks-table tbody tr').length];
    };
    for (const selector of [
      `[data-area="${ids.yenChau}"][data-kind="unknownOldCommune"]`,
      `[data-area="${ids.yenChau}"][data-kind="unknownNewCommune"]`,
      '[data-kind="oldCommune"]',
      `[data-area="${ids.phiengKhoai}"]`,
    ]) {
      const [figure, listed] = await counted(selector);
      expect(listed, selector).toBe(figure);
    }
    const byDistrict = html((await head.get(`/reports/districts?${period}&group=rounds`)).body);
    for (const part of ['before', 'after']) {
      const cell = byDistrict(`#summary-table tr[data-area="${ids.yenChau}"][data-part="${part}"] td[data-figure="reportsApproved"]`);
      const list = html((await head.get(cell.find('a').attr('href')!)).body);
      expect(list('#checks-table tbody tr').length, part).toBe(3);
    }
  });

  it('says a period spans the reform on the page and in the CSV, XLSX and PDF, whose rows add up to the same total', async () => {
    const note = 'Kỳ này có cả trước và từ ngày 01/07/2025';
    for (const level of ['district', 'commune']) {
      const query = `${period}&level=${level}`;
      expect(textOf(html((await head.get(`/reports/districts?${query}`)).body), '#reform-note')).toContain(note);

      const csv = parse((await head.get(`/reports/districts.csv?${query}`)).body.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
      expect(csv.at(-1)![0]).toContain(note);
      const header = csv[0]!;
      const body = csv.slice(1, -2);
      const total = csv.at(-2)!;
      expect(total[0]).toBe('Toàn tỉnh (Tỉnh Sơn La)');
      // Rounds are left out: one covering two communes counts in each and once in the total.
      for (const column of ['Cơ sở được kiểm tra', 'Biên bản đã duyệt', 'Biên bản chờ duyệt', 'Buổi tuyên truyền', 'Lượt người tham dự']) {
        const index = header.indexOf(column);
        expect(body.reduce((sum, row) => sum + Number(row[index]), 0), `${level} ${column}`).toBe(Number(total[index]));
      }
      expect(total.slice(1, 5)).toEqual(['3', '6', '6', '1']);
      const labels = body.map((row) => row[0]);
      expect(labels).toContain(level === 'district' ? 'Các xã, phường mới từ Huyện Yên Châu (từ 01/07/2025)' : 'Xã Phiêng Khoài cũ, Huyện Yên Châu (đến 30/06/2025)');

      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await head.get(`/reports/districts.xlsx?${query}`)).rawPayload as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0]!;
      const cells: string[] = [];
      sheet.eachRow((row) => cells.push(String((row.values as unknown[])[1] ?? '')));
      expect(cells.some((cell) => cell.includes(note))).toBe(true);
      expect(cells).toContain('Huyện Yên Châu (đến 30/06/2025' + (level === 'district' ? ')' : ', không rõ xã cũ)'));

      const pdf = await head.get(`/reports/districts.pdf?${query}`);
      const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
      const document = await pdfjs.getDocument({ data: new Uint8Array(pdf.rawPayload), useSystemFonts: false, isEvalSupported: false }).promise;
      let text = '';
      for (let page = 1; page <= document.numPages; page += 1) text += `${(await (await document.getPage(page)).getTextContent()).items.map((item) => ('str' in item ? item.str : '')).join(' ')} `;
      expect(text.replace(/\s+/g, ' ')).toContain(note);
    }
  });

  it('gives no note for a period before the reform in any format', async () => {
    const query = 'from=01/01/2024&to=31/12/2024';
    const csv = (await head.get(`/reports/districts.csv?${query}`)).body;
    expect(csv).not.toContain('01/07/2025');
    expect(html((await head.get(`/reports/districts?${query}`)).body)('#reform-note')).toHaveLength(0);
  });
});

describe('a round’s progress', () => {
  it('counts only venues registered by the round’s last day in its areas: not a restaurant registered later in a commune, nor one in another district', async () => {
    const $ = html((await head.get(`/rounds/${ids.roundP}`)).body);
    expect(textOf($, '.progress-line')).toContain('Đã kiểm tra 1/1 cơ sở');
    expect(textOf($, '.progress-line')).toContain('12/03/2025');
  });

  it('backfills a registration day for venues that had none, from the day they were created in Vietnam', () => {
    const rows = test.app.db.all<{ name: string; registered_on: string }>(sql`select name, registered_on from venues where name in ('Karaoke Bắc Yên', 'Nhà hàng Tà Xùa') order by name`);
    expect(rows).toEqual([
      { name: 'Karaoke Bắc Yên', registered_on: '2025-03-01' },
      { name: 'Nhà hàng Tà Xùa', registered_on: '2025-04-20' },
    ]);
  });
});
