import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { systemActor } from '../../../src/access/actor.js';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { loginAs, type SignedInClient } from '../../helpers/auth.js';
import { createReport, createRoundWithTeam, createSupervisionRecord, createVenue, district } from '../../helpers/factories.js';
import { html, textOf } from '../../helpers/html.js';
import { docxParts, pageText, pdfPages } from '../../helpers/documents.js';

/** A completed round's result document: its page and details form, and its PDF and DOCX, by role and scope. */
let test: TestApp;
let head: SignedInClient;
let admin: SignedInClient;
let auditor: SignedInClient;
let inspector: SignedInClient;
let bacYenAuditor: SignedInClient;
let songMaAuditor: SignedInClient;
let completed: number;
let underWay: number;
const clock = new Date('2026-01-05T03:00:00Z');
const VICTIM_NOTE = 'Cô gái 16 tuổi quê Mường Lạn';

function setStatus(roundId: number, to: 'in_progress' | 'completed') {
  test.app.services.rounds.changeStatus(systemActor('test'), roundId, { to, note: '' });
}

function validForm(overrides: Record<string, string> = {}) {
  return {
    parentBody: '',
    issuingBody: 'Ban Chỉ đạo 138 tỉnh Sơn La',
    number: '7',
    symbol: 'BC-BCĐ',
    place: 'Sơn La',
    documentDate: '05/01/2026',
    summary: 'Kết quả kiểm tra liên ngành cơ sở karaoke năm 2025',
    addressees: '',
    authority: 'TM. BAN CHỈ ĐẠO\nKT. TRƯỞNG BAN',
    signerPosition: 'PHÓ TRƯỞNG BAN',
    signerName: 'Lò Văn Minh',
    recipients: 'UBND huyện Bắc Yên\nCông an tỉnh',
    archive: 'VT, PCMBN',
    version: '0',
    ...overrides,
  };
}

beforeAll(async () => {
  test = await buildTestApp({ now: () => clock, env: { SESSION_IDLE_MINUTES: '43200', SESSION_MAX_HOURS: '720' } });
  head = await loginAs(test.app, 'department_head');
  admin = await loginAs(test.app, 'admin');
  auditor = await loginAs(test.app, 'auditor');
  inspector = await loginAs(test.app, 'inspector');
  bacYenAuditor = await loginAs(test.app, 'auditor', { areaId: district(test.app, 'Bắc Yên').id });
  songMaAuditor = await loginAs(test.app, 'auditor', { areaId: district(test.app, 'Sông Mã').id });
  // A round in Bắc Yên with two approved reports: one with a sign of trafficking (E2) and a licence violation (A1).
  completed = createRoundWithTeam(test.app, [inspector.user.id], { title: 'Kiểm tra liên ngành cơ sở karaoke', decisionNumber: '125/QĐ-BCĐ' });
  setStatus(completed, 'in_progress');
  const first = createVenue(test.app);
  const second = createVenue(test.app);
  const withViolations = createReport(test.app, { roundId: completed, venueId: first, inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'approved', violations: ['E2', 'A1'] });
  createReport(test.app, { roundId: completed, venueId: second, inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'approved' });
  // A draft counts for nothing.
  createReport(test.app, { roundId: completed, venueId: createVenue(test.app), inspectorId: inspector.user.id });
  test.app.db.run(sql`update findings set victim_details = ${VICTIM_NOTE} where check_id = ${withViolations}`);
  setStatus(completed, 'completed');
  underWay = createRoundWithTeam(test.app, [inspector.user.id], { title: 'Đợt đang làm' });
  setStatus(underWay, 'in_progress');
});
afterAll(async () => {
  await test.close();
});

describe('the result page', () => {
  it('shows a head the details form with defaults and the download links', async () => {
    const response = await head.get(`/rounds/${completed}/result`);
    expect(response.statusCode).toBe(200);
    const $ = html(response.body);
    expect($('#result-form input[name="symbol"]').val()).toBe('BC-UBND');
    expect($('#result-form input[name="place"]').val()).toBe('Sơn La');
    expect($('#result-form input[name="documentDate"]').val()).toBe('05/01/2026');
    expect($('#result-form input[name="issuingBody"]').val()).toBe('ỦY BAN NHÂN DÂN TỈNH SƠN LA');
    expect($('#result-form textarea[name="recipients"]').text()).toContain('UBND huyện Bắc Yên');
    expect($('#result-defaults').length).toBe(1);
    expect($(`a[href="/rounds/${completed}/result.pdf"]`).length).toBe(1);
    expect($(`a[href="/rounds/${completed}/result.docx"]`).length).toBe(1);
  });

  it('shows an auditor the details and downloads but no form; an inspector is refused', async () => {
    const $ = html((await auditor.get(`/rounds/${completed}/result`)).body);
    expect($('#result-form').length).toBe(0);
    expect(textOf($, '#result-details')).toContain('BC-UBND');
    expect($(`a[href="/rounds/${completed}/result.pdf"]`).length).toBe(1);
    expect((await inspector.get(`/rounds/${completed}/result`)).statusCode).toBe(403);
    expect((await inspector.get(`/rounds/${completed}/result.pdf`)).statusCode).toBe(403);
  });

  it('follows the reader\'s area: the round\'s district sees it, another district does not', async () => {
    expect((await bacYenAuditor.get(`/rounds/${completed}/result`)).statusCode).toBe(200);
    expect((await bacYenAuditor.get(`/rounds/${completed}/result.docx`)).statusCode).toBe(200);
    expect((await songMaAuditor.get(`/rounds/${completed}/result`)).statusCode).toBe(404);
    expect((await songMaAuditor.get(`/rounds/${completed}/result.pdf`)).statusCode).toBe(404);
  });

  it('says in Vietnamese that a round not completed has no result document', async () => {
    for (const url of [`/rounds/${underWay}/result`, `/rounds/${underWay}/result.pdf`, `/rounds/${underWay}/result.docx`]) {
      const response = await head.get(url);
      expect(response.statusCode, url).toBe(409);
      expect(response.body).toContain('Chỉ lập báo cáo kết quả cho đợt đã hoàn thành');
    }
    const before = test.app.db.get<{ n: number }>(sql`select count(*) as n from round_result_documents`)!.n;
    expect((await head.post(`/rounds/${underWay}/result`, validForm())).statusCode).toBe(409);
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from round_result_documents`)!.n).toBe(before);
  });

  it('links the round page of a completed round to it, for those who may read it', async () => {
    const $ = html((await head.get(`/rounds/${completed}`)).body);
    expect($('#round-result-link').attr('href')).toBe(`/rounds/${completed}/result`);
    expect(html((await auditor.get(`/rounds/${completed}`)).body)('#round-result-link').length).toBe(1);
    expect(html((await inspector.get(`/rounds/${completed}`)).body)('#round-result-link').length).toBe(0);
    expect(html((await head.get(`/rounds/${underWay}`)).body)('#round-result-link').length).toBe(0);
  });
});

describe('saving the details', () => {
  it('refuses bad details with Vietnamese messages beside the fields, keeping what was typed, and writes nothing', async () => {
    const response = await head.post(`/rounds/${completed}/result`, validForm({ issuingBody: ' ', number: 'năm', symbol: 'bc ubnd', documentDate: '31/02/2026', signerPosition: '', signerName: 'Lò Văn Minh' }));
    expect(response.statusCode).toBe(422);
    const $ = html(response.body);
    expect(textOf($, '.error-summary')).toContain('Nhập tên cơ quan ban hành.');
    expect(textOf($, '#field-number-error')).toBe('Số văn bản là số nguyên dương, ví dụ 5.');
    expect(textOf($, '#field-symbol-error')).toContain('Ký hiệu viết hoa, không có khoảng trắng');
    expect(textOf($, '#field-documentDate-error')).not.toBe('');
    expect(textOf($, '#field-signerPosition-error')).toBe('Nhập chức vụ người ký.');
    expect($('input[name="symbol"]').val()).toBe('bc ubnd');
    expect($('input[name="number"]').val()).toBe('năm');
    expect($('input[name="signerName"]').val()).toBe('Lò Văn Minh');
    expect($('textarea[name="authority"]').text()).toBe('TM. BAN CHỈ ĐẠO\nKT. TRƯỞNG BAN');
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from round_result_documents`)!.n).toBe(0);
  });

  it('saves the details, audited, then refuses a stale form with 409 and keeps what was saved', async () => {
    const saved = await head.post(`/rounds/${completed}/result`, validForm());
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/rounds/${completed}/result`);
    const row = test.app.db.get<{ symbol: string; number: number; version: number; authority: string }>(sql`select symbol, number, version, authority from round_result_documents where round_id = ${completed}`)!;
    expect(row).toEqual({ symbol: 'BC-BCĐ', number: 7, version: 1, authority: 'TM. BAN CHỈ ĐẠO\nKT. TRƯỞNG BAN' });
    const entry = test.app.db.get<{ action: string; changes: string; user_id: number }>(sql`select action, changes, user_id from audit_log where record_type = 'round_result' and record_id = ${completed} order by id desc limit 1`)!;
    expect(entry.action).toBe('create');
    expect(entry.user_id).toBe(head.user.id);
    expect(JSON.parse(entry.changes).symbol).toEqual([null, 'BC-BCĐ']);

    // Someone else's form, loaded before the save, comes back with 409 and what they typed.
    const stale = await admin.post(`/rounds/${completed}/result`, validForm({ signerName: 'Người khác', version: '0' }));
    expect(stale.statusCode).toBe(409);
    const $ = html(stale.body);
    expect($('#result-conflict').length).toBe(1);
    expect($('input[name="signerName"]').val()).toBe('Người khác');
    expect($('input[name="version"]').val()).toBe('1');
    expect(test.app.db.get<{ signer_name: string }>(sql`select signer_name from round_result_documents where round_id = ${completed}`)!.signer_name).toBe('Lò Văn Minh');

    // Saved over the current version, it is an update.
    expect((await admin.post(`/rounds/${completed}/result`, validForm({ number: '', version: '1' }))).statusCode).toBe(303);
    const after = test.app.db.get<{ number: number | null; version: number }>(sql`select number, version from round_result_documents where round_id = ${completed}`)!;
    expect(after).toEqual({ number: null, version: 2 });
    expect(test.app.db.get<{ action: string }>(sql`select action from audit_log where record_type = 'round_result' order by id desc limit 1`)!.action).toBe('update');
    expect((await admin.post(`/rounds/${completed}/result`, validForm({ version: '2' }))).statusCode).toBe(303);
  });

  it('refuses an auditor', async () => {
    expect((await auditor.post(`/rounds/${completed}/result`, validForm({ version: '3' }))).statusCode).toBe(403);
  });
});

describe('the files', () => {
  it('sends the PDF with its type and name, built from the round\'s records and details, without victim details', async () => {
    const response = await head.get(`/rounds/${completed}/result.pdf`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="bao-cao-ket-qua-dot-${completed}.pdf"`);
    const { pages } = await pdfPages(response.rawPayload);
    const text = pages.map(pageText).join(' ');
    expect(text).toContain('BAN CHỈ ĐẠO 138');
    expect(text).toContain('Số: 07/BC-BCĐ');
    expect(text).toContain('Sơn La, ngày 05 tháng 01 năm 2026');
    expect(text).toContain('BÁO CÁO');
    expect(text).toContain('Thực hiện Quyết định số 125/QĐ-BCĐ');
    expect(text).toContain('I. MỤC ĐÍCH, YÊU CẦU VÀ QUÁ TRÌNH TRIỂN KHAI');
    expect(text).toContain('II. KẾT QUẢ KIỂM TRA, GIÁM SÁT');
    expect(text).toContain('1. Huyện Bắc Yên');
    expect(text).toContain('Số cơ sở được kiểm tra: 2;');
    expect(text).toContain('Số vi phạm phát hiện: 2;');
    expect(text).toContain('Dấu hiệu liên quan đến mua bán người: 1, đã chuyển cơ quan chức năng: 0.');
    expect(text).toContain('Nơi nhận:');
    expect(text).toContain('- UBND huyện Bắc Yên;');
    expect(text).toContain('- Lưu: VT, PCMBN.');
    expect(text).toContain('PHÓ TRƯỞNG BAN');
    expect(text).not.toContain('Mường Lạn');
    // No supervision yet: the document says nothing of it.
    expect(text).not.toContain('Kết quả giám sát');
    expect(text).not.toContain('KIẾN NGHỊ');
    const entry = test.app.db.get<{ changes: string }>(sql`select changes from audit_log where action = 'export' order by id desc limit 1`)!;
    expect(JSON.parse(entry.changes)).toEqual({ kind: 'roundResult', round: completed, format: 'pdf' });
  });

  it('sends the DOCX with its type and name and the same content', async () => {
    const response = await auditor.get(`/rounds/${completed}/result.docx`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="bao-cao-ket-qua-dot-${completed}.docx"`);
    const { paragraphs, text } = await docxParts(response.rawPayload);
    expect(paragraphs).toContain('Số: 07/BC-BCĐ');
    expect(paragraphs).toContain('Sơn La, ngày 05 tháng 01 năm 2026');
    expect(paragraphs).toContain('1. Huyện Bắc Yên');
    expect(paragraphs).toContain('- Số cơ sở được kiểm tra: 2;');
    expect(paragraphs).toContain('- Lưu: VT, PCMBN.');
    expect(paragraphs).toContain('Lò Văn Minh');
    expect(text).not.toContain('Mường Lạn');
  });

  it('carries the round\'s approved supervision records: the authority, its recommendations with their due dates, in PDF and DOCX', async () => {
    const record = createSupervisionRecord(test.app, { ownerId: inspector.user.id, reviewerId: head.user.id, status: 'approved', recommendations: 2 });
    setStatus(record.roundId, 'in_progress');
    setStatus(record.roundId, 'completed');
    const pdf = await head.get(`/rounds/${record.roundId}/result.pdf`);
    expect(pdf.statusCode).toBe(200);
    const text = (await pdfPages(pdf.rawPayload)).pages.map(pageText).join(' ');
    expect(text).toContain('Kết quả giám sát UBND huyện Bắc Yên');
    expect(text).toContain('KIẾN NGHỊ');
    expect(text).toContain('Kiến nghị 1');
    expect(text).toContain('Kiến nghị 2');
    expect(text).toContain('30/06/2025');
    const { text: docx } = await docxParts((await auditor.get(`/rounds/${record.roundId}/result.docx`)).rawPayload);
    expect(docx).toContain('Kiến nghị 1');
    expect(docx).toContain('Kiến nghị 2');
    // Another district's auditor does not get this round at all.
    expect((await songMaAuditor.get(`/rounds/${record.roundId}/result.pdf`)).statusCode).toBe(404);
  });
});
