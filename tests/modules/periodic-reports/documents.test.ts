import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { loginAs, type SignedInClient } from '../../helpers/auth.js';
import { district, outreachForm } from '../../helpers/factories.js';
import { docxParts, pageText, pdfPages } from '../../helpers/documents.js';
import { html } from '../../helpers/html.js';
import type { ReportSnapshot } from '../../../src/modules/periodic-reports/index.js';
import { translator } from '../../../src/i18n/index.js';

let test: TestApp;
let provinceHead: SignedInClient;
let bacYenHead: SignedInClient;
let songMaHead: SignedInClient;
let auditor: SignedInClient;
let inspector: SignedInClient;
let accepted: number;
let draft: number;

const narrative = { assessment: 'Hoàn thành kế hoạch quý.\nKiểm tra đủ các cơ sở trọng điểm.', difficulties: 'Thiếu kinh phí.', proposals: 'Đề nghị tỉnh hỗ trợ kinh phí tuyên truyền.', nextTasks: 'Kiểm tra các nhà nghỉ.' };

function version(reportId: number): string {
  return String(test.app.db.get<{ version: number }>(sql`select version from periodic_reports where id = ${reportId}`)!.version);
}

async function build(client: SignedInClient, periodId: number, areaId: number): Promise<number> {
  const response = await client.post('/periodic-reports', { periodId: String(periodId), areaId: String(areaId) });
  expect(response.statusCode, response.body.slice(0, 400)).toBe(303);
  return Number(String(response.headers.location).split('/').pop());
}

/** Every figure of the snapshot as its files write it: [label, shown value]; victim counts of 1–4 as "<5". */
function snapshotFigures(reportId: number): Array<[string, string]> {
  const t = translator('vi');
  const snapshot = JSON.parse(test.app.db.get<{ snapshot: string }>(sql`select snapshot from periodic_reports where id = ${reportId}`)!.snapshot) as ReportSnapshot;
  return snapshot.sections.flatMap((section) =>
    section.figures.map((figure): [string, string] => {
      const label = figure.labelText ? t(figure.label, { name: figure.labelText }) : t(figure.label);
      const value = figure.victim && figure.value > 0 && figure.value < 5 ? '<5' : new Intl.NumberFormat('vi-VN').format(figure.value) + (figure.unit === 'vnd' ? ' đ' : '');
      return [label, value];
    }),
  );
}

/**
 * Q1/2025 in Bắc Yên (districts report to the province): one outreach session of 40 people and 3 victims returned
 * (a small cell); the district's report submitted and accepted. Sông Mã's report stays a draft.
 */
beforeAll(async () => {
  test = await buildTestApp({ now: () => new Date('2025-10-20T03:00:00Z'), env: { SESSION_IDLE_MINUTES: '43200' } });
  const admin = await loginAs(test.app, 'admin');
  provinceHead = await loginAs(test.app, 'department_head');
  bacYenHead = await loginAs(test.app, 'department_head', { areaId: district(test.app, 'Bắc Yên').id });
  songMaHead = await loginAs(test.app, 'department_head', { areaId: district(test.app, 'Sông Mã').id });
  auditor = await loginAs(test.app, 'auditor');
  inspector = await loginAs(test.app, 'inspector');
  const bacYen = district(test.app, 'Bắc Yên').id;
  expect((await provinceHead.post('/outreach', outreachForm({ activityDate: '15/03/2025', areaId: String(bacYen), participantsTotal: '40', participantsWomen: '20' }))).statusCode).toBe(303);
  expect((await provinceHead.post('/victim-support', { areaId: String(bacYen), year: '2025', quarter: '1', 'returned-female-adult': '3', 'supported-female-adult': '3' })).statusCode).toBe(303);
  const period = await admin.post('/admin/reporting-periods', { kind: 'quarterly', campaignId: '', dueCommune: '', version: '', title: 'Quý I/2025', periodStart: '01/01/2025', periodEnd: '31/03/2025', dueDistrict: '05/04/2025', dueProvince: '10/04/2025' });
  expect(period.statusCode).toBe(303);
  const q1 = test.app.db.get<{ id: number }>(sql`select max(id) as id from reporting_periods`)!.id;
  accepted = await build(bacYenHead, q1, bacYen);
  expect((await bacYenHead.post(`/periodic-reports/${accepted}/submission`, { ...narrative, version: version(accepted) })).statusCode).toBe(303);
  expect((await provinceHead.post(`/periodic-reports/${accepted}/review`, { decision: 'accept', comment: '' })).statusCode).toBe(303);
  draft = await build(songMaHead, q1, district(test.app, 'Sông Mã').id);
});
afterAll(async () => {
  await test.close();
});

describe('a periodic report as PDF and DOCX', () => {
  it('links the PDF, DOCX and XLSX from the report page', async () => {
    const $ = html((await auditor.get(`/periodic-reports/${accepted}`)).body);
    expect($('#pdf-link').attr('href')).toBe(`/periodic-reports/${accepted}/report.pdf`);
    expect($('#docx-link').attr('href')).toBe(`/periodic-reports/${accepted}/report.docx`);
    expect($('#xlsx-link').attr('href')).toBe(`/periodic-reports/${accepted}/figures.xlsx`);
  });

  it('sends the PDF in the administrative layout with the snapshot’s figures, victims as "<5", the narrative and "Nơi nhận"; the download is audited', async () => {
    const response = await auditor.get(`/periodic-reports/${accepted}/report.pdf`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="bao-cao-dinh-ky-${accepted}-lan-1.pdf"`);
    expect(response.headers['x-offline']).toBe('never');
    const text = (await pdfPages(response.rawPayload)).pages.map(pageText).join(' ');
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(text).toContain('BÁO CÁO');
    expect(text).not.toContain('DỰ THẢO');
    expect(text).toContain('Báo cáo kết quả công tác phòng, chống mua bán người');
    expect(text).toContain('Bắc Yên');
    expect(text).toContain('Quý I/2025');
    expect(text).toContain('Bắc Yên, ngày 20 tháng 10 năm 2025');
    expect(text).toContain('Hoàn thành kế hoạch quý.');
    expect(text).toContain('Đề nghị tỉnh hỗ trợ kinh phí tuyên truyền.');
    expect(text).toContain('Nơi nhận:');
    expect(text).toContain('- Lưu: VT, BCĐ.');
    expect(text).toContain('TRƯỞNG BAN');
    for (const [label, value] of snapshotFigures(accepted)) expect(text, label).toContain(`${label} ${value}`);
    expect(text).toContain('Nạn nhân trở về <5');
    expect(text).toContain('Lượt người tham dự 40');
    const entry = test.app.db.get<{ changes: string; record_type: string }>(sql`select changes, record_type from audit_log where action = 'export' order by id desc limit 1`)!;
    expect(entry.record_type).toBe('periodic_report');
    expect(JSON.parse(entry.changes)).toEqual({ format: 'pdf', edition: 1 });
  });

  it('sends the DOCX with the same figures as the snapshot and the XLSX', async () => {
    const response = await bacYenHead.get(`/periodic-reports/${accepted}/report.docx`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="bao-cao-dinh-ky-${accepted}-lan-1.docx"`);
    expect(response.headers['x-offline']).toBe('never');
    const { paragraphs, text } = await docxParts(response.rawPayload);
    expect(paragraphs).toContain('BÁO CÁO');
    expect(text).toContain('Bắc Yên');
    expect(paragraphs).toContain('Hoàn thành kế hoạch quý.');
    expect(paragraphs).toContain('Kiểm tra đủ các cơ sở trọng điểm.');
    expect(paragraphs).toContain('Nơi nhận:');
    // A table cell is a paragraph: a figure's value follows its label.
    const docxValue = (label: string) => paragraphs[paragraphs.indexOf(label) + 1];
    const figures = snapshotFigures(accepted);
    for (const [label, value] of figures) expect(docxValue(label), label).toBe(value);
    expect(docxValue('Nạn nhân trở về')).toBe('<5');

    const xlsx = await bacYenHead.get(`/periodic-reports/${accepted}/figures.xlsx`);
    const { default: excel } = await import('exceljs');
    const workbook = new excel.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const xlsxValues = new Map<string, string>();
    sheet.eachRow((row, number) => {
      if (number > 2) xlsxValues.set(String(row.getCell(2).value), String(row.getCell(3).value));
    });
    expect(xlsxValues.size).toBe(figures.length);
    for (const [label, value] of figures) expect(xlsxValues.get(label), label).toBe(value.replace(/\./g, '').replace(/ đ$/, ''));
  });

  it('builds a draft’s documents from the figures as they stand now, marked "Dự thảo" and unsigned', async () => {
    const pdf = await songMaHead.get(`/periodic-reports/${draft}/report.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-disposition']).toBe(`attachment; filename="bao-cao-dinh-ky-${draft}-lan-1-du-thao.pdf"`);
    const text = (await pdfPages(pdf.rawPayload)).pages.map(pageText).join(' ');
    expect(text).toContain('DỰ THẢO BÁO CÁO');
    expect(text).toContain('Sông Mã');
    expect(text).toContain('Bản dự thảo');
    const { paragraphs } = await docxParts((await provinceHead.get(`/periodic-reports/${draft}/report.docx`)).rawPayload);
    expect(paragraphs).toContain('DỰ THẢO BÁO CÁO');
    const entry = test.app.db.get<{ changes: string }>(sql`select changes from audit_log where action = 'export' order by id desc limit 1`)!;
    expect(JSON.parse(entry.changes)).toEqual({ format: 'docx', edition: 1, draft: true });
  });

  it('keeps the area’s scope: another district’s head gets 404, an inspector 403', async () => {
    expect((await songMaHead.get(`/periodic-reports/${accepted}/report.pdf`)).statusCode).toBe(404);
    expect((await songMaHead.get(`/periodic-reports/${accepted}/report.docx`)).statusCode).toBe(404);
    expect((await inspector.get(`/periodic-reports/${accepted}/report.pdf`)).statusCode).toBe(403);
  });
});
