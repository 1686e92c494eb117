import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, htmxHeaders, type TestApp } from '../../helpers/app.js';
import { loginAs, type SignedInClient } from '../../helpers/auth.js';
import { answersFor, createReport, createRoundWithTeam, createVenue, district } from '../../helpers/factories.js';
import { html, textOf } from '../../helpers/html.js';
import { isOverdue } from '../../../src/modules/findings/index.js';
import { todayInVietnam } from '../../../src/lib/dates.js';
import { canClose, defaultSeverity } from '../../../src/modules/findings/index.js';

const start = new Date('2025-03-12T03:00:00Z');
let clock = start;
let test: TestApp;
let head: SignedInClient;
let inspector: SignedInClient;
let auditor: SignedInClient;
let roundId: number;
let venueId: number;

beforeAll(async () => {
  test = await buildTestApp({ now: () => clock, env: { SESSION_IDLE_MINUTES: '43200', SESSION_MAX_HOURS: '720' } }); // the clock jumps days ahead
  head = await loginAs(test.app, 'department_head');
  inspector = await loginAs(test.app, 'inspector');
  auditor = await loginAs(test.app, 'auditor');
  roundId = createRoundWithTeam(test.app, [inspector.user.id], { endDate: '2025-06-30' });
  venueId = createVenue(test.app, { name: 'Karaoke Ánh Trăng', kind: 'karaoke' });
});
afterAll(async () => {
  await test.close();
});
// A test that moves the clock never moves the next one, even when it fails half-way.
afterEach(() => {
  clock = start;
});

interface FindingRow {
  id: number;
  check_id: number;
  venue_id: number;
  round_id: number;
  area_id: number;
  item_code: string | null;
  category: string;
  legal_basis: string;
  severity: string;
  description: string;
  status: string;
}

function findingsOf(checkId: number): FindingRow[] {
  return test.app.db.all<FindingRow>(sql`select * from findings where check_id = ${checkId} order by item_code`);
}

function submitted(violations: string[], reviewed: 'submitted' | 'approved' = 'submitted', visitDate = '11/03/2025') {
  return createReport(test.app, { roundId, venueId, inspectorId: inspector.user.id, reviewerId: head.user.id, status: reviewed, violations, visitDate });
}

async function addFollowUp(findingId: number, fields: Record<string, unknown> = {}) {
  return head.post(`/findings/${findingId}/follow-ups`, { measure: 'register_residence', responsibleKind: 'venue', dueDate: '20/03/2025', ...fields });
}

describe('findings from a submitted report', () => {
  it('cannot be answered away once followed up: a returned report resubmitted keeps that item a violation', async () => {
    const checkId = submitted(['A2']);
    const finding = findingsOf(checkId)[0]!;
    await addFollowUp(finding.id);
    const version = test.app.db.get<{ version: number }>(sql`select version from checks where id = ${checkId}`)!.version;
    expect((await head.post(`/checks/${checkId}/review`, { decision: 'return', comment: 'Xem lại mục A2', version: String(version) })).statusCode).toBe(303);
    const returned = test.app.db.get<{ version: number }>(sql`select version from checks where id = ${checkId}`)!.version;
    const resubmit = await inspector.post(`/checks/${checkId}`, { intent: 'submit', version: String(returned), visitDate: '11/03/2025', ...answersFor(test.app, checkId, { A2: { answer: 'compliant' } }), ownersPresent: '1', staffPresent: '2', staffCounselled: '2', conclusion: 'Nộp lại' });
    expect(resubmit.statusCode).toBe(422);
    expect(textOf(html(resubmit.body), '#item_A2-error')).toContain('đã có biện pháp khắc phục hoặc đã chuyển giao');
    expect(test.app.db.get<{ status: string }>(sql`select status from findings where id = ${finding.id}`)!.status).toBe('open');
  });

  it('become one per violation, linked to the report, venue, round, area and checklist item, with default severities', () => {
    const checkId = submitted(['A1', 'E2', 'G1']);
    const rows = findingsOf(checkId);
    expect(rows.map((row) => row.item_code)).toEqual(['A1', 'E2', 'G1']);
    const bacYen = district(test.app, 'Bắc Yên').id;
    for (const row of rows) expect(row).toMatchObject({ check_id: checkId, venue_id: venueId, round_id: roundId, area_id: bacYen, status: 'open', description: 'Vi phạm ghi nhận' });
    expect(rows.map((row) => row.severity)).toEqual(['medium', 'critical', 'critical']);
    expect(rows[0]!.legal_basis).toContain('Nghị định 54/2019/NĐ-CP');
    expect(rows[2]!.category).toBe('G');
  });

  it('follow the checklist’s severity except for category G and item E2', () => {
    expect(defaultSeverity({ code: 'E1', category: 'E', severity: 'high' })).toBe('high');
    expect(defaultSeverity({ code: 'E2', category: 'E', severity: 'high' })).toBe('critical');
    expect(defaultSeverity({ code: 'G3', category: 'G', severity: 'high' })).toBe('critical');
  });

  it('stay in step when a returned report is submitted again (no duplicates)', async () => {
    const checkId = createReport(test.app, { roundId, venueId, inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'returned', violations: ['A1', 'B1'] });
    expect(findingsOf(checkId).map((row) => row.item_code)).toEqual(['A1', 'B1']);
    const version = test.app.db.get<{ version: number }>(sql`select version from checks where id = ${checkId}`)!.version;
    const answers = answersFor(test.app, checkId, { A1: { answer: 'violation', note: 'Mô tả mới' }, C1: { answer: 'violation', note: 'Không có bình chữa cháy' } });
    const response = await inspector.post(`/checks/${checkId}`, { intent: 'submit', version, visitDate: '11/03/2025', ...answers, ownersPresent: '1', staffPresent: '2', staffCounselled: '2', conclusion: 'Sửa lại' });
    expect(response.statusCode).toBe(303);
    const rows = findingsOf(checkId);
    expect(rows.map((row) => row.item_code)).toEqual(['A1', 'C1']);
    expect(rows[0]!.description).toBe('Mô tả mới');
  });

  it('can be added outside the checklist by the report’s inspector, with errors kept on the report page', async () => {
    const checkId = submitted([]);
    const bad = await inspector.post(`/checks/${checkId}/findings`, { title: '', severity: 'high', description: 'Nhân viên không có giấy tờ' });
    expect(bad.statusCode).toBe(422);
    expect(textOf(html(bad.body), '#field-title-error')).toContain('Nhập nội dung vi phạm.');
    expect(html(bad.body)('#field-description').text()).toBe('Nhân viên không có giấy tờ');
    const added = await inspector.post(`/checks/${checkId}/findings`, { title: 'Phòng hát khóa trái cửa', severity: 'high', description: 'Phòng số 3', legalBasis: '' });
    expect(added.statusCode).toBe(303);
    expect(findingsOf(checkId)).toMatchObject([{ item_code: null, severity: 'high' }]);
    const stranger = await loginAs(test.app, 'inspector');
    expect((await stranger.post(`/checks/${checkId}/findings`, { title: 'x', severity: 'low' })).statusCode).toBe(403);
  });
});

describe('critical findings and referral', () => {
  it('stay at the top of /findings and of the head’s home page until referred', async () => {
    const checkId = submitted(['G2'], 'approved');
    const critical = findingsOf(checkId)[0]!;
    submitted(['A1']); // a newer, lower finding
    const list = html((await head.get('/findings')).body);
    expect(list('#findings-table tbody tr').first().find('a').attr('href')).toBe(`/findings/${critical.id}`);
    expect(textOf(list, '#findings-table tbody tr:first-child')).toContain('Cần chuyển giao');
    const home = html((await head.get('/')).body);
    expect(home('#unreferred a').map((_, link) => home(link).attr('href')).get()).toContain(`/findings/${critical.id}`);

    const bad = await head.post(`/findings/${critical.id}/referral`, { agency: '', referredOn: '32/03/2025', reference: '', victimDetails: '', version: '1' });
    expect(bad.statusCode).toBe(422);
    expect(textOf(html(bad.body), '#field-agency-error')).toContain('Chọn cơ quan.');
    expect(html(bad.body)('#field-referredOn').val()).toBe('32/03/2025');
    const referred = await head.post(`/findings/${critical.id}/referral`, { agency: 'border_guard', referredOn: '12/03/2025', reference: 'HS-2025-014', victimDetails: 'Nữ, 16 tuổi, quê Mường La', version: '1' });
    expect(referred.statusCode).toBe(303);
    const after = html((await head.get('/findings?referral=pending')).body);
    expect(after(`a[href="/findings/${critical.id}"]`)).toHaveLength(0);
    expect(textOf(html((await head.get(`/findings/${critical.id}`)).body), '.details')).toContain('Đã chuyển Bộ đội Biên phòng ngày 12/03/2025');
    expect((await inspector.post(`/findings/${critical.id}/referral`, { agency: 'police', referredOn: '12/03/2025', version: '2' })).statusCode).toBe(403);
  });

  it('keep the victim-detail note for heads and admins only: never on an auditor’s or inspector’s page, never in the audit trail', async () => {
    const checkId = submitted(['G3'], 'approved');
    const finding = findingsOf(checkId)[0]!;
    await head.post(`/findings/${finding.id}/referral`, { agency: 'police', referredOn: '12/03/2025', reference: 'CA-77', victimDetails: 'BÍ MẬT: em Lò Thị X, 15 tuổi', version: '1' });
    const followUp = await addFollowUp(finding.id, { measure: 'refer_police' });
    const followUpUrl = followUp.headers.location as string;
    expect(textOf(html((await head.get(`/findings/${finding.id}`)).body), '#victim-details')).toContain('BÍ MẬT');
    const admin = await loginAs(test.app, 'admin');
    expect((await admin.get(`/findings/${finding.id}`)).body).toContain('BÍ MẬT');
    for (const client of [auditor, inspector]) {
      for (const url of [`/findings/${finding.id}`, '/findings', followUpUrl, `/checks/${checkId}`, `/venues/${venueId}`, '/follow-ups', '/']) {
        expect((await client.get(url)).body, url).not.toContain('BÍ MẬT');
      }
    }
    expect((await auditor.get('/audit?type=finding')).body).not.toContain('BÍ MẬT');
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log where changes like '%BÍ MẬT%'`)!.n).toBe(0);
  });
});

describe('follow-ups', () => {
  it('are validated: a fine needs its amount in whole VND, a due date, and who acts', async () => {
    const finding = findingsOf(submitted(['F1']))[0]!;
    const before = test.app.db.get<{ n: number }>(sql`select count(*) as n from follow_ups`)!.n;
    const bad = await addFollowUp(finding.id, { measure: 'fine', fineAmount: 'mười triệu', dueDate: '', responsibleKind: 'agency', responsibleAgency: '' });
    expect(bad.statusCode).toBe(422);
    const $ = html(bad.body);
    expect(textOf($, '#field-fineAmount-error')).toContain('Nhập số tiền phạt');
    expect(textOf($, '#field-dueDate-error')).toContain('Nhập ngày.');
    expect(textOf($, '#field-responsibleAgency-error')).toContain('Chọn cơ quan.');
    expect($('#field-fineAmount').val()).toBe('mười triệu');
    const early = await addFollowUp(finding.id, { dueDate: '01/03/2025' });
    expect(textOf(html(early.body), '#field-dueDate-error')).toContain('không được trước ngày kiểm tra');
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from follow_ups`)!.n).toBe(before);
    const fine = await addFollowUp(finding.id, { measure: 'fine', fineAmount: '15.000.000', responsibleKind: 'agency', responsibleAgency: 'police' });
    expect(fine.statusCode).toBe(303);
    expect(test.app.db.get<{ fine_amount: number }>(sql`select fine_amount from follow_ups order by id desc limit 1`)!.fine_amount).toBe(15_000_000);
    expect(textOf(html((await head.get(fine.headers.location as string)).body), '.details')).toContain('15.000.000 đ');
  });

  it('are overdue the day after their due date in Vietnam, computed and never stored', async () => {
    expect(isOverdue({ status: 'open', dueDate: '2025-03-20' }, todayInVietnam(new Date('2025-03-20T16:59:59Z')))).toBe(false);
    expect(isOverdue({ status: 'open', dueDate: '2025-03-20' }, todayInVietnam(new Date('2025-03-20T17:00:00Z')))).toBe(true);
    expect(isOverdue({ status: 'done', dueDate: '2025-03-20' }, '2025-04-01')).toBe(false);
    const finding = findingsOf(submitted(['D1']))[0]!;
    const created = await addFollowUp(finding.id, { dueDate: '20/03/2025' });
    const id = Number(String(created.headers.location).split('/').pop());
    const overdueIds = async () => {
      const $ = html((await head.get('/follow-ups?overdue=1')).body);
      return $('#follow-ups-table a').map((_, link) => $(link).attr('href')).get();
    };
    clock = new Date('2025-03-20T16:59:00Z'); // 23:59 on the 20th in Hà Nội
    expect(await overdueIds()).not.toContain(`/follow-ups/${id}`);
    clock = new Date('2025-03-20T17:01:00Z'); // 00:01 on the 21st
    expect(await overdueIds()).toContain(`/follow-ups/${id}`);
    const home = html((await head.get('/')).body);
    expect(home('#overdue-by-area a').first().attr('href')).toMatch(/^\/follow-ups\?overdue=1&area=\d+$/);
  });

  it('move along by the person assigned or a head, and are verified only with evidence', async () => {
    const finding = findingsOf(submitted(['F2']))[0]!;
    const created = await addFollowUp(finding.id, { responsibleKind: 'user', responsibleUserId: inspector.user.id });
    const url = created.headers.location as string;
    const stranger = await loginAs(test.app, 'inspector');
    expect((await stranger.post(`${url}/status`, { to: 'in_progress' })).statusCode).toBe(403);
    expect((await inspector.post(`${url}/status`, { to: 'in_progress' })).statusCode).toBe(303);
    expect((await inspector.post(`${url}/status`, { to: 'verified' })).statusCode).toBe(409);
    expect((await inspector.post(`${url}/status`, { to: 'done', confirm: 'yes' })).statusCode).toBe(303);
    expect((await inspector.post(`${url}/verification`, { note: 'Đã xem' })).statusCode).toBe(403);
    const noEvidence = await head.post(`${url}/verification`, { note: ' ' });
    expect(noEvidence.statusCode).toBe(422);
    expect(textOf(html(noEvidence.body), '#field-note-error')).toContain('Chọn biên bản tái kiểm tra');
    // A report that is not later, or does not show the item compliant, is not evidence.
    expect((await head.post(`${url}/verification`, { checkId: String(finding.check_id) })).statusCode).toBe(422);
    clock = new Date('2025-03-16T03:00:00Z'); // a report is filed after its visit
    const later = submitted([], 'approved', '15/03/2025');
    clock = start;
    const page = html((await head.get(url)).body);
    expect(page(`#field-checkId option[value="${later}"]`)).toHaveLength(1);
    expect((await head.post(`${url}/verification`, { checkId: String(later) })).statusCode).toBe(303);
    expect(test.app.db.get<{ status: string; verified_by_check_id: number }>(sql`select status, verified_by_check_id from follow_ups where id = ${Number(url.split('/').pop())}`)).toEqual({ status: 'verified', verified_by_check_id: later });
  });

  it('are verified by a head’s note once done, which settles the finding when it is the last', async () => {
    const finding = findingsOf(submitted(['H1']))[0]!;
    const url = (await addFollowUp(finding.id)).headers.location as string;
    const early = await head.post(`${url}/verification`, { note: 'Đã kiểm tra hồ sơ tạm trú tại Công an xã' });
    expect(early.statusCode).toBe(422);
    expect(textOf(html(early.body), '#field-note-error')).toContain('Chỉ xác nhận bằng ghi chú khi biện pháp đã “Đã xong”');
    expect(html(early.body)('#field-note').text()).toBe('Đã kiểm tra hồ sơ tạm trú tại Công an xã');
    await head.post(`${url}/status`, { to: 'done', confirm: 'yes' });
    expect((await head.post(`${url}/verification`, { note: 'Đã kiểm tra hồ sơ tạm trú tại Công an xã' })).statusCode).toBe(303);
    expect(textOf(html((await head.get(url)).body), 'hgroup')).toContain('Đã xác nhận');
    expect(test.app.db.get<{ status: string }>(sql`select status from findings where id = ${finding.id}`)!.status).toBe('closed');
  });

  it('settle a critical finding once it is also referred, whichever comes last', async () => {
    const finding = findingsOf(submitted(['E2']))[0]!;
    const url = (await addFollowUp(finding.id, { measure: 'stop_minor_employment' })).headers.location as string;
    await head.post(`${url}/status`, { to: 'done', confirm: 'yes' });
    expect((await head.post(`${url}/verification`, { note: 'Đã cho thôi việc' })).statusCode).toBe(303);
    expect(test.app.db.get<{ status: string }>(sql`select status from findings where id = ${finding.id}`)!.status).toBe('open');
    const version = test.app.db.get<{ version: number }>(sql`select version from findings where id = ${finding.id}`)!.version;
    expect((await head.post(`/findings/${finding.id}/referral`, { agency: 'police', referredOn: '12/03/2025', reference: 'CA-7', victimDetails: '', version: String(version) })).statusCode).toBe(303);
    expect(test.app.db.get<{ status: string }>(sql`select status from findings where id = ${finding.id}`)!.status).toBe('closed');
  });

  it('are given only to people who can see the finding’s area', async () => {
    const finding = findingsOf(submitted(['C1']))[0]!;
    const elsewhere = await loginAs(test.app, 'inspector', { areaId: district(test.app, 'Sốp Cộp').id });
    const page = html((await head.get(`/findings/${finding.id}`)).body);
    expect(page(`select[name="responsibleUserId"] option[value="${elsewhere.user.id}"]`)).toHaveLength(0);
    expect(page(`select[name="responsibleUserId"] option[value="${inspector.user.id}"]`)).toHaveLength(1);
    const refused = await addFollowUp(finding.id, { responsibleKind: 'user', responsibleUserId: elsewhere.user.id });
    expect(refused.statusCode).toBe(422);
    expect(textOf(html(refused.body), '#field-responsibleUserId-error')).toContain('không phụ trách địa bàn');
  });

  it('update their quick-filter counts and links with the list when filtered in place', async () => {
    const fragment = await head.get('/follow-ups?measure=fine', htmxHeaders('follow-ups-results'));
    const $ = html(fragment.body);
    const quick = $('#follow-ups-quick[hx-swap-oob="true"]');
    expect(quick).toHaveLength(1);
    expect(quick.find('a').eq(2).attr('href')).toBe('/follow-ups?overdue=1&measure=fine');
    const fines = test.app.db.get<{ n: number }>(sql`select count(*) as n from follow_ups where measure = 'fine'`)!.n;
    expect(quick.find('a').first().find('.count').text()).toBe(String(fines));
    expect(html((await head.get('/follow-ups?measure=fine')).body)('#follow-ups-quick[hx-swap-oob]')).toHaveLength(0);
  });

  it('filter by mine, overdue, due within 7 days, agency, measure and status, with counts', async () => {
    const finding = findingsOf(submitted(['B2']))[0]!;
    await addFollowUp(finding.id, { measure: 'fix_premises', responsibleKind: 'user', responsibleUserId: inspector.user.id, dueDate: '15/03/2025' });
    const mine = html((await inspector.get('/follow-ups?mine=1')).body);
    const inspectorName = test.app.db.get<{ name: string }>(sql`select name from users where id = ${inspector.user.id}`)!.name;
    mine('#follow-ups-table tbody tr td:nth-child(3)').each((_, cell) => void expect(mine(cell).text()).toBe(inspectorName));
    expect(Number(mine('.quick-filters a[aria-current] .count').text())).toBe(mine('#follow-ups-table tbody tr').length);
    const dueSoon = html((await head.get('/follow-ups?due7=1')).body);
    expect(textOf(dueSoon, '#follow-ups-table')).toContain('Khắc phục cơ sở vật chất');
    const byMeasure = await head.get('/follow-ups?measure=fix_premises', htmxHeaders('follow-ups-results'));
    expect(byMeasure.body).not.toContain('<html');
    html(byMeasure.body)('#follow-ups-table tbody tr').each((_, row) => void expect(html(byMeasure.body)(row).text()).toContain('Khắc phục cơ sở vật chất'));
    const byAgency = html((await head.get('/follow-ups?agency=police')).body);
    byAgency('#follow-ups-table tbody tr td:nth-child(3)').each((_, cell) => void expect(byAgency(cell).text()).toContain('Công an'));
  });

  it('take comments, returned as the thread fragment for htmx', async () => {
    const finding = findingsOf(submitted(['C2']))[0]!;
    const url = (await addFollowUp(finding.id)).headers.location as string;
    const empty = await inspector.upload(`${url}/comments`, undefined, { body: '  ' }, htmxHeaders('comments-section'));
    expect(empty.statusCode).toBe(422);
    const response = await inspector.upload(`${url}/comments`, undefined, { body: 'Cơ sở hẹn thứ Hai nộp hồ sơ' }, htmxHeaders('comments-section'));
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('<html');
    expect(textOf(html(response.body), '.comments')).toContain('Cơ sở hẹn thứ Hai nộp hồ sơ');
    expect((await auditor.upload(`${url}/comments`, undefined, { body: 'x' })).statusCode).toBe(403);
  });
});

describe('a venue’s history', () => {
  it('lists reports, findings, follow-ups and every follow-up status change, newest first', async () => {
    const finding = findingsOf(submitted(['F1'], 'submitted', '12/03/2025'))[0]!;
    const url = (await addFollowUp(finding.id)).headers.location as string;
    clock = new Date('2025-03-14T02:00:00Z');
    expect((await head.post(`${url}/status`, { to: 'in_progress' })).statusCode).toBe(303);
    clock = new Date('2025-03-14T05:00:00Z'); // the same day in Vietnam, three hours later
    expect((await head.post(`${url}/status`, { to: 'done', confirm: 'yes' })).statusCode).toBe(303);
    const $ = html((await head.get(`/venues/${venueId}`)).body);
    const events = $('.timeline li').map((_, item) => ({ date: $(item).find('time').attr('datetime')!, text: $(item).text().replace(/\s+/g, ' ').trim() })).get();
    const changes = events.filter((event) => event.text.startsWith('14/03/2025 · Biện pháp đổi trạng thái'));
    // Newest first, the later change of the same day too.
    expect(changes.map((event) => event.text.split('(').pop())).toEqual(['Đang thực hiện → Đã xong)', 'Chưa thực hiện → Đang thực hiện)']);
    const dates = events.map((event) => event.date);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(events.some((event) => event.text.startsWith('12/03/2025 · Vi phạm'))).toBe(true);
  });
});

describe('closing a finding', () => {
  it('happens only when all its follow-ups are done or verified, and a critical one was referred', async () => {
    expect(canClose({ status: 'open', severity: 'low', referredOn: null }, [])).toBe(false);
    expect(canClose({ status: 'open', severity: 'low', referredOn: null }, [{ status: 'done' }, { status: 'verified' }])).toBe(true);
    expect(canClose({ status: 'open', severity: 'low', referredOn: null }, [{ status: 'done' }, { status: 'in_progress' }])).toBe(false);
    expect(canClose({ status: 'open', severity: 'critical', referredOn: null }, [{ status: 'verified' }])).toBe(false);
    const finding = findingsOf(submitted(['B1']))[0]!;
    expect((await head.post(`/findings/${finding.id}/closure`, { confirm: 'yes' })).statusCode).toBe(409);
    const first = (await addFollowUp(finding.id)).headers.location as string;
    const second = (await addFollowUp(finding.id, { measure: 'fix_premises' })).headers.location as string;
    await head.post(`${first}/status`, { to: 'done', confirm: 'yes' });
    expect((await head.post(`/findings/${finding.id}/closure`, { confirm: 'yes' })).statusCode).toBe(409);
    await head.post(`${second}/status`, { to: 'done', confirm: 'yes' });
    expect((await head.post(`/findings/${finding.id}/closure`, { confirm: 'yes' })).statusCode).toBe(303);
    expect(test.app.db.get<{ status: string }>(sql`select status from findings where id = ${finding.id}`)!.status).toBe('closed');
  });
});

describe('re-inspection', () => {
  it('lists the venue’s open findings; confirming one fixed verifies its follow-ups when the report is approved', async () => {
    const venue = createVenue(test.app, { name: 'Nhà nghỉ Hoa Ban', kind: 'lodging' });
    const original = createReport(test.app, { roundId, venueId: venue, inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'approved', violations: ['F1', 'E1'] });
    const [e1, f1] = test.app.db.all<{ id: number; item_code: string }>(sql`select id, item_code from findings where check_id = ${original} order by item_code`);
    const followUp = (await addFollowUp(f1!.id)).headers.location as string;
    await addFollowUp(e1!.id, { measure: 'sign_contracts' });

    const venuePage = html((await inspector.get(`/venues/${venue}`)).body);
    expect(textOf(venuePage, '#open-findings-heading')).toContain('2 vi phạm đang theo dõi');
    const redirect = await inspector.get(`/venues/${venue}/reinspection?round=${roundId}`);
    expect(redirect.headers.location).toBe(`/rounds/${roundId}/checks/new?venue=${venue}&reinspection=1`);
    clock = new Date('2025-03-15T03:00:00Z'); // the re-inspection took place on the 14th
    const started = await inspector.post(`/rounds/${roundId}/checks`, { venueId: venue, visitDate: '14/03/2025', reinspection: '1' });
    const reportId = Number(String(started.headers.location).split('/').pop());
    const form = html((await inspector.get(`/checks/${reportId}`)).body);
    expect(form(`#confirm-${f1!.id}`)).toHaveLength(1);
    expect(form(`#confirm-${e1!.id}`)).toHaveLength(1);

    const base = { visitDate: '14/03/2025', ...answersFor(test.app, reportId, { E1: { answer: 'violation', note: 'Vẫn chưa ký hợp đồng' } }), ownersPresent: '1', staffPresent: '3', staffCounselled: '3', conclusion: 'Tái kiểm tra' };
    const unconfirmed = await inspector.post(`/checks/${reportId}`, { intent: 'submit', version: '1', ...base });
    expect(unconfirmed.statusCode).toBe(422);
    expect(textOf(html(unconfirmed.body), `#fixed_${f1!.id}-error`)).toContain('đã khắc phục hay chưa');
    // What is said of an earlier finding must agree with the same item in this visit's checklist.
    const contradicting = await inspector.post(`/checks/${reportId}`, { intent: 'submit', version: '1', ...base, [`fixed_${f1!.id}`]: 'yes', [`fixed_${e1!.id}`]: 'yes' });
    expect(contradicting.statusCode).toBe(422);
    expect(textOf(html(contradicting.body), `#fixed_${e1!.id}-error`)).toContain('mục E1 của lần kiểm tra này lại là “Không đạt”');
    const submittedReport = await inspector.post(`/checks/${reportId}`, { intent: 'submit', version: '1', ...base, [`fixed_${f1!.id}`]: 'yes', [`fixedNote_${f1!.id}`]: 'Đã đăng ký tạm trú', [`fixed_${e1!.id}`]: 'no' });
    expect(submittedReport.statusCode).toBe(303);
    expect(test.app.db.get<{ status: string }>(sql`select status from follow_ups where id = ${Number(followUp.split('/').pop())}`)!.status).toBe('open');
    await head.post(`/checks/${reportId}/review`, { decision: 'approve' });
    const verified = test.app.db.get<{ status: string; verified_by_check_id: number }>(sql`select status, verified_by_check_id from follow_ups where id = ${Number(followUp.split('/').pop())}`)!;
    expect(verified).toEqual({ status: 'verified', verified_by_check_id: reportId });
    expect(test.app.db.get<{ status: string }>(sql`select status from findings where id = ${f1!.id}`)!.status).toBe('closed');
    expect(test.app.db.get<{ status: string }>(sql`select status from findings where id = ${e1!.id}`)!.status).toBe('open');
    const history = html((await head.get(`/venues/${venue}`)).body);
    expect(textOf(history, '.timeline')).toContain('Xác nhận khắc phục');
  });
});

describe('home pages', () => {
  it('show an inspector their drafts, rounds in progress and follow-ups due', async () => {
    createReport(test.app, { roundId, venueId, inspectorId: inspector.user.id });
    test.app.db.run(sql`update rounds set status = 'in_progress' where id = ${roundId}`);
    const $ = html((await inspector.get('/')).body);
    expect(Number($('#stat-drafts').text())).toBeGreaterThan(0);
    expect($('#stat-drafts').attr('href')).toBe(`/checks?status=draft&inspector=${inspector.user.id}`);
    expect($(`#my-rounds a[href="/rounds/${roundId}"]`)).toHaveLength(1);
    expect($('#stat-my-overdue').attr('href')).toBe('/follow-ups?mine=1&overdue=1');
  });

  it('list a person’s rounds in progress under that title, and their planned rounds in a block of their own', async () => {
    const planned = createRoundWithTeam(test.app, [head.user.id], { title: 'Đợt sắp tới', startDate: '2025-04-10', endDate: '2025-04-12' });
    const running = createRoundWithTeam(test.app, [head.user.id], { title: 'Đợt đang làm', startDate: '2025-03-10', endDate: '2025-03-20' });
    test.app.db.run(sql`update rounds set status = 'in_progress' where id = ${running}`);
    const $ = html((await head.get('/')).body);
    expect($('#my-rounds a[href^="/rounds/"]').filter((_, link) => /^\/rounds\/\d+$/.test($(link).attr('href')!)).map((_, link) => $(link).attr('href')).get()).toEqual([`/rounds/${running}`]);
    expect($('#my-planned-rounds a').map((_, link) => $(link).attr('href')).get()).toEqual([`/rounds/${planned}`]);
    expect(textOf($, '#my-planned-heading')).toBe('Đợt kiểm tra sắp tới có tên tôi trong đoàn');
  });

  it('show a head the reports waiting for review', async () => {
    submitted([]);
    const $ = html((await head.get('/')).body);
    const waiting = test.app.db.get<{ n: number }>(sql`select count(*) as n from checks where status = 'submitted'`)!.n;
    expect($('#stat-awaiting').text()).toBe(String(waiting));
    const list = html((await head.get('/checks?status=submitted')).body);
    expect(textOf(list, '.result-count')).toContain(`${waiting} kết quả`);
  });
});

describe('critical, as each checklist version says', () => {
  interface Body {
    categories: unknown[];
    items: Array<{ code: string; category: string; severity: string }>;
    severityFromItems?: true;
  }
  function publishVersion(change: (body: Body) => void): void {
    const latest = test.app.db.get<{ version: number; body: string }>(sql`select version, body from checklist_templates where code = 'venue-inspection' and status = 'published' order by version desc limit 1`)!;
    const body = JSON.parse(latest.body) as Body;
    change(body);
    test.app.db.run(sql`insert into checklist_templates (code, version, title_vi, title_en, status, body, created_at, published_at)
      values ('venue-inspection', ${latest.version + 1}, 'Bảng kiểm', 'Checklist', 'published', ${JSON.stringify(body)}, '2025-03-12T00:00:00Z', '2025-03-12T00:00:00Z')`);
  }
  const item = (body: Body, code: string) => body.items.find((candidate) => candidate.code === code)!;

  it('marks every G item and E2 critical in the bundled first version', () => {
    const first = JSON.parse(test.app.db.get<{ body: string }>(sql`select body from checklist_templates where code = 'venue-inspection' and version = 1`)!.body) as Body;
    expect(first.severityFromItems).toBe(true);
    expect(first.items.filter((candidate) => candidate.severity === 'critical').map((candidate) => candidate.code)).toEqual(['E2', 'G1', 'G2', 'G3', 'G4', 'G5']);
  });

  it('keeps the meaning of a version stored before items carried it: G and E2 stay critical', () => {
    publishVersion((body) => {
      delete body.severityFromItems;
      item(body, 'G5').severity = 'medium';
      item(body, 'E2').severity = 'high';
    });
    const findings = findingsOf(submitted(['A1', 'E2', 'G5']));
    expect(findings.map((row) => [row.item_code, row.severity])).toEqual([['A1', 'medium'], ['E2', 'critical'], ['G5', 'critical']]);
  });

  it('follows a new version that marks another item critical, and keeps a finding of a critical item critical', async () => {
    publishVersion((body) => {
      body.severityFromItems = true;
      item(body, 'A1').severity = 'critical';
      item(body, 'G5').severity = 'high';
    });
    const findings = findingsOf(submitted(['A1', 'G5']));
    expect(findings.map((row) => [row.item_code, row.severity])).toEqual([['A1', 'critical'], ['G5', 'high']]);
    const [a1, g5] = findings;
    const refused = await head.post(`/findings/${a1!.id}/severity`, { severity: 'high' });
    expect(refused.statusCode).toBe(409);
    expect(textOf(html(refused.body), '[role="alert"]')).toContain('Bảng kiểm đánh dấu mục A1 là nghiêm trọng');
    expect((await head.post(`/findings/${g5!.id}/severity`, { severity: 'critical' })).statusCode).toBe(303);
    expect((await head.post(`/findings/${g5!.id}/severity`, { severity: 'low' })).statusCode).toBe(303);
    expect(findingsOf(a1!.check_id).map((row) => row.severity)).toEqual(['critical', 'low']);
  });
});

describe('addresses', () => {
  it('answer 404 for an id that does not read, after telling a refused person 403', async () => {
    for (const url of ['/checks/abc', '/findings/0', '/follow-ups/x', '/checks/1/attachments/nope']) expect((await head.get(url)).statusCode).toBe(404);
    expect((await head.post('/follow-ups/NaN/status', { to: 'done', confirm: 'yes' })).statusCode).toBe(404);
    expect((await auditor.post('/follow-ups/NaN/status', { to: 'done', confirm: 'yes' })).statusCode).toBe(403);
    expect((await auditor.post('/findings/abc/referral', {})).statusCode).toBe(403);
  });
});
