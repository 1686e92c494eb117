import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { loginAs, type SignedInClient } from '../../helpers/auth.js';
import { createReport, createRound, createVenue, district, outreachForm, roundFields } from '../../helpers/factories.js';
import { html, textOf } from '../../helpers/html.js';

/** Supervision records of area authorities: checklist versions, filing, review, recommendations, summary. */
let test: TestApp;
let clock = new Date('2025-04-12T03:00:00Z');
let head: SignedInClient;
let admin: SignedInClient;
let member: SignedInClient;
let outsider: SignedInClient;
let auditor: SignedInClient;
let otherAreaHead: SignedInClient;
let roundId: number;
let recordId: number;
const songMa = () => district(test.app, 'Sông Mã');

function idFrom(location: unknown): number {
  return Number(String(location).split('#')[0]!.split('/').pop());
}

function version(id: number): string {
  return String(test.app.db.get<{ version: number }>(sql`select version from supervision_records where id = ${id}`)!.version);
}

/** Every item of a record answered "met" (overrides by code), with the record's other fields. */
function answers(id: number, overrides: Record<string, Record<string, string>> = {}) {
  const rows = test.app.db.all<{ item_code: string; figure: number | null }>(sql`select item_code, figure from supervision_answers where record_id = ${id}`);
  const fields: Record<string, string> = {};
  // The form always sends the figures it shows (pre-filled or typed).
  for (const { item_code: code, figure } of rows) Object.assign(fields, { [`answer_${code}`]: 'met', [`note_${code}`]: '', [`figure_${code}`]: figure === null ? '' : String(figure) }, overrides[code] ?? {});
  return fields;
}

async function supervisionRound(client: SignedInClient, overrides: Record<string, string | string[] | number | number[]> = {}): Promise<number> {
  const response = await client.post(
    '/rounds',
    roundFields(test.app, {
      title: 'Kiểm tra, giám sát công tác phòng, chống mua bán người tại huyện Sông Mã',
      purpose: 'supervision',
      areaIds: [songMa().id],
      startDate: '10/04/2025',
      endDate: '12/04/2025',
      teamName: ['', 'Lò Văn Khoa'],
      teamUser: [String(member.user.id), ''],
      teamAgency: ['police', 'home_affairs'],
      teamRole: ['head', 'member'],
      ...overrides,
    }),
  );
  expect(response.statusCode, response.body.slice(0, 400)).toBe(303);
  return idFrom(response.headers.location);
}

beforeAll(async () => {
  test = await buildTestApp({ now: () => clock, env: { SESSION_IDLE_MINUTES: '43200', SESSION_MAX_HOURS: '720' } });
  head = await loginAs(test.app, 'department_head');
  admin = await loginAs(test.app, 'admin');
  member = await loginAs(test.app, 'inspector');
  outsider = await loginAs(test.app, 'inspector');
  auditor = await loginAs(test.app, 'auditor');
  otherAreaHead = await loginAs(test.app, 'department_head', { areaId: district(test.app, 'Mai Sơn').id });

  // What the app already holds for Sông Mã in 2025: outreach, an approved report with a critical finding referred, victims.
  const outreach = (date: string, participants: string) => head.post('/outreach', outreachForm({ activityDate: date, areaId: String(songMa().id), participantsTotal: participants, participantsWomen: '10' }));
  // Loudspeaker broadcasts reach no one who can be counted: output, not a session nor participants.
  const broadcast = head.post('/outreach', outreachForm({ activityDate: '21/03/2025', areaId: String(songMa().id), channels: ['loudspeaker'], 'm-loudspeaker-broadcasts': '3', participantsTotal: '', participantsWomen: '' }));
  for (const response of [await outreach('15/02/2025', '40'), await outreach('20/03/2025', '30'), await broadcast, await outreach('15/12/2024', '99')]) {
    expect(response.statusCode, response.body.slice(0, 300)).toBe(303);
  }
  const venueRound = createRound(test.app, { areaIds: [String(songMa().id)], team: [{ fullName: '', agency: 'police', teamRole: 'member', userId: String(head.user.id) }] });
  const venueId = createVenue(test.app, { areaId: String(songMa().id) });
  const reportId = createReport(test.app, { roundId: venueRound, venueId, inspectorId: head.user.id, reviewerId: admin.user.id, status: 'approved', violations: ['E2'] });
  const finding = test.app.db.get<{ id: number }>(sql`select id from findings where check_id = ${reportId} and severity = 'critical'`)!;
  const referral = await head.post(`/findings/${finding.id}/referral`, { agency: 'police', referredOn: '12/03/2025', reference: 'HS-1', victimDetails: '', version: '1' });
  expect(referral.statusCode, referral.body.slice(0, 300)).toBe(303);
  const victims = await head.post('/victim-support', { areaId: String(songMa().id), year: '2025', quarter: '1', 'returned-female-adult': '6', 'supported-female-adult': '5' });
  expect(victims.statusCode, victims.body.slice(0, 300)).toBe(303);

  roundId = await supervisionRound(head);
});
afterAll(async () => {
  await test.close();
});

describe('the supervision checklist', () => {
  it('is loaded as version 1 of its own code, shown and versioned on the admin pages beside the venue checklist', async () => {
    const rows = test.app.db.all<{ code: string; version: number; status: string; body: string }>(sql`select code, version, status, body from checklist_templates order by id`);
    expect(rows.map((row) => [row.code, row.version, row.status])).toEqual([
      ['venue-inspection', 1, 'published'],
      ['area-supervision', 1, 'published'],
    ]);
    // The venue checklist keeps its shape: no supervision fields on its items.
    expect(rows[0]!.body).not.toContain('basisConfirmed');
    const supervision = JSON.parse(rows[1]!.body) as { items: Array<{ code: string; basis: string; basisConfirmed: boolean; figure?: { unit: string } }> };
    expect(supervision.items.find((item) => item.code === 'O2')!.figure!.unit).toBe('VND');
    expect(supervision.items.find((item) => item.code === 'O1')!.basis).toMatch(/^Thực tiễn; /);
    expect(supervision.items.some((item) => item.basis.includes('(practice)'))).toBe(false);
    const $ = html((await admin.get('/admin/checklists')).body);
    expect(textOf($, 'main')).toContain('Bộ câu hỏi giám sát chính quyền địa bàn');
    const supervisionId = test.app.db.get<{ id: number }>(sql`select id from checklist_templates where code = 'area-supervision'`)!.id;
    const page = html((await admin.get(`/admin/checklists/${supervisionId}`)).body);
    expect(textOf(page, 'tr:contains("O1.")')).toContain('chưa đối chiếu văn bản gốc');
    expect(textOf(page, 'tr:contains("C4.")')).not.toContain('chưa đối chiếu văn bản gốc');
  });
});

describe('a round’s purpose', () => {
  it('is chosen on the form, shown on the round page and list, and filters the list', async () => {
    const $ = html((await head.get(`/rounds/${roundId}`)).body);
    expect(textOf($, '#round-purpose')).toBe('Giám sát chính quyền địa bàn');
    expect(textOf($, '#supervision-areas')).toContain('UBND huyện Sông Mã');
    expect($('#checks-heading').length).toBe(0);
    const list = html((await head.get('/rounds?purpose=venue_check')).body);
    expect(textOf(list, '#rounds-table')).not.toContain('huyện Sông Mã (');
    expect(textOf(html((await head.get('/rounds?purpose=supervision')).body), '#rounds-table')).toContain('Kiểm tra, giám sát công tác');
  });

  it('refuses a venue report in a supervision round and a supervision record in a venue-check round', async () => {
    expect((await head.get(`/rounds/${roundId}/checks/new`)).statusCode).toBe(403);
    const venueRound = createRound(test.app);
    const refused = await head.get(`/rounds/${venueRound}/supervision/new`);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('chỉ kiểm tra cơ sở');
  });

  it('makes the sample rounds supervision rounds', async () => {
    const sample = await buildTestApp({ env: { SAMPLE_DATA: 'true' } });
    try {
      expect(sample.app.db.all(sql`select distinct purpose from rounds where is_sample = 1`)).toEqual([{ purpose: 'supervision' }]);
    } finally {
      await sample.close();
    }
  });
});

describe('filing a supervision record', () => {
  it('lets only the round’s team (and heads) start one, pre-filled from the area’s records of the year to date', async () => {
    expect((await outsider.get(`/rounds/${roundId}/supervision/new`)).statusCode).toBe(403);
    expect((await auditor.post(`/rounds/${roundId}/supervision`, { areaId: String(songMa().id), visitDate: '11/04/2025' })).statusCode).toBe(403);
    const bad = await member.post(`/rounds/${roundId}/supervision`, { areaId: String(songMa().id), visitDate: '01/05/2025' });
    expect(bad.statusCode).toBe(422);
    expect(textOf(html(bad.body), '#field-visitDate-error')).toContain('10/04/2025');
    const response = await member.post(`/rounds/${roundId}/supervision`, { areaId: String(songMa().id), visitDate: '11/04/2025' });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(303);
    recordId = idFrom(response.headers.location);
    const again = await member.post(`/rounds/${roundId}/supervision`, { areaId: String(songMa().id), visitDate: '11/04/2025' });
    expect(again.statusCode).toBe(422);

    const $ = html((await member.get(`/supervision/${recordId}`)).body);
    expect(textOf($, 'h1')).toBe('Biên bản giám sát: UBND huyện Sông Mã');
    expect($('#area-link').attr('href')).toBe(`/areas/${songMa().id}`);
    expect(textOf($, '#figures-period')).toContain('01/01/2025 đến 11/04/2025');
    expect($('#field-figure_C1').val()).toBe('2');
    expect(textOf($, '#prefill-C1')).toContain('từ 2 hoạt động tuyên truyền đã ghi');
    expect($('#field-figure_C2').val()).toBe('70');
    expect(textOf($, '#prefill-C2')).toContain('từ 2 hoạt động tuyên truyền đã ghi');
    expect($('#field-figure_I1').val()).toBe('1');
    expect($('#field-figure_I2').val()).toBe('1');
    expect($('#field-figure_V4').val()).toBe('6');
    expect($('#field-figure_V5').val()).toBe('5');
    expect($('#field-figure_O2').val()).toBe('');
    // A district authority before the reform: commune-only items are left out.
    expect($('#item-V1').length).toBe(0);
    expect($('#item-P1').length).toBe(1);
  });

  it('refuses to submit with unanswered items or a not-met item without a note, in Vietnamese beside the fields, keeping what was typed', async () => {
    const before = version(recordId);
    const empty = await member.post(`/supervision/${recordId}`, { version: before, intent: 'submit', place: 'Trụ sở UBND huyện', visitDate: '11/04/2025' });
    expect(empty.statusCode).toBe(422);
    const $ = html(empty.body);
    expect(textOf($, '#item-P1')).toContain('P1: chưa đánh giá.');
    expect($('#field-place').val()).toBe('Trụ sở UBND huyện');
    const noNote = await member.post(`/supervision/${recordId}`, { ...answers(recordId, { O2: { answer_O2: 'not_met', note_O2: '' } }), version: before, intent: 'submit', visitDate: '11/04/2025', figure_O2: '12.000.000' });
    expect(noNote.statusCode).toBe(422);
    const page = html(noNote.body);
    expect(textOf(page, '#item-O2')).toContain('O2: chưa đạt thì phải ghi rõ lý do.');
    expect(page('#field-figure_O2').val()).toBe('12.000.000');
    expect(version(recordId)).toBe(before);
  });

  it('saves a draft with its version, and refuses a stale form with 409 keeping what was typed', async () => {
    const before = version(recordId);
    const saved = await member.post(`/supervision/${recordId}`, { ...answers(recordId), version: before, intent: 'save', visitDate: '11/04/2025', place: 'Trụ sở UBND huyện', authorityPresent: 'Ông Lò Văn A, Phó Chủ tịch UBND huyện', teamPresent: ['Lò Văn Khoa'] });
    expect(saved.statusCode, saved.body.slice(0, 300)).toBe(303);
    expect(Number(version(recordId))).toBe(Number(before) + 1);
    const stale = await member.post(`/supervision/${recordId}`, { ...answers(recordId), version: before, intent: 'save', visitDate: '11/04/2025', strengths: 'Đã ban hành kế hoạch' });
    expect(stale.statusCode).toBe(409);
    expect(html(stale.body)('#field-strengths').text()).toBe('Đã ban hành kế hoạch');
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log where record_type = 'supervision' and record_id = ${recordId}`)!.n).toBe(2);
  });

  it('takes recommendations while a draft, then submits; others cannot edit it and another area’s head cannot see it', async () => {
    const invalid = await member.post(`/supervision/${recordId}/recommendations`, { body: '', addressee: '', dueDate: '01/01/2025' });
    expect(invalid.statusCode).toBe(422);
    const $ = html(invalid.body);
    expect(textOf($, '#recommendation-form')).toContain('Ghi nội dung kiến nghị.');
    expect(textOf($, '#recommendation-form')).toContain('Thời hạn không được trước ngày giám sát');
    for (const [body, addressee, dueDate] of [
      ['Bố trí kinh phí hỗ trợ nạn nhân trong dự toán năm 2026', 'Ủy ban nhân dân cấp huyện (đến 30/6/2025)', '30/06/2025'],
      ['Kiện toàn Ban Chỉ đạo 138, phân công đầu mối hỗ trợ nạn nhân', 'Công an', '31/12/2025'],
    ]) {
      expect((await member.post(`/supervision/${recordId}/recommendations`, { body, addressee, dueDate })).statusCode).toBe(303);
    }
    expect((await outsider.post(`/supervision/${recordId}`, { ...answers(recordId), version: version(recordId), intent: 'save', visitDate: '11/04/2025' })).statusCode).toBe(403);
    expect((await otherAreaHead.get(`/supervision/${recordId}`)).statusCode).toBe(404);
    const submitted = await member.post(`/supervision/${recordId}`, {
      ...answers(recordId, { O2: { answer_O2: 'not_met', note_O2: 'Chưa bố trí kinh phí riêng' } }),
      version: version(recordId),
      intent: 'submit',
      visitDate: '11/04/2025',
      strengths: 'Đã ban hành kế hoạch năm',
      difficulties: 'Địa bàn rộng, giáp biên giới',
    });
    expect(submitted.statusCode, submitted.body.slice(0, 400)).toBe(303);
    expect(test.app.db.get(sql`select status, not_met_count as notMet from supervision_records where id = ${recordId}`)).toEqual({ status: 'submitted', notMet: 1 });
    // Not followed up before approval.
    expect(textOf(html((await head.get('/recommendations')).body), 'main')).toContain('Chưa có kiến nghị nào được theo dõi');
  });

  it('is reviewed by a head: a return needs a comment, then approval makes its recommendations trackable', async () => {
    expect((await member.post(`/supervision/${recordId}/review`, { decision: 'approve' })).statusCode).toBe(403);
    const noComment = await head.post(`/supervision/${recordId}/review`, { decision: 'return', comment: '' });
    expect(noComment.statusCode).toBe(422);
    expect((await head.post(`/supervision/${recordId}/review`, { decision: 'approve', version: '1' })).statusCode).toBe(409);
    expect((await head.post(`/supervision/${recordId}/review`, { decision: 'approve', version: version(recordId) })).statusCode).toBe(303);
    const list = html((await head.get('/recommendations')).body);
    expect(list('#recommendations-list tbody tr').length).toBe(2);
    expect(textOf(html((await member.get('/')).body), '#home-recommendations')).toContain('Kiện toàn Ban Chỉ đạo 138');
    expect(textOf(html((await head.get('/')).body), '#home-recommendations')).toContain('Bố trí kinh phí');
    expect(html((await outsider.get('/')).body)('#home-recommendations').length).toBe(0);
    const area = html((await auditor.get(`/areas/${songMa().id}`)).body);
    expect(textOf(area, '#area-level')).toContain('Cấp huyện');
    expect(textOf(area, '#area-level')).toContain('30/06/2025');
    expect(textOf(area, '#area-records')).toContain('UBND huyện Sông Mã');
    expect(area('#area-recommendations tbody tr').length).toBe(2);
    expect((await otherAreaHead.get(`/areas/${songMa().id}`)).statusCode).toBe(404);
  });

  it('gives the result document the approved records only, in the agreed shape', async () => {
    const [result, ...rest] = test.app.services.supervision.resultForRound(roundId, 'vi');
    expect(rest).toEqual([]);
    expect(result).toMatchObject({ areaId: songMa().id, areaName: 'Huyện Sông Mã', authority: 'UBND huyện Sông Mã', recordId, visitDate: '2025-04-11', strengths: 'Đã ban hành kế hoạch năm' });
    expect(result!.notMet).toEqual([{ code: 'O2', text: expect.stringContaining('Bố trí kinh phí') as string, note: 'Chưa bố trí kinh phí riêng' }]);
    expect(result!.figures.find((figure) => figure.code === 'C1')).toEqual({ code: 'C1', label: 'Số buổi tuyên truyền trực tiếp', value: 2, unit: 'buổi' });
    expect(result!.recommendations.map((row) => [row.dueDate, row.status])).toEqual([
      ['2025-06-30', 'open'],
      ['2025-12-31', 'open'],
    ]);
    expect(test.app.services.supervision.resultForRound(createRound(test.app), 'vi')).toEqual([]);
  });
});

describe('recommendations', () => {
  const ids = () => test.app.db.all<{ id: number }>(sql`select id from recommendations order by id`).map((row) => row.id);

  it('move open → in progress → done → verified, by the team and heads only, with who and when', async () => {
    const [first] = ids();
    expect((await auditor.post(`/recommendations/${first}/status`, { to: 'in_progress' })).statusCode).toBe(403);
    expect((await outsider.post(`/recommendations/${first}/status`, { to: 'in_progress' })).statusCode).toBe(403);
    expect((await member.post(`/recommendations/${first}/status`, { to: 'in_progress' })).statusCode).toBe(303);
    const asked = await member.post(`/recommendations/${first}/status`, { to: 'done' });
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('Báo kiến nghị này đã thực hiện xong?');
    expect((await member.post(`/recommendations/${first}/status`, { to: 'done', confirm: 'yes' })).statusCode).toBe(303);
    expect((await member.post(`/recommendations/${first}/verification`, { note: 'Đã có dự toán' })).statusCode).toBe(403);
    expect((await head.post(`/recommendations/${first}/verification`, { note: '' })).statusCode).toBe(422);
    expect((await head.post(`/recommendations/${first}/verification`, { note: 'Đã có dự toán 2026' })).statusCode).toBe(303);
    expect((await member.post(`/recommendations/${first}/comments`, { body: 'Đã nhận văn bản' })).statusCode).toBe(303);
    const $ = html((await auditor.get(`/recommendations/${first}`)).body);
    expect(textOf($, '#recommendation-status')).toBe('Đã xác nhận');
    expect(textOf($, '#recommendation-history')).toContain('Đang thực hiện');
    expect(textOf($, 'main')).toContain(head.user.email.length > 0 ? 'Đã có dự toán 2026' : '');
    expect((await head.post(`/recommendations/${first}/status`, { to: 'open' })).statusCode).toBe(409);
  });

  it('counts a recommendation overdue from the day after its due date in Vietnam, not in UTC', async () => {
    const saved = clock;
    try {
      // The second is due 31/12/2025. At 23:59 on that day in Hà Nội (16:59 UTC): due today, not overdue.
      clock = new Date('2025-12-31T16:59:00Z');
      const lateHead = await loginAs(test.app, 'department_head');
      expect(html((await lateHead.get('/recommendations?overdue=1')).body)('#recommendations-empty').length).toBe(1);
      // 01/01/2026 00:00 in Hà Nội (17:00 UTC on 31/12): overdue, though it is still 31/12 in UTC.
      clock = new Date('2025-12-31T17:00:00Z');
      const $ = html((await lateHead.get('/recommendations?overdue=1')).body);
      expect($('#recommendations-list tbody tr').length).toBe(1);
      expect(textOf($, '#recommendations-list')).toContain('Quá hạn');
      const [, second] = ids();
      expect(textOf(html((await lateHead.get(`/recommendations/${second}`)).body), 'hgroup')).toContain('Quá hạn');
    } finally {
      clock = saved;
    }
  });

  it('are taken over by an approved amendment with their progress', async () => {
    const amendment = await head.post(`/supervision/${recordId}/amendments`);
    expect(amendment.statusCode).toBe(303);
    const amendmentId = idFrom(amendment.headers.location);
    expect(textOf(html((await head.get(`/supervision/${amendmentId}`)).body), '#record-recommendations')).toContain('chuyển từ biên bản được đính chính');
    expect((await head.post(`/supervision/${amendmentId}`, { ...answers(amendmentId, { O2: { answer_O2: 'not_met', note_O2: 'Chưa bố trí kinh phí riêng' } }), version: version(amendmentId), intent: 'submit', visitDate: '11/04/2025' })).statusCode).toBe(303);
    expect((await admin.post(`/supervision/${amendmentId}/review`, { decision: 'approve' })).statusCode).toBe(303);
    expect(test.app.db.get(sql`select superseded_by_id as supersededBy from supervision_records where id = ${recordId}`)).toEqual({ supersededBy: amendmentId });
    expect(test.app.db.all(sql`select record_id as recordId, status from recommendations order by id`)).toEqual([
      { recordId: amendmentId, status: 'verified' },
      { recordId: amendmentId, status: 'open' },
    ]);
    expect(test.app.services.supervision.resultForRound(roundId, 'vi').map((result) => result.recordId)).toEqual([amendmentId]);
  });
});

describe('the supervision group of the district summary', () => {
  // Before the 2025 reform, so the rows are the districts of the time (a period across it splits them in two).
  const period = 'from=01/01/2025&to=30/06/2025';
  const headings = ['Biên bản giám sát đã duyệt', 'Nội dung chưa đạt', 'Kiến nghị đang theo dõi', 'Kiến nghị quá hạn', 'Kiến nghị đã xác nhận'];
  // Sông Mã: one current record (the amendment), one item not met, one recommendation open (overdue in 2026), one verified.
  const expected = ['1', '1', '1', '1', '1'];

  function columns(table: string[][]): Record<string, string[]> {
    const start = table[0]!.indexOf(headings[0]!);
    expect(table[0]!.slice(start, start + 5)).toEqual(headings);
    return Object.fromEntries(table.slice(1).map((row) => [row[0]!, row.slice(start, start + 5)]));
  }

  it('adds up the same on the page and in the CSV, XLSX and PDF', async () => {
    const saved = clock;
    clock = new Date('2026-01-02T03:00:00Z');
    try {
      const auditor = await loginAs(test.app, 'auditor');
      const $ = html((await auditor.get(`/reports/districts?${period}&group=supervision`)).body);
      const table = $('#summary-table tr').map((_, row) => [$(row).children().map((__, cell) => $(cell).text().trim()).get()]).get() as string[][];
      const page = columns(table);
      expect(page['Huyện Sông Mã']).toEqual(expected);
      expect(page['Toàn tỉnh (Tỉnh Sơn La)']).toEqual(expected);
      expect(page['Huyện Mai Sơn']).toEqual(['0', '0', '0', '0', '0']);
      expect($(`tr[data-area="${songMa().id}"] td[data-figure="recommendationsOverdue"] a`).attr('href')).toBe(`/recommendations?overdue=1&area=${songMa().id}`);

      const csv = columns(parse((await auditor.get(`/reports/districts.csv?${period}`)).body.replace(/^\uFEFF/, '')) as string[][]);
      expect(csv['Huyện Sông Mã']).toEqual(expected);
      expect(csv['Toàn tỉnh (Tỉnh Sơn La)']).toEqual(expected);

      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await auditor.get(`/reports/districts.xlsx?${period}`)).rawPayload as unknown as ArrayBuffer);
      const rows: string[][] = [];
      workbook.worksheets[0]!.eachRow((row, number) => {
        if (number >= 5) rows.push((row.values as unknown[]).slice(1).map((value) => String(value ?? '')));
      });
      expect(columns(rows)['Huyện Sông Mã']).toEqual(expected);

      const pdf = await auditor.get(`/reports/districts.pdf?${period}`);
      const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
      const document = await pdfjs.getDocument({ data: new Uint8Array(pdf.rawPayload), useSystemFonts: false, isEvalSupported: false }).promise;
      let text = '';
      for (let number = 1; number <= document.numPages; number += 1) text += `${(await (await document.getPage(number)).getTextContent()).items.map((item) => ('str' in item ? item.str : '')).join(' ')}\n`;
      const part = text.slice(text.indexOf(headings[0]!));
      const line = (area: string) => part.slice(part.indexOf(area) + area.length).trim().split(/\s+/).slice(0, 5);
      expect(line('Huyện Sông Mã')).toEqual(expected);
      expect(line('Toàn tỉnh (Tỉnh Sơn La)')).toEqual(expected);
    } finally {
      clock = saved;
    }
  });
});

describe('checklist versions and records', () => {
  it('publishes a new supervision version; a record keeps the version it was started with', async () => {
    const v1 = test.app.db.get<{ id: number }>(sql`select id from checklist_templates where code = 'area-supervision' and version = 1`)!.id;
    const draft = await admin.post('/admin/checklists', { code: 'area-supervision' });
    const draftId = idFrom(draft.headers.location);
    const row = test.app.db.get<{ version: number; revision: number; code: string }>(sql`select version, revision, code from checklist_templates where id = ${draftId}`)!;
    expect(row).toMatchObject({ version: 2, code: 'area-supervision' });
    const saved = await admin.post(`/admin/checklists/${draftId}`, {
      revision: String(row.revision),
      titleVi: 'Giám sát chính quyền địa bàn (bản 2)',
      supervisionFields: '1',
      itemCode: ['P1', 'C1'],
      itemCategory: ['P', 'C'],
      itemSeverity: ['high', 'high'],
      itemAppliesTo: ['all', 'commune'],
      itemVi: ['Ban hành kế hoạch năm', 'Tuyên truyền trực tiếp'],
      itemEn: ['', ''],
      itemBasis: ['Thực tiễn', 'Luật 53/2024/QH15, Điều 7'],
      itemBasisConfirmed: ['C1'],
      itemFigureVi: ['', 'Số buổi tuyên truyền trực tiếp'],
      itemFigureEn: ['', 'In-person sessions'],
      itemFigureUnit: ['', 'buổi'],
      publish: '1',
      confirm: 'yes',
    });
    expect(saved.statusCode, saved.body.slice(0, 300)).toBe(303);
    const body = JSON.parse(test.app.db.get<{ body: string }>(sql`select body from checklist_templates where id = ${draftId}`)!.body) as { items: unknown[] };
    expect(body.items).toEqual([
      { code: 'C1', category: 'C', severity: 'high', applies_to: 'commune', vi: 'Tuyên truyền trực tiếp', en: '', basis: 'Luật 53/2024/QH15, Điều 7', basisConfirmed: true, figure: { vi: 'Số buổi tuyên truyền trực tiếp', en: 'In-person sessions', unit: 'buổi' } },
      { code: 'P1', category: 'P', severity: 'high', applies_to: 'all', vi: 'Ban hành kế hoạch năm', en: '', basis: 'Thực tiễn', basisConfirmed: false },
    ]);
    expect(test.app.db.get(sql`select template_id as templateId from supervision_records where id = ${recordId}`)).toEqual({ templateId: v1 });
    // The venue checklist is untouched, and a new record uses version 2.
    expect(test.app.db.get(sql`select max(version) as v from checklist_templates where code = 'venue-inspection'`)).toEqual({ v: 1 });
    const secondRound = await supervisionRound(head, { title: 'Giám sát đợt 2', startDate: '11/04/2025', endDate: '12/04/2025' });
    const started = await head.post(`/rounds/${secondRound}/supervision`, { areaId: String(songMa().id), visitDate: '12/04/2025' });
    expect(started.statusCode).toBe(303);
    const newRecord = idFrom(started.headers.location);
    expect(test.app.db.get(sql`select template_id as templateId from supervision_records where id = ${newRecord}`)).toEqual({ templateId: draftId });
    // A district authority: the commune-only C1 of version 2 does not apply.
    expect(test.app.db.all(sql`select item_code as code from supervision_answers where record_id = ${newRecord}`)).toEqual([{ code: 'P1' }]);
  });
});
