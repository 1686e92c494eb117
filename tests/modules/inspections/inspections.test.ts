import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { Jimp } from 'jimp';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { loginAs, type SignedInClient } from '../../helpers/auth.js';
import { actorOf, answersFor, createReport, createRoundWithTeam, createVenue, district } from '../../helpers/factories.js';
import { html, textOf } from '../../helpers/html.js';

let test: TestApp;
let head: SignedInClient;
let inspector: SignedInClient;
let otherInspector: SignedInClient;
let roundId: number;
let karaoke: number;
let restaurant: number;

beforeAll(async () => {
  test = await buildTestApp({ now: () => new Date('2025-03-12T03:00:00Z') });
  head = await loginAs(test.app, 'department_head');
  inspector = await loginAs(test.app, 'inspector');
  otherInspector = await loginAs(test.app, 'inspector');
  roundId = createRoundWithTeam(test.app, [inspector.user.id]);
  karaoke = createVenue(test.app, { name: 'Karaoke Sao Mai', kind: 'karaoke' });
  restaurant = createVenue(test.app, { name: 'Nhà hàng Suối Tát', kind: 'restaurant' });
});
afterAll(async () => {
  await test.close();
});

const count = (table: string) => test.app.db.get<{ n: number }>(sql.raw(`select count(*) as n from ${table}`))!.n;

async function start(client: SignedInClient, venueId: number, fields: Record<string, unknown> = {}) {
  return client.post(`/rounds/${roundId}/checks`, { venueId, visitDate: '11/03/2025', visitTime: '20:30', ...fields });
}

function idFrom(location: unknown): number {
  return Number(String(location).split('/').pop());
}

describe('starting a report', () => {
  it('lets an inspector on the round’s team pick a venue of the round’s areas by typing', async () => {
    const form = await inspector.get(`/rounds/${roundId}/checks/new`);
    expect(form.statusCode).toBe(200);
    const search = html((await inspector.get(`/venues/search?round=${roundId}&q=sao+mai`)).body);
    expect(search('input[name="venueId"]')).toHaveLength(1);
    expect(textOf(search, 'label')).toContain('Karaoke Sao Mai');
    const elsewhere = createVenue(test.app, { name: 'Karaoke Sao Mai Sông Mã', areaId: String(district(test.app, 'Sông Mã').id) });
    const all = html((await inspector.get(`/venues/search?round=${roundId}&q=sao`)).body);
    expect(all(`input[value="${elsewhere}"]`)).toHaveLength(0);
    const outside = await start(inspector, elsewhere);
    expect(outside.statusCode).toBe(422);
    expect(textOf(html(outside.body), '#field-venueId-error')).toContain('không thuộc địa bàn của đợt');
  });

  it('refuses an inspector who is not on the team, and a visit date outside the round', async () => {
    expect((await otherInspector.get(`/rounds/${roundId}/checks/new`)).statusCode).toBe(403);
    const before = count('checks');
    expect((await start(otherInspector, karaoke)).statusCode).toBe(403);
    const late = await start(inspector, karaoke, { visitDate: '20/03/2025' });
    expect(late.statusCode).toBe(422);
    expect(textOf(html(late.body), '#field-visitDate-error')).toContain('trong thời gian của đợt (10/03/2025 – 12/03/2025)');
    expect(count('checks')).toBe(before);
  });

  it('refuses a visit date that has not come yet, and never shows a venue outside the person’s area', async () => {
    const day = (offset: number) => new Date(Date.now() + 7 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
    const commune = test.app.catalog.filterIds(district(test.app, 'Bắc Yên').id)[1]!;
    const current = createRoundWithTeam(test.app, [inspector.user.id], { title: 'Đợt đang diễn ra', areaIds: [String(commune)], startDate: day(-2), endDate: day(5) });
    const venue = createVenue(test.app, { name: 'Karaoke Ngày Mai', areaId: String(commune) });
    const tomorrow = day(1).split('-').reverse().join('/');
    const early = await inspector.post(`/rounds/${current}/checks`, { venueId: venue, visitDate: tomorrow, visitTime: '', submissionKey: '' });
    expect(early.statusCode).toBe(422);
    expect(textOf(html(early.body), '#field-visitDate-error')).toContain('Ngày kiểm tra chưa đến');
    // A venue of another district named in the address is not shown on the start page.
    const songMa = createVenue(test.app, { name: 'Nhà nghỉ Ở Sông Mã', areaId: String(district(test.app, 'Sông Mã').id) });
    const page = await inspector.get(`/rounds/${current}/checks/new?venue=${songMa}`);
    expect(page.body).not.toContain('Nhà nghỉ Ở Sông Mã');
  });

  it('lists a venue chosen beforehand (a re-inspection) once, above the list, and keeps a ticked venue through a new search', async () => {
    const $ = html((await inspector.get(`/rounds/${roundId}/checks/new?venue=${karaoke}&reinspection=1`)).body);
    expect($(`input[name="venueId"][value="${karaoke}"]`)).toHaveLength(1);
    expect($(`input[name="venueId"][value="${karaoke}"]`).is(':checked')).toBe(true);
    expect($('#venue-results input[name="venueId"]').length).toBeGreaterThan(0);
    expect($('#venue-search').attr('hx-get')).toBe(`/venues/search?round=${roundId}&chosen=${karaoke}`);
    // Searching again never lists the venue shown above the list.
    const again = html((await inspector.get(`/venues/search?round=${roundId}&chosen=${karaoke}&q=`)).body);
    expect(again(`input[value="${karaoke}"]`)).toHaveLength(0);
    // A venue ticked in the list stays ticked, first, when the search's answer replaces the list, even if the new
    // words do not match it; one this person may not pick is not shown.
    const ticked = html((await inspector.get(`/venues/search?round=${roundId}&q=khong-co-gi&venueId=${restaurant}`)).body);
    expect(ticked('input[name="venueId"]').map((_, input) => ticked(input).val()).get()).toEqual([String(restaurant)]);
    expect(ticked(`input[value="${restaurant}"]`).is(':checked')).toBe(true);
    const elsewhere = createVenue(test.app, { name: 'Karaoke Xa Lạ', areaId: String(district(test.app, 'Sông Mã').id) });
    const refused = html((await inspector.get(`/venues/search?round=${roundId}&q=khong-co-gi&venueId=${elsewhere}`)).body);
    expect(refused('input[name="venueId"]')).toHaveLength(0);
  });

  it('creates one draft for a double-clicked start', async () => {
    const form = html((await inspector.get(`/rounds/${roundId}/checks/new`)).body);
    const submissionKey = form('input[name="submissionKey"]').val() as string;
    const before = count('checks');
    const [first, second] = await Promise.all([start(inspector, restaurant, { submissionKey }), start(inspector, restaurant, { submissionKey })]);
    expect(first.headers.location).toBe(second.headers.location);
    expect(count('checks')).toBe(before + 1);
  });
});

describe('filling and submitting', () => {
  it('shows karaoke-only items only for karaoke venues', async () => {
    const karaokeReport = idFrom((await start(inspector, karaoke)).headers.location);
    const restaurantReport = createReport(test.app, { roundId, venueId: restaurant, inspectorId: inspector.user.id });
    const karaokePage = html((await inspector.get(`/checks/${karaokeReport}`)).body);
    const restaurantPage = html((await inspector.get(`/checks/${restaurantReport}`)).body);
    expect(karaokePage('.checklist-item')).toHaveLength(27);
    expect(karaokePage('#item-A2')).toHaveLength(1);
    expect(restaurantPage('#item-A2')).toHaveLength(0);
    expect(restaurantPage('.checklist-item').length).toBeLessThan(27);
  });

  it('saves a draft with items unanswered; a malformed value keeps what was stored while the rest of the draft is saved', async () => {
    const id = createReport(test.app, { roundId, venueId: karaoke, inspectorId: inspector.user.id });
    const draft = await inspector.post(`/checks/${id}`, { intent: 'save', version: '1', visitDate: '11/03/2025', representativeName: 'Lò Thị Hoa', answer_A1: 'compliant', note_A1: 'Có bản sao', staffPresent: '4' });
    expect(draft.statusCode).toBe(303);
    const bad = await inspector.post(`/checks/${id}`, { intent: 'save', version: '2', visitDate: '11/03/2025', representativeName: 'Lò Thị Hoa (sửa)', answer_A1: 'violation', note_A1: 'Không có', staffPresent: 'bốn' });
    expect(bad.statusCode).toBe(422);
    const $ = html(bad.body);
    expect(textOf($, '#field-staffPresent-error')).toContain('Nhập số nguyên không âm.');
    expect($('#field-representativeName').val()).toBe('Lò Thị Hoa (sửa)');
    expect($('input[name="answer_A1"][value="violation"]').attr('checked')).toBeDefined();
    expect($('input[name="note_A1"]').val()).toBe('Không có');
    expect(textOf($, '.form-alert')).toContain('Đã lưu nháp, trừ các ô được đánh dấu');
    // Everything that reads is saved; the staff number keeps its stored 4; the form carries the new version.
    const stored = test.app.db.get<{ representative_name: string; staff_present: number; version: number }>(sql`select representative_name, staff_present, version from checks where id = ${id}`)!;
    expect(stored).toEqual({ representative_name: 'Lò Thị Hoa (sửa)', staff_present: 4, version: 3 });
    expect(test.app.db.get<{ answer: string; note: string }>(sql`select answer, note from check_answers where check_id = ${id} and item_code = 'A1'`)).toEqual({ answer: 'violation', note: 'Không có' });
    expect($('input[name="version"]').val()).toBe('3');
    // Submitting with the same bad value saves nothing.
    const refused = await inspector.post(`/checks/${id}`, { intent: 'submit', version: '3', visitDate: '11/03/2025', representativeName: 'Đổi lần nữa', staffPresent: 'bốn' });
    expect(refused.statusCode).toBe(422);
    expect(test.app.db.get<{ representative_name: string; status: string }>(sql`select representative_name, status from checks where id = ${id}`)).toEqual({ representative_name: 'Lò Thị Hoa (sửa)', status: 'draft' });
  });

  it('refuses to submit with an unanswered item, naming it, or a violation without a note, or too many counselled', async () => {
    const id = createReport(test.app, { roundId, venueId: karaoke, inspectorId: inspector.user.id });
    const answers = answersFor(test.app, id, { G1: { answer: '' }, E2: { answer: 'violation', note: '' } });
    const response = await inspector.post(`/checks/${id}`, { intent: 'submit', version: '1', visitDate: '11/03/2025', ...answers, ownersPresent: '1', staffPresent: '3', staffCounselled: '5', conclusion: 'Xong' });
    expect(response.statusCode).toBe(422);
    const $ = html(response.body);
    expect(textOf($, '#item_G1-error')).toContain('G1: chưa chọn kết quả.');
    expect(textOf($, '.form-alert')).toContain('Còn các nội dung chưa trả lời: G1');
    expect(textOf($, '#item_E2-error')).toContain('E2: ghi rõ vi phạm');
    expect(textOf($, '#field-staffCounselled-error')).toContain('không được quá 4');
    expect(test.app.db.get<{ status: string }>(sql`select status from checks where id = ${id}`)!.status).toBe('draft');
  });

  it('submits a complete report, counting its violations, after which its inspector can no longer edit it', async () => {
    const id = createReport(test.app, { roundId, venueId: karaoke, inspectorId: inspector.user.id });
    const answers = answersFor(test.app, id, { E2: { answer: 'violation', note: 'Nhân viên 16 tuổi' }, A2: { answer: 'not_applicable' } });
    const response = await inspector.post(`/checks/${id}`, { intent: 'submit', version: '1', visitDate: '11/03/2025', ...answers, ownersPresent: '1', staffPresent: '3', staffCounselled: '4', conclusion: 'Lập biên bản vi phạm' });
    expect(response.statusCode).toBe(303);
    expect(test.app.db.get<{ status: string; violation_count: number }>(sql`select status, violation_count from checks where id = ${id}`)).toEqual({ status: 'submitted', violation_count: 1 });
    const again = await inspector.post(`/checks/${id}`, { intent: 'save', version: '2', visitDate: '11/03/2025' });
    expect(again.statusCode).toBe(403);
    const page = html((await inspector.get(`/checks/${id}`)).body);
    expect(page('#report-form')).toHaveLength(0);
    expect(textOf(page, '.answers-table')).toContain('Nhân viên 16 tuổi');
    // The audit trail reads in words: field names, answers and dates, never codes.
    const admin = await loginAs(test.app, 'admin');
    const trail = textOf(html((await admin.get(`/audit?type=check&record=${id}`)).body), '#audit-table');
    expect(trail).toContain('Mục E2: Không đạt: Nhân viên 16 tuổi');
    expect(trail).toContain('Số người được tư vấn');
    expect(trail).not.toMatch(/audit\.field|answer\.|compliant|violation/);
  });

  it('answers 409 with what changed when the report was saved elsewhere', async () => {
    const id = createReport(test.app, { roundId, venueId: karaoke, inspectorId: inspector.user.id });
    await inspector.post(`/checks/${id}`, { intent: 'save', version: '1', visitDate: '11/03/2025', conclusion: 'Viết trên điện thoại' });
    const stale = await inspector.post(`/checks/${id}`, { intent: 'save', version: '1', visitDate: '11/03/2025', conclusion: 'Viết trên máy tính' });
    expect(stale.statusCode).toBe(409);
    const $ = html(stale.body);
    expect(textOf($, '.form-alert')).toContain('vừa được lưu ở nơi khác');
    expect(textOf($, '.form-alert')).toContain('Viết trên điện thoại');
    expect($('#field-conclusion').text()).toBe('Viết trên máy tính');
    expect(test.app.db.get<{ conclusion: string }>(sql`select conclusion from checks where id = ${id}`)!.conclusion).toBe('Viết trên điện thoại');
  });

  it('lets only its inspector edit a draft', async () => {
    const id = createReport(test.app, { roundId, venueId: karaoke, inspectorId: inspector.user.id });
    const before = test.app.db.get(sql`select visit_time, conclusion, version from checks where id = ${id}`);
    expect((await otherInspector.post(`/checks/${id}`, { intent: 'save', version: '1', visitDate: '11/03/2025', visitTime: '21:00', conclusion: 'Sửa trộm' })).statusCode).toBe(403);
    expect((await head.post(`/checks/${id}`, { intent: 'save', version: '1', visitDate: '11/03/2025', visitTime: '21:00', conclusion: 'Sửa trộm' })).statusCode).toBe(403);
    expect(test.app.db.get(sql`select visit_time, conclusion, version from checks where id = ${id}`)).toEqual(before);
  });
});

describe('review', () => {
  it('approves a submitted report, which is then read-only', async () => {
    const id = createReport(test.app, { roundId, venueId: karaoke, inspectorId: inspector.user.id, status: 'submitted' });
    expect((await inspector.post(`/checks/${id}/review`, { decision: 'approve' })).statusCode).toBe(403);
    const approved = await head.post(`/checks/${id}/review`, { decision: 'approve' });
    expect(approved.statusCode).toBe(303);
    expect(test.app.db.get<{ status: string; reviewed_by: number }>(sql`select status, reviewed_by from checks where id = ${id}`)).toEqual({ status: 'approved', reviewed_by: head.user.id });
    expect((await inspector.post(`/checks/${id}`, { intent: 'save', version: '3', visitDate: '11/03/2025' })).statusCode).toBe(403);
    expect((await head.post(`/checks/${id}/review`, { decision: 'return', comment: 'x' })).statusCode).toBe(409);
    const actions = test.app.db.all<{ action: string }>(sql`select action from audit_log where record_type = 'check' and record_id = ${id} order by id`).map((row) => row.action);
    expect(actions).toEqual(['create', 'status', 'status']);
  });

  it('tells the second of two heads reviewing at once what happened, keeping the comment they typed', async () => {
    const id = createReport(test.app, { roundId, venueId: karaoke, inspectorId: inspector.user.id, status: 'submitted' });
    const otherHead = await loginAs(test.app, 'department_head');
    expect((await head.post(`/checks/${id}/review`, { decision: 'approve', version: '2' })).statusCode).toBe(303);
    const late = await otherHead.post(`/checks/${id}/review`, { decision: 'return', comment: 'Cần bổ sung ảnh', version: '2' });
    expect(late.statusCode).toBe(409);
    const $ = html(late.body);
    expect(textOf($, '#page-alert')).toContain('không còn chờ duyệt');
    expect(textOf($, '#page-alert')).toContain('Cần bổ sung ảnh');
    const headName = test.app.db.get<{ name: string }>(sql`select name from users where id = ${head.user.id}`)!.name;
    expect(textOf($, '.page-head')).toContain(`Duyệt bởi ${headName} lúc`);
  });

  it('returns a report with a comment; it goes back to its inspector, who alone can edit and resubmit it', async () => {
    const id = createReport(test.app, { roundId, venueId: karaoke, inspectorId: inspector.user.id, status: 'submitted' });
    const noComment = await head.post(`/checks/${id}/review`, { decision: 'return', comment: ' ' });
    expect(noComment.statusCode).toBe(422);
    expect(textOf(html(noComment.body), '#field-comment-error')).toContain('Ghi lý do');
    expect((await head.post(`/checks/${id}/review`, { decision: 'return', comment: 'Thiếu số nhân viên được tư vấn' })).statusCode).toBe(303);
    const page = html((await inspector.get(`/checks/${id}`)).body);
    expect(textOf(page, '.form-alert')).toContain('Thiếu số nhân viên được tư vấn');
    expect(page('#report-form')).toHaveLength(1);
    expect((await otherInspector.post(`/checks/${id}`, { intent: 'save', version: '3', visitDate: '11/03/2025' })).statusCode).toBe(403);
    const resubmit = await inspector.post(`/checks/${id}`, { intent: 'submit', version: '3', visitDate: '11/03/2025', ...answersFor(test.app, id), ownersPresent: '1', staffPresent: '5', staffCounselled: '6', conclusion: 'Đã bổ sung' });
    expect(resubmit.statusCode).toBe(303);
    expect(test.app.db.get<{ status: string }>(sql`select status from checks where id = ${id}`)!.status).toBe('submitted');
  });

  it('corrects an approved report only through an amendment by a head, which replaces it once approved', async () => {
    const id = createReport(test.app, { roundId, venueId: karaoke, inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'approved' });
    expect((await inspector.post(`/checks/${id}/amendments`)).statusCode).toBe(403);
    const amend = await head.post(`/checks/${id}/amendments`);
    expect(amend.statusCode).toBe(303);
    const amendmentId = idFrom(amend.headers.location);
    const amendment = test.app.db.get<{ amends_id: number; inspector_id: number; status: string }>(sql`select amends_id, inspector_id, status from checks where id = ${amendmentId}`)!;
    expect(amendment).toEqual({ amends_id: id, inspector_id: head.user.id, status: 'draft' });
    expect(count(`check_answers where check_id = ${amendmentId}`)).toBe(count(`check_answers where check_id = ${id}`));
    expect((await head.post(`/checks/${id}/amendments`)).statusCode).toBe(409); // one open amendment at a time
    await head.post(`/checks/${amendmentId}`, { intent: 'submit', version: '1', visitDate: '11/03/2025', ...answersFor(test.app, amendmentId), ownersPresent: '1', staffPresent: '5', staffCounselled: '5', conclusion: 'Sửa kết luận' });
    expect((await head.post(`/checks/${amendmentId}/review`, { decision: 'approve' })).statusCode).toBe(409); // not one's own
    const otherHead = await loginAs(test.app, 'department_head');
    expect((await otherHead.post(`/checks/${amendmentId}/review`, { decision: 'approve' })).statusCode).toBe(303);
    expect(test.app.db.get<{ superseded_by_id: number }>(sql`select superseded_by_id from checks where id = ${id}`)!.superseded_by_id).toBe(amendmentId);
    expect(textOf(html((await head.get(`/checks/${id}`)).body), '.notice')).toContain('đã được thay bằng bản sửa đổi');
  });
});

describe('checklist versions', () => {
  /** A new draft version opened in the editor, with its items as the form holds them. */
  async function openDraft(admin: SignedInClient) {
    const draftUrl = (await admin.post('/admin/checklists')).headers.location as string;
    const editor = html((await admin.get(draftUrl)).body);
    const codes = editor('input[name="itemCode"]').map((_, input) => editor(input).val() as string).get().filter(Boolean);
    const field = (name: string) => editor(`[name="${name}"]`).map((_, input) => (editor(input).is('select') ? editor(input).find('option[selected]').val() : editor(input).val()) as string).get().slice(0, codes.length);
    return { draftUrl, editor, codes, field };
  }

  it('keep an old report’s answers and labels when a new version changes the items', async () => {
    const id = createReport(test.app, { roundId, venueId: karaoke, inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'approved' });
    const before = html((await head.get(`/checks/${id}`)).body);
    const labelBefore = textOf(before, '.answers-table');
    const admin = await loginAs(test.app, 'admin');
    const { draftUrl, editor, codes, field } = await openDraft(admin);
    const vi = field('itemVi');
    vi[0] = 'Nội dung A1 đã sửa trong phiên bản mới';
    const saved = await admin.post(draftUrl, {
      revision: editor('input[name="revision"]').val(),
      titleVi: 'Bộ câu hỏi sửa đổi',
      titleEn: 'Revised checklist',
      itemCode: codes,
      itemCategory: field('itemCategory'),
      itemSeverity: field('itemSeverity'),
      itemAppliesTo: field('itemAppliesTo'),
      itemVi: vi,
      itemEn: field('itemEn'),
      itemBasis: field('itemBasis'),
      itemRemove: ['I2'],
    });
    expect(saved.statusCode).toBe(303);
    expect((await admin.post(`${draftUrl}/publication`, { confirm: 'yes' })).statusCode).toBe(303);
    expect((await admin.post(draftUrl, { revision: '1', titleVi: 'x', itemCode: ['A1'] })).statusCode).toBe(409);

    const after = html((await head.get(`/checks/${id}`)).body);
    expect(textOf(after, '.answers-table')).toBe(labelBefore);
    expect(textOf(after, 'hgroup')).toContain('phiên bản 1');
    const latest = test.app.services.checklists.latest();
    expect(latest.version).toBe(2);
    expect(latest.body.items.find((item) => item.code === 'A1')!.vi).toBe('Nội dung A1 đã sửa trong phiên bản mới');
    expect(latest.body.items.find((item) => item.code === 'I2')).toBeUndefined();
    const fresh = createReport(test.app, { roundId, venueId: karaoke, inspectorId: inspector.user.id });
    expect(textOf(html((await inspector.get(`/checks/${fresh}`)).body), '#item-A1')).toContain('đã sửa trong phiên bản mới');
    expect(html((await inspector.get(`/checks/${fresh}`)).body)('#item-I2')).toHaveLength(0);
  });

  it('mark a bad item where it is in the editor, writing nothing', async () => {
    const admin = await loginAs(test.app, 'admin');
    const { draftUrl, editor, codes, field } = await openDraft(admin);
    const vi = field('itemVi');
    vi[2] = '';
    const itemCodes = [...codes];
    itemCodes[4] = itemCodes[0]!;
    const refused = await admin.post(draftUrl, { revision: editor('input[name="revision"]').val(), titleVi: 'Bộ câu hỏi', titleEn: '', itemCode: itemCodes, itemCategory: field('itemCategory'), itemSeverity: field('itemSeverity'), itemAppliesTo: field('itemAppliesTo'), itemVi: vi, itemEn: field('itemEn'), itemBasis: field('itemBasis') });
    expect(refused.statusCode).toBe(422);
    const $ = html(refused.body);
    expect($('#item-row-2').attr('aria-invalid')).toBe('true');
    expect(textOf($, '#item-row-2-error')).toContain('Câu 3: nhập nội dung');
    expect(textOf($, '#item-row-4-error')).toContain('Câu 5: mã');
    expect($('#item-row-0').attr('aria-invalid')).toBeUndefined();
    expect($('.form-alert a[href="#item-row-2"]')).toHaveLength(1);
  });
});

describe('attachments', () => {
  async function png(): Promise<Buffer> {
    return new Jimp({ width: 800, height: 600, color: 0x3366ccff }).getBuffer('image/png');
  }

  it('stores a photo with its SHA-256 and a thumbnail, and serves it only to those who may see the report', async () => {
    const id = createReport(test.app, { roundId, venueId: karaoke, inspectorId: inspector.user.id });
    const content = await png();
    const uploaded = await inspector.upload(`/checks/${id}/attachments`, { filename: 'mặt tiền.png', content, contentType: 'image/png' });
    expect(uploaded.statusCode).toBe(303);
    const row = test.app.db.get<{ id: number; sha256: string; mime_type: string; thumbnail_name: string; stored_name: string }>(sql`select * from check_attachments where check_id = ${id}`)!;
    expect(row.mime_type).toBe('image/png');
    expect(row.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(row.stored_name).not.toContain('mặt');
    const file = await head.get(`/checks/${id}/attachments/${row.id}`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.headers['content-disposition']).toContain(encodeURIComponent('mặt tiền.png'));
    expect(file.rawPayload.equals(content)).toBe(true);
    const thumb = await head.get(`/checks/${id}/attachments/${row.id}/thumbnail`);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect((await Jimp.read(thumb.rawPayload)).width).toBe(320);
    const songMaUser = await loginAs(test.app, 'auditor', { areaId: district(test.app, 'Sông Mã').id });
    expect((await songMaUser.get(`/checks/${id}/attachments/${row.id}`)).statusCode).toBe(404);
    const anonymous = await test.app.inject(`/checks/${id}/attachments/${row.id}`);
    expect(anonymous.statusCode).toBe(303);
  });

  it('refuses a text file named photo.jpg, checking the content, and writes nothing', async () => {
    const id = createReport(test.app, { roundId, venueId: karaoke, inspectorId: inspector.user.id });
    const before = count('check_attachments');
    const response = await inspector.upload(`/checks/${id}/attachments`, { filename: 'photo.jpg', content: Buffer.from('không phải ảnh'), contentType: 'image/jpeg' });
    expect(response.statusCode).toBe(422);
    expect(textOf(html(response.body), '#attachment-file-error')).toContain('Chỉ nhận ảnh JPEG, PNG hoặc tệp PDF');
    expect(count('check_attachments')).toBe(before);
  });

  it('accepts a PDF scan, refuses files over 10 MB, and at most 20 per report', async () => {
    const id = createReport(test.app, { roundId, venueId: karaoke, inspectorId: inspector.user.id });
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    expect((await inspector.upload(`/checks/${id}/attachments`, { filename: 'bien-ban.pdf', content: pdf })).statusCode).toBe(303);
    const big = await inspector.upload(`/checks/${id}/attachments`, { filename: 'big.pdf', content: Buffer.concat([pdf, Buffer.alloc(10 * 1024 * 1024)]) });
    expect(big.statusCode).toBe(413);
    for (let index = 1; index < 20; index += 1) await inspector.upload(`/checks/${id}/attachments`, { filename: `scan-${index}.pdf`, content: pdf });
    expect(count(`check_attachments where check_id = ${id}`)).toBe(20);
    const tooMany = await inspector.upload(`/checks/${id}/attachments`, { filename: 'scan-21.pdf', content: pdf });
    expect(tooMany.statusCode).toBe(422);
    expect(count(`check_attachments where check_id = ${id}`)).toBe(20);
  });
});

describe('lists', () => {
  it('shows a round’s reports and progress, and a venue’s reports', async () => {
    const page = html((await head.get(`/rounds/${roundId}`)).body);
    expect(page('.reports-table tbody tr').length).toBeGreaterThan(3);
    expect(textOf(page, '.progress-line')).toMatch(/Đã kiểm tra \d+\/\d+ cơ sở/);
    const venuePage = html((await head.get(`/venues/${karaoke}`)).body);
    expect(venuePage('.reports-table tbody tr').length).toBeGreaterThan(3);
  });

  it('counts a round’s progress only in the areas a district user may see', async () => {
    const maiSon = district(test.app, 'Mai Sơn').id;
    const songMa = district(test.app, 'Yên Châu').id;
    const twoDistricts = createRoundWithTeam(test.app, [inspector.user.id], { title: 'Đợt hai huyện', areaIds: [String(maiSon), String(songMa)] });
    const inMaiSon = createVenue(test.app, { name: 'Karaoke Mai Sơn 1', areaId: String(maiSon) });
    createVenue(test.app, { name: 'Karaoke Mai Sơn 2', areaId: String(maiSon) });
    const inSongMa = createVenue(test.app, { name: 'Karaoke Yên Châu 1', areaId: String(songMa) });
    createReport(test.app, { roundId: twoDistricts, venueId: inMaiSon, inspectorId: inspector.user.id, status: 'submitted' });
    createReport(test.app, { roundId: twoDistricts, venueId: inSongMa, inspectorId: inspector.user.id, status: 'submitted' });
    const venuesIn = (areaId: number) => test.app.db.get<{ n: number }>(sql`select count(*) as n from venues where area_id in (select value from json_each(${JSON.stringify(test.app.catalog.relatedAreas(areaId))}))`)!.n;
    const whole = html((await head.get(`/rounds/${twoDistricts}`)).body);
    expect(textOf(whole, '.progress-line')).toContain(`Đã kiểm tra 2/${venuesIn(maiSon) + venuesIn(songMa)} cơ sở`);
    const songMaHead = await loginAs(test.app, 'department_head', { areaId: songMa });
    const scoped = html((await songMaHead.get(`/rounds/${twoDistricts}`)).body);
    expect(textOf(scoped, '.progress-line')).toContain(`Đã kiểm tra 1/${venuesIn(songMa)} cơ sở`);
  });

  it('filters /checks by status, inspector, date and violations, scoped to the user’s area', async () => {
    const submitted = html((await head.get('/checks?status=submitted')).body);
    submitted('#checks-table tbody tr').each((_, row) => void expect(submitted(row).text()).toContain('Chờ duyệt'));
    const withViolations = html((await head.get('/checks?violations=yes')).body);
    withViolations('#checks-table tbody tr td:nth-child(5)').each((_, cell) => void expect(Number(withViolations(cell).text())).toBeGreaterThan(0));
    const byOther = html((await head.get(`/checks?inspector=${otherInspector.user.id}`)).body);
    expect(byOther('#checks-table')).toHaveLength(0);
    const outsideDates = html((await head.get('/checks?from=01/04/2025')).body);
    expect(outsideDates('#checks-table')).toHaveLength(0);
    // A date that does not read, or dates the wrong way round, are said, not silently ignored.
    const unreadable = html((await head.get('/checks?from=99/99/2025&to=abc')).body);
    expect(textOf(unreadable, '#checks-results .notice')).toContain('Không đọc được ngày “99/99/2025”');
    expect(textOf(unreadable, '#checks-results .notice')).toContain('“abc”');
    expect(textOf(html((await head.get('/checks?from=20/06/2025&to=10/06/2025')).body), '#checks-results .notice')).toContain('“Từ ngày” đang sau “Đến ngày”');
    const songMa = await loginAs(test.app, 'auditor', { areaId: district(test.app, 'Sông Mã').id });
    expect(html((await songMa.get('/checks')).body)('#checks-table')).toHaveLength(0);
    const someReport = test.app.db.get<{ id: number }>(sql`select id from checks limit 1`)!.id;
    expect((await songMa.get(`/checks/${someReport}`)).statusCode).toBe(404);
  });
});

describe('the report form on a phone, with or without JavaScript', () => {
  const answerOf = (id: number, code: string) => test.app.db.get<{ answer: string | null }>(sql`select answer from check_answers where check_id = ${id} and item_code = ${code}`)!.answer;
  const codesOf = (id: number, category: string) =>
    test.app.services.inspections.getReport(actorOf(test.app, inspector.user.id), id).items.filter((item) => item.category === category).map((item) => item.code);

  it('pre-fills the visit date with today in Vietnam, and searches venues with no token or form key in the address', async () => {
    const $ = html((await inspector.get(`/rounds/${roundId}/checks/new`)).body);
    // The clock says 2025-03-12 03:00 UTC: 10:00 on 12/03 in Vietnam, within the round (10–12/03).
    expect($('#field-visitDate').val()).toBe('12/03/2025');
    expect($('#field-visitDate').attr('inputmode')).toBe('numeric');
    expect($('#field-visitTime').attr('inputmode')).toBe('numeric');
    const search = $('#venue-search-form');
    expect(search.attr('method')).toBe('get');
    expect(search.find('input[name="_csrf"], input[name="submissionKey"]')).toHaveLength(0);
    expect($('#venue-search').attr('form')).toBe('venue-search-form');
    expect($('#start-form input[name="_csrf"]')).toHaveLength(1);
    const later = createRoundWithTeam(test.app, [inspector.user.id], { title: 'Đợt tháng 5', startDate: '2025-05-10', endDate: '2025-05-12' });
    expect(html((await inspector.get(`/rounds/${later}/checks/new`)).body)('#field-visitDate').val()).toBe('');
    // Digits typed on a number pad are a date and a time.
    const started = await start(inspector, restaurant, { visitDate: '11032025', visitTime: '2030' });
    expect(started.statusCode).toBe(303);
    expect(test.app.db.get<{ visit_date: string; visit_time: string }>(sql`select visit_date, visit_time from checks where id = ${idFrom(started.headers.location)}`)).toEqual({ visit_date: '2025-03-11', visit_time: '20:30' });
  });

  it('marks a section’s unanswered items compliant without JavaScript, saving the draft, and undoes exactly that', async () => {
    const id = createReport(test.app, { roundId, venueId: karaoke, inspectorId: inspector.user.id });
    const [first, second, third] = codesOf(id, 'A');
    const marked = await inspector.post(`/checks/${id}`, { version: '1', visitDate: '11/03/2025', [`answer_${first}`]: 'violation', [`note_${first}`]: 'Hết hạn', markRemaining: 'A', representativeName: 'Lò Thị Hoa' });
    expect(marked.statusCode).toBe(303);
    expect(marked.headers.location).toMatch(new RegExp(`^/checks/${id}\\?marked=${second}\\.${third}.*#section-A$`));
    expect([answerOf(id, first!), answerOf(id, second!), answerOf(id, third!)]).toEqual(['violation', 'compliant', 'compliant']);
    expect(answerOf(id, codesOf(id, 'B')[0]!)).toBeNull();
    const page = html((await inspector.get(marked.headers.location as string)).body);
    expect(textOf(page, '.flash')).toContain('là Đạt');
    const undo = page('#section-A button[name="unmark"]');
    expect(undo.text().trim()).toBe('Hoàn tác');
    expect(textOf(page, '#section-A [data-section-count]')).toMatch(/^(\d+)\/\1 đã trả lời$/);
    expect(page('input[name="representativeName"]').val()).toBe('Lò Thị Hoa');
    const form = Object.fromEntries(page('#report-form input[name^="answer_"]:checked').map((_, input) => [[page(input).attr('name'), page(input).val()]]).get() as Array<[string, string]>);
    const undone = await inspector.post(`/checks/${id}`, { version: page('input[name="version"]').val(), visitDate: '11/03/2025', ...form, [`note_${first}`]: 'Hết hạn', unmark: undo.val() });
    expect(undone.statusCode).toBe(303);
    expect([answerOf(id, first!), answerOf(id, second!), answerOf(id, third!)]).toEqual(['violation', null, null]);
  });

  it('saves the answers and attaches the file in one press without JavaScript; a file too large is said, the answers saved', async () => {
    const id = createReport(test.app, { roundId, venueId: karaoke, inspectorId: inspector.user.id });
    const photo = await new Jimp({ width: 400, height: 300, color: 0x884422ff }).getBuffer('image/jpeg');
    const form = html((await inspector.get(`/checks/${id}`)).body);
    const button = form('button[name="intent"][value="attach"]');
    expect(button.attr('form')).toBe('report-form');
    expect(button.attr('formenctype')).toBe('multipart/form-data');
    expect(form('#attachment-file').attr('form')).toBe('report-form');
    // The attachments sit above the submit bar.
    expect(form.html()!.indexOf('id="attachments"')).toBeLessThan(form.html()!.indexOf('class="form-actions sticky-actions"'));
    const saved = await inspector.upload(`/checks/${id}`, { filename: 'mặt tiền.jpg', content: photo, contentType: 'image/jpeg' }, { intent: 'attach', version: '1', visitDate: '11/03/2025', representativeName: 'Chủ cơ sở', staffPresent: '1.000', answer_A1: 'violation', note_A1: 'Không có giấy phép', teamPresent: 'Nguyễn Văn An' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/checks/${id}#attachments`);
    expect(test.app.db.get<{ representative_name: string; staff_present: number }>(sql`select representative_name, staff_present from checks where id = ${id}`)).toEqual({ representative_name: 'Chủ cơ sở', staff_present: 1000 });
    expect(answerOf(id, 'A1')).toBe('violation');
    expect(count(`check_attachments where check_id = ${id}`)).toBe(1);
    const tooBig = await inspector.upload(`/checks/${id}`, { filename: 'big.jpg', content: Buffer.concat([photo, Buffer.alloc(10 * 1024 * 1024)]) }, { intent: 'attach', version: '2', visitDate: '11/03/2025', representativeName: 'Chủ cơ sở (sửa)' });
    expect(tooBig.statusCode).toBe(422);
    expect(textOf(html(tooBig.body), '#attachment-file-error')).toContain('lớn hơn 10 MB');
    expect(test.app.db.get<{ representative_name: string }>(sql`select representative_name from checks where id = ${id}`)!.representative_name).toBe('Chủ cơ sở (sửa)');
    expect(count(`check_attachments where check_id = ${id}`)).toBe(1);
  });

  it('takes evidence after submitting until the report is reviewed, audited, and only from the person who filed it', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const id = createReport(test.app, { roundId, venueId: karaoke, inspectorId: inspector.user.id, status: 'submitted' });
    const page = html((await inspector.get(`/checks/${id}`)).body);
    expect(page('form.upload-form input[name="_csrf"]')).toHaveLength(1);
    expect(textOf(page, '#attachments')).toContain('cho đến khi biên bản được duyệt');
    expect((await inspector.upload(`/checks/${id}/attachments`, { filename: 'bien-ban-ky.pdf', content: pdf })).statusCode).toBe(303);
    expect(count(`check_attachments where check_id = ${id}`)).toBe(1);
    const audited = test.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log where record_type = 'attachment' and action = 'create' and changes like ${'%bien-ban-ky.pdf%'}`)!.n;
    expect(audited).toBe(1);
    // Not removed once submitted, not added by someone else, nor from another area.
    const attachment = test.app.db.get<{ id: number }>(sql`select id from check_attachments where check_id = ${id}`)!.id;
    expect((await inspector.post(`/checks/${id}/attachments/${attachment}/delete`)).statusCode).toBe(403);
    expect((await otherInspector.upload(`/checks/${id}/attachments`, { filename: 'x.pdf', content: pdf })).statusCode).toBe(403);
    const elsewhere = await loginAs(test.app, 'inspector', { areaId: district(test.app, 'Sông Mã').id });
    expect((await elsewhere.upload(`/checks/${id}/attachments`, { filename: 'x.pdf', content: pdf })).statusCode).toBe(404);
    expect((await head.post(`/checks/${id}/review`, { decision: 'approve' })).statusCode).toBe(303);
    expect((await inspector.upload(`/checks/${id}/attachments`, { filename: 'muon.pdf', content: pdf })).statusCode).toBe(403);
    expect(html((await inspector.get(`/checks/${id}`)).body)('#attachment-file')).toHaveLength(0);
    expect(count(`check_attachments where check_id = ${id}`)).toBe(1);
  });

  it('asks before removing a file without JavaScript, saving what was typed, and removes it on the second press', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const id = createReport(test.app, { roundId, venueId: karaoke, inspectorId: inspector.user.id });
    await inspector.upload(`/checks/${id}/attachments`, { filename: 'quet.pdf', content: pdf });
    const attachment = test.app.db.get<{ id: number }>(sql`select id from check_attachments where check_id = ${id}`)!.id;
    const button = html((await inspector.get(`/checks/${id}`)).body)(`button[name="removeAttachment"][value="${attachment}"]`);
    expect(button.attr('form')).toBe('report-form');
    expect(button.attr('hx-post')).toBe(`/checks/${id}/attachments/${attachment}/delete`);
    const asked = await inspector.post(`/checks/${id}`, { version: '1', visitDate: '11/03/2025', conclusion: 'Đang viết', removeAttachment: String(attachment) });
    expect(asked.statusCode).toBe(303);
    expect(asked.headers.location).toBe(`/checks/${id}?remove=${attachment}#attachments`);
    expect(count(`check_attachments where check_id = ${id}`)).toBe(1);
    expect(test.app.db.get<{ conclusion: string }>(sql`select conclusion from checks where id = ${id}`)!.conclusion).toBe('Đang viết');
    const $ = html((await inspector.get(asked.headers.location as string)).body);
    expect(textOf($, '.remove-question')).toContain('Xóa tệp “quet.pdf” khỏi biên bản?');
    expect($('.remove-question button[name="removeAttachmentConfirmed"]').attr('form')).toBe('report-form');
    // Someone who may not edit the report is never asked.
    expect(html((await head.get(`/checks/${id}?remove=${attachment}`)).body)('.remove-question')).toHaveLength(0);
    const removed = await inspector.post(`/checks/${id}`, { version: '2', visitDate: '11/03/2025', conclusion: 'Đang viết', removeAttachmentConfirmed: String(attachment) });
    expect(removed.statusCode).toBe(303);
    expect(count(`check_attachments where check_id = ${id}`)).toBe(0);
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log where record_type = 'attachment' and action = 'delete' and record_id = ${attachment}`)!.n).toBe(1);
  });

  it('refuses a submit from the form without its confirmation box, and lists every error with a link to its field', async () => {
    const id = createReport(test.app, { roundId, venueId: karaoke, inspectorId: inspector.user.id });
    const answers = answersFor(test.app, id, { E2: { answer: 'violation', note: '' }, G1: { answer: '' } });
    const response = await inspector.post(`/checks/${id}`, { intent: 'submit', confirmAsked: '1', version: '1', visitDate: '11/03/2025', ...answers, ownersPresent: '1', staffPresent: '1,5', staffCounselled: '', conclusion: '' });
    expect(response.statusCode).toBe(422);
    const $ = html(response.body);
    const links = $('.error-summary a').map((_, link) => $(link).attr('href')).get();
    expect(links).toEqual(expect.arrayContaining(['#field-confirmSubmit', '#field-note_E2', '#field-item_G1', '#field-staffPresent', '#field-staffCounselled', '#field-conclusion']));
    for (const link of links) expect($(link), link).toHaveLength(1);
    expect(textOf($, '#field-staffPresent-error')).toContain('Chỉ nhập số nguyên');
    expect($('#field-note_E2').attr('aria-invalid')).toBe('true');
    expect($('#field-item_E2').attr('aria-invalid')).toBeUndefined();
    expect($('#field-item_G1').attr('aria-invalid')).toBe('true');
    // Required fields carry their mark.
    for (const field of ['staffPresent', 'staffCounselled', 'conclusion']) expect($(`label[for="field-${field}"] .required`), field).toHaveLength(1);
    expect(test.app.db.get<{ status: string }>(sql`select status from checks where id = ${id}`)!.status).toBe('draft');
    const confirmed = await inspector.post(`/checks/${id}`, { intent: 'submit', confirmAsked: '1', confirmSubmit: '1', version: '1', visitDate: '11/03/2025', ...answersFor(test.app, id), ownersPresent: '1', staffPresent: '1.000', staffCounselled: '1,000', conclusion: 'Xong' });
    expect(confirmed.statusCode).toBe(303);
    expect(test.app.db.get<{ status: string; staff_counselled: number }>(sql`select status, staff_counselled from checks where id = ${id}`)).toEqual({ status: 'submitted', staff_counselled: 1000 });
  });
});
