import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { loginAs, type SignedInClient } from '../../helpers/auth.js';
import { actorOf, commune, createReport, createRoundWithTeam, createVenue, district, outreachForm } from '../../helpers/factories.js';
import { html } from '../../helpers/html.js';
import { convertWithOffice, office } from '../../helpers/office.js';
import { snapshotToDocument, type ReportSnapshot } from '../../../src/modules/periodic-reports/index.js';
import { translator } from '../../../src/i18n/index.js';

let test: TestApp;
let admin: SignedInClient;
let provinceHead: SignedInClient;
let bacYenHead: SignedInClient;
let songMaHead: SignedInClient;
let auditor: SignedInClient;
let inspector: SignedInClient;
let q1: number;
let pendingReport: number;

/** A figure's value as the report page shows it (its data-figure cell in a section). */
function figure(page: string, key: string, within = '.report-section'): string {
  return html(page)(`${within} tr[data-figure="${key}"] td.figure-value`).first().text().trim();
}

async function createPeriod(fields: Record<string, string>): Promise<number> {
  const response = await admin.post('/admin/reporting-periods', { kind: 'quarterly', campaignId: '', dueCommune: '', dueDistrict: '', version: '', ...fields });
  expect(response.statusCode, response.body.slice(0, 400)).toBe(303);
  return test.app.db.get<{ id: number }>(sql`select max(id) as id from reporting_periods`)!.id;
}

async function build(client: SignedInClient, periodId: number, areaId: number): Promise<number> {
  const response = await client.post('/periodic-reports', { periodId: String(periodId), areaId: String(areaId) });
  expect(response.statusCode, response.body.slice(0, 400)).toBe(303);
  return Number(String(response.headers.location).split('/').pop());
}

function version(reportId: number): string {
  return String(test.app.db.get<{ version: number }>(sql`select version from periodic_reports where id = ${reportId}`)!.version);
}

const narrative = { assessment: 'Hoàn thành kế hoạch quý.\nKiểm tra đủ các cơ sở trọng điểm.', difficulties: 'Thiếu kinh phí.', proposals: 'Đề nghị tỉnh hỗ trợ kinh phí tuyên truyền.', nextTasks: 'Kiểm tra các nhà nghỉ.' };

/**
 * Hand-counted fixture, Q1/2025 in Bắc Yên (before the reform, so districts report to the province):
 * one round under way; venues A and B with one approved report each (A: violations A1 and E2; B: G1), a report
 * on venue C awaiting review; 5 staff counselled per report; one outreach session of 40 people, 20 women;
 * 3 victims returned in Q1 (a small cell).
 */
beforeAll(async () => {
  test = await buildTestApp({ now: () => new Date('2025-10-20T03:00:00Z'), env: { SESSION_IDLE_MINUTES: '43200' } });
  admin = await loginAs(test.app, 'admin');
  provinceHead = await loginAs(test.app, 'department_head');
  bacYenHead = await loginAs(test.app, 'department_head', { areaId: district(test.app, 'Bắc Yên').id });
  songMaHead = await loginAs(test.app, 'department_head', { areaId: district(test.app, 'Sông Mã').id });
  auditor = await loginAs(test.app, 'auditor');
  inspector = await loginAs(test.app, 'inspector');

  const round = createRoundWithTeam(test.app, [inspector.user.id], { title: 'Bắc Yên tháng 3' });
  test.app.db.run(sql`update rounds set status = 'in_progress' where id = ${round}`);
  const venueA = createVenue(test.app, { name: 'Karaoke Ánh Sao' });
  const venueB = createVenue(test.app, { name: 'Nhà hàng Suối Cá', kind: 'restaurant' });
  const venueC = createVenue(test.app, { name: 'Karaoke Đêm Xanh' });
  createReport(test.app, { roundId: round, venueId: venueA, inspectorId: inspector.user.id, reviewerId: provinceHead.user.id, status: 'approved', violations: ['A1', 'E2'] });
  createReport(test.app, { roundId: round, venueId: venueB, inspectorId: inspector.user.id, reviewerId: provinceHead.user.id, status: 'approved', violations: ['G1'] });
  pendingReport = createReport(test.app, { roundId: round, venueId: venueC, inspectorId: inspector.user.id, status: 'submitted' });
  const outreach = await provinceHead.post('/outreach', outreachForm({ activityDate: '15/03/2025', areaId: String(district(test.app, 'Bắc Yên').id), participantsTotal: '40', participantsWomen: '20' }));
  expect(outreach.statusCode).toBe(303);
  const victims = await provinceHead.post('/victim-support', { areaId: String(district(test.app, 'Bắc Yên').id), year: '2025', quarter: '1', 'returned-female-adult': '3', 'supported-female-adult': '3' });
  expect(victims.statusCode).toBe(303);

  q1 = await createPeriod({ title: 'Quý I/2025', periodStart: '01/01/2025', periodEnd: '31/03/2025', dueDistrict: '05/04/2025', dueProvince: '10/04/2025' });
});
afterAll(async () => {
  await test.close();
});

describe('reporting periods', () => {
  it('refuses a period with missing or reversed dates, in Vietnamese, keeping what was typed', async () => {
    const response = await admin.post('/admin/reporting-periods', { kind: 'yearly', title: 'Năm 2025 (thử)', periodStart: '31/12/2025', periodEnd: '01/01/2025', dueDistrict: '', dueCommune: '', dueProvince: '' });
    expect(response.statusCode).toBe(422);
    const $ = html(response.body);
    expect($('#field-periodEnd-error').text()).toContain('Ngày kết thúc phải bằng hoặc sau ngày bắt đầu');
    expect($('#field-dueProvince-error').text()).toContain('Nhập ngày');
    expect($('#field-title').val()).toBe('Năm 2025 (thử)');
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from reporting_periods where title = 'Năm 2025 (thử)'`)!.n).toBe(0);
  });

  it('lists the schedule for admins with each level’s due date', async () => {
    const page = await admin.get('/admin/reporting-periods');
    expect(page.statusCode).toBe(200);
    expect(html(page.body)('#periods').text()).toContain('Quý I/2025');
    expect(html(page.body)('#periods').text()).toContain('Huyện: 05/04/2025');
  });
});

describe('a report built from the records', () => {
  let reportId: number;

  it('gives the hand-counted figures, equal to the district summary for the same area and period', async () => {
    reportId = await build(bacYenHead, q1, district(test.app, 'Bắc Yên').id);
    const page = await bacYenHead.get(`/periodic-reports/${reportId}`);
    expect(page.statusCode).toBe(200);
    const expected = { rounds: '1', venuesChecked: '2', reportsApproved: '2', reportsPending: '1', staffCounselled: '10', violations: '3', outreachSessions: '1', participants: '40', women: '20', victimsReturned: '3' };
    for (const [key, value] of Object.entries(expected)) expect(figure(page.body, key), key).toBe(value);
    const summary = test.app.services.summaries.summarise(actorOf(test.app, bacYenHead.user.id), { from: '2025-01-01', to: '2025-03-31', level: 'district' });
    for (const key of Object.keys(expected)) expect(figure(page.body, key), key).toBe(String(summary.total[key as keyof typeof summary.total]));
    // Each figure leads to the records behind it, as the summary's does.
    expect(html(page.body)('tr[data-figure="reportsApproved"] a').attr('href')).toBe(`/checks?from=01%2F01%2F2025&to=31%2F03%2F2025&area=${district(test.app, 'Bắc Yên').id}&status=approved&current=1`);
  });

  it('shows victim counts of 1–4 as "<5" to an auditor, exactly to heads', async () => {
    expect(figure((await auditor.get(`/periodic-reports/${reportId}`)).body, 'victimsReturned')).toBe('<5');
    expect(figure((await bacYenHead.get(`/periodic-reports/${reportId}`)).body, 'victimsReturned')).toBe('3');
  });

  it('answers 422 with Vietnamese messages and keeps every word typed when submitting without an assessment', async () => {
    const response = await bacYenHead.post(`/periodic-reports/${reportId}/submission`, { ...narrative, assessment: '', version: version(reportId) });
    expect(response.statusCode).toBe(422);
    const $ = html(response.body);
    expect($('#field-assessment-error').text()).toContain('Cần có đánh giá chung');
    expect($('#field-difficulties').text()).toBe(narrative.difficulties);
    expect($('#field-proposals').text()).toBe(narrative.proposals);
    expect(test.app.db.get<{ status: string }>(sql`select status from periodic_reports where id = ${reportId}`)!.status).toBe('draft');
  });

  it('answers 409 to a stale form and keeps what was typed', async () => {
    const stale = version(reportId);
    expect((await bacYenHead.post(`/periodic-reports/${reportId}`, { ...narrative, version: stale })).statusCode).toBe(303);
    const response = await bacYenHead.post(`/periodic-reports/${reportId}`, { ...narrative, assessment: 'Bản khác', version: stale });
    expect(response.statusCode).toBe(409);
    expect(html(response.body)('#field-assessment').text()).toBe('Bản khác');
    expect(html(response.body)('#narrative-conflict').text()).toContain('người khác');
  });

  it('lets only the area’s own heads save and submit (another district’s head gets 404, an auditor 403)', async () => {
    expect((await songMaHead.get(`/periodic-reports/${reportId}`)).statusCode).toBe(404);
    expect((await songMaHead.post(`/periodic-reports/${reportId}`, { ...narrative, version: version(reportId) })).statusCode).toBe(404);
    expect((await auditor.post(`/periodic-reports/${reportId}/submission`, { ...narrative, version: version(reportId) })).statusCode).toBe(403);
    // A head of the whole province reads it but does not write a district's report.
    expect((await provinceHead.post(`/periodic-reports/${reportId}`, { ...narrative, version: version(reportId) })).statusCode).toBe(403);
    expect((await inspector.get(`/periodic-reports/${reportId}`)).statusCode).toBe(403);
  });

  it('submit → accept → a record changes → the change and the figure’s difference show → edition 2 keeps edition 1', async () => {
    const submitted = await bacYenHead.post(`/periodic-reports/${reportId}/submission`, { ...narrative, version: version(reportId) });
    expect(submitted.statusCode).toBe(303);
    const row = test.app.db.get<{ status: string; snapshot: string }>(sql`select status, snapshot from periodic_reports where id = ${reportId}`)!;
    expect(row.status).toBe('submitted');
    const snapshot = JSON.parse(row.snapshot) as ReportSnapshot;
    expect(snapshot.narrative.assessment).toBe(narrative.assessment);
    expect(snapshot.sections.find((section) => section.key === 'inspections')!.figures.find((f) => f.key === 'reportsApproved')!.value).toBe(2);

    // The district head cannot accept their own report; the province's head sees it in the inbox.
    expect((await bacYenHead.post(`/periodic-reports/${reportId}/review`, { decision: 'accept', comment: '' })).statusCode).toBe(403);
    expect(html((await provinceHead.get('/periodic-reports/inbox')).body)('#inbox').text()).toContain('Bắc Yên');
    expect((await provinceHead.post(`/periodic-reports/${reportId}/review`, { decision: 'accept', comment: '' })).statusCode).toBe(303);
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log where record_type = 'periodic_report' and record_id = ${reportId} and action = 'status'`)!.n).toBe(2);

    // Later, the report awaiting review is approved: a record inside the area and period changes.
    const reviewed = test.app.services.inspections.review(actorOf(test.app, provinceHead.user.id), pendingReport, 'approve', '');
    expect(reviewed.ok).toBe(true);
    const page = await bacYenHead.get(`/periodic-reports/${reportId}`);
    const $ = html(page.body);
    expect($('#changes-heading').text()).toBe('1 bản ghi đã thay đổi từ khi được chấp nhận');
    expect($('#differences tr[data-figure="reportsApproved"]').text()).toMatch(/2\s*3\s*\+1/);
    expect($('#change-list').text()).toContain(`Biên bản #${pendingReport}`);
    // The frozen figures stay as sent.
    expect(figure(page.body, 'reportsApproved')).toBe('2');

    const corrected = await bacYenHead.post(`/periodic-reports/${reportId}/correction`, { reason: 'Bổ sung biên bản được duyệt sau.' });
    expect(corrected.statusCode).toBe(303);
    const v2 = Number(String(corrected.headers.location).split('/').pop());
    const v2Page = await bacYenHead.get(`/periodic-reports/${v2}`);
    expect(figure(v2Page.body, 'reportsApproved')).toBe('3');
    expect(html(v2Page.body)('#field-assessment').text()).toBe(narrative.assessment);
    const v1Page = await bacYenHead.get(`/periodic-reports/${reportId}`);
    expect(figure(v1Page.body, 'reportsApproved')).toBe('2');
    expect(html(v1Page.body)('#report-status').attr('data-status')).toBe('accepted');
    expect(html(v1Page.body)('#replaced').text()).toContain('bản đính chính');
  });

  it('writes the figures as XLSX that LibreOffice reads back, victims as "<5"', async () => {
    const response = await bacYenHead.get(`/periodic-reports/${reportId}/figures.xlsx`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    if (!office) return;
    const csv = convertWithOffice('report.xlsx', response.rawPayload, 'csv:Text - txt - csv (StarCalc):44,34,76,1', 'csv');
    const rows = parse(csv, { relax_column_count: true }) as string[][];
    const value = (label: string) => rows.find((row) => row[1] === label)?.[2];
    expect(value('Biên bản đã duyệt')).toBe('2');
    expect(value('Lượt người tham dự')).toBe('40');
    expect(value('Nạn nhân trở về')).toBe('<5');
  });

  it('turns a snapshot into the administrative-document model the PDF and DOCX renderers draw', () => {
    const row = test.app.db.get<{ snapshot: string }>(sql`select snapshot from periodic_reports where id = ${reportId}`)!;
    const document = snapshotToDocument(JSON.parse(row.snapshot) as ReportSnapshot, { t: translator('vi'), lang: 'vi', provinceName: test.app.catalog.province.name, parentName: test.app.catalog.province.name });
    expect(document.typeName).toBe('Báo cáo');
    expect(document.summary).toContain('Bắc Yên');
    const headings = document.body.flatMap((block) => (block.kind === 'heading' ? [block.text] : []));
    expect(headings).toContain('Kiểm tra các cơ sở kinh doanh dịch vụ');
    const victims = document.body.findIndex((block) => block.kind === 'heading' && block.text.includes('nạn nhân'));
    expect(document.body[victims + 1]).toMatchObject({ kind: 'table' });
    expect(JSON.stringify(document.body[victims + 1])).toContain('<5');
    expect(document.recipients[0]).toContain(test.app.catalog.province.name);
  });
});

describe('return with comments', () => {
  it('return → the comment shows on the draft → edit → resubmit → accept', async () => {
    const reportId = await build(songMaHead, q1, district(test.app, 'Sông Mã').id);
    expect((await songMaHead.post(`/periodic-reports/${reportId}/submission`, { ...narrative, version: version(reportId) })).statusCode).toBe(303);
    const refused = await provinceHead.post(`/periodic-reports/${reportId}/review`, { decision: 'return', comment: '' });
    expect(refused.statusCode).toBe(422);
    expect(html(refused.body)('#field-comment-error').text()).toContain('ghi ý kiến');
    expect((await provinceHead.post(`/periodic-reports/${reportId}/review`, { decision: 'return', comment: 'Bổ sung số liệu tuyên truyền.' })).statusCode).toBe(303);
    const draft = await songMaHead.get(`/periodic-reports/${reportId}`);
    expect(html(draft.body)('#return-comment').text()).toContain('Bổ sung số liệu tuyên truyền.');
    expect(html(draft.body)('#field-assessment').text()).toBe(narrative.assessment);
    expect((await songMaHead.post(`/periodic-reports/${reportId}/submission`, { ...narrative, assessment: 'Đã bổ sung.', version: version(reportId) })).statusCode).toBe(303);
    expect((await provinceHead.post(`/periodic-reports/${reportId}/review`, { decision: 'accept', comment: '' })).statusCode).toBe(303);
    const steps = test.app.db.all<{ action: string }>(sql`select action from periodic_report_steps where report_id = ${reportId} order by id`);
    expect(steps.map((step) => step.action)).toEqual(['submit', 'return', 'submit', 'accept']);
  });
});

describe('roll-up and the 2025 reform', () => {
  it('sums the communes’ accepted reports and names those not reported (after the reform: communes → province)', async () => {
    const q3 = await createPeriod({ title: 'Quý III/2025', periodStart: '01/07/2025', periodEnd: '30/09/2025', dueCommune: '05/10/2025', dueProvince: '15/10/2025' });
    const [a, b, c] = test.app.catalog.communes.slice(0, 3) as [(typeof test.app.catalog.communes)[number], (typeof test.app.catalog.communes)[number], (typeof test.app.catalog.communes)[number]];
    const heads = [] as SignedInClient[];
    for (const [area, participants] of [[a, '30'], [b, '12'], [c, '7']] as const) {
      const headOf = await loginAs(test.app, 'department_head', { areaId: area.id });
      heads.push(headOf);
      const activity = await headOf.post('/outreach', outreachForm({ activityDate: '15/08/2025', areaId: String(area.id), participantsTotal: participants, participantsWomen: '5' }));
      expect(activity.statusCode, activity.body.slice(0, 300)).toBe(303);
    }
    for (const [index, area] of [a, b].entries()) {
      const id = await build(heads[index]!, q3, area.id);
      expect((await heads[index]!.post(`/periodic-reports/${id}/submission`, { ...narrative, assessment: `Đánh giá của ${area.name}`, version: version(id) })).statusCode).toBe(303);
      expect((await provinceHead.post(`/periodic-reports/${id}/review`, { decision: 'accept', comment: '' })).statusCode).toBe(303);
    }
    await build(heads[2]!, q3, c.id);
    // A district does not report after the reform.
    const district422 = await bacYenHead.post('/periodic-reports', { periodId: String(q3), areaId: String(district(test.app, 'Bắc Yên').id) });
    expect(district422.statusCode).toBe(422);
    expect(district422.body).toContain('từ 01/07/2025 các xã báo cáo trực tiếp lên tỉnh');

    const provinceReport = await build(provinceHead, q3, test.app.catalog.province.id);
    const $ = html((await provinceHead.get(`/periodic-reports/${provinceReport}`)).body);
    expect($('#rollup-totals tr[data-figure="participants"] td').last().text()).toBe('42');
    expect($('#rollup-totals tr[data-figure="outreachSessions"] td').last().text()).toBe('2');
    expect($(`#rollup-missing li[data-area="${c.id}"]`).text()).toContain('đang soạn');
    expect($(`#rollup-missing li[data-area="${a.id}"]`).length).toBe(0);
    expect($(`.rollup-narrative[data-area="${b.id}"]`).text()).toContain(`Đánh giá của ${b.name}`);
    // The province's own figures are computed from every record of the province.
    expect(figure($.html(), 'participants')).toBe('49');
  });

  it('before the reform districts report; a period spanning it is reported by district and says so', async () => {
    const spanning = await createPeriod({ kind: 'six_monthly', title: 'Tháng 6–7/2025', periodStart: '01/06/2025', periodEnd: '31/07/2025', dueDistrict: '05/08/2025', dueProvince: '10/08/2025' });
    const communeHead = await loginAs(test.app, 'department_head', { areaId: commune(test.app, 'Mường Chiên').id });
    const refused = await communeHead.post('/periodic-reports', { periodId: String(spanning), areaId: String(commune(test.app, 'Mường Chiên').id) });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('được báo cáo theo huyện');
    const id = await build(bacYenHead, spanning, district(test.app, 'Bắc Yên').id);
    const page = await bacYenHead.get(`/periodic-reports/${id}`);
    expect(html(page.body)('#reform-note').text()).toContain('01/07/2025');
    const row = test.app.db.get<{ due_district: string | null; due_commune: string | null }>(sql`select due_district, due_commune from reporting_periods where id = ${spanning}`)!;
    expect(row).toEqual({ due_district: '2025-08-05', due_commune: null });
  });
});

describe('home page', () => {
  it('shows a head the reports of their area that are overdue, in Vietnam’s calendar', async () => {
    const songMaCommune = test.app.catalog.communes[5]!;
    const headOf = await loginAs(test.app, 'department_head', { areaId: songMaCommune.id });
    const page = await headOf.get('/');
    const item = html(page.body)('#reports-due li').filter((_, element) => html(page.body)(element).text().includes('Quý III/2025'));
    expect(item.attr('data-state')).toBe('overdue');
    expect(item.text()).toContain('quá hạn (hạn 05/10/2025)');
  });
});
