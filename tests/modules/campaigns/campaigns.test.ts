import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, htmxHeaders, type TestApp } from '../../helpers/app.js';
import { loginAs, type SignedInClient } from '../../helpers/auth.js';
import { commune, createReport, createRound, createRoundWithTeam, createVenue, district, roundFields, outreachForm } from '../../helpers/factories.js';
import { html, textOf } from '../../helpers/html.js';

let test: TestApp;
let head: SignedInClient;
let inspector: SignedInClient;

beforeAll(async () => {
  test = await buildTestApp({ now: () => new Date('2025-06-20T03:00:00Z'), env: { SAMPLE_DATA: 'true' } });
  head = await loginAs(test.app, 'department_head');
  inspector = await loginAs(test.app, 'inspector');
});
afterAll(async () => {
  await test.close();
});

const idOf = (location: unknown) => Number(String(location).split('/').pop());

async function createCampaign(fields: Record<string, unknown> = {}) {
  const response = await head.post('/campaigns', { title: 'Tháng cao điểm phòng, chống mua bán người 2025', planNumber: '45/KH-UBND', kind: 'action_month', startDate: '01/03/2025', endDate: '31/05/2025', ownerId: '', description: '', ...fields });
  return response;
}

function outreachFields(campaignId: number | string, overrides: Record<string, unknown> = {}) {
  return outreachForm({
    campaignId,
    activityDate: '15/03/2025',
    areaId: district(test.app, 'Bắc Yên').id,
    village: 'Bản Mường Chiến',
    format: 'village_meeting',
    channel: 'in_person',
    targetGroups: ['women_reproductive_age', 'students'],
    organisingAgency: 'womens_union',
    participantsTotal: '120',
    participantsWomen: '80',
    leaflets: '200',
    posters: '',
    broadcastMinutes: '',
    notes: '',
    ...overrides,
  });
}

describe('the sample programme', () => {
  it('holds the 11 sample rounds under Decision 193/QĐ-TTg', async () => {
    const row = test.app.db.get<{ id: number; plan_number: string; is_sample: number }>(sql`select id, plan_number, is_sample from campaigns where is_sample = 1`)!;
    expect(row.plan_number).toBe('193/QĐ-TTg');
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from rounds where campaign_id = ${row.id}`)!.n).toBe(11);
    const page = html((await head.get(`/campaigns/${row.id}`)).body);
    expect(textOf(page, '#rounds-heading')).toContain('(11)');
    expect(page('.sample-badge').length).toBeGreaterThan(0);
  });
});

describe('campaigns', () => {
  it('are created, listed with progress and filtered by status and year', async () => {
    const created = await createCampaign();
    expect(created.statusCode).toBe(303);
    const list = html((await head.get('/campaigns?year=2025')).body);
    expect(textOf(list, '#campaigns-table')).toContain('Tháng cao điểm');
    expect(textOf(list, '#campaigns-table')).toContain('Chưa đặt chỉ tiêu');
    const none = await head.get('/campaigns?year=2019', htmxHeaders('campaigns-results'));
    expect(textOf(html(none.body), '.empty-state')).toContain('Không có kế hoạch nào khớp');
    const drafts = html((await head.get('/campaigns?status=draft')).body);
    expect(textOf(drafts, '#campaigns-table')).toContain('Tháng cao điểm');
    expect(textOf(drafts, '#campaigns-table')).not.toContain('193/QĐ-TTg');
  });

  it('refuse a bad form with messages beside the fields', async () => {
    const before = test.app.db.get<{ n: number }>(sql`select count(*) as n from campaigns`)!.n;
    const response = await createCampaign({ title: '', kind: 'party', startDate: '31/05/2025', endDate: '01/03/2025' });
    expect(response.statusCode).toBe(422);
    const $ = html(response.body);
    expect(textOf($, '#field-title-error')).toContain('Nhập tên kế hoạch.');
    expect(textOf($, '#field-kind-error')).toContain('Chọn loại kế hoạch.');
    expect(textOf($, '#field-endDate-error')).toContain('Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.');
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from campaigns`)!.n).toBe(before);
  });

  it('move draft → active → closed only', async () => {
    const id = idOf((await createCampaign({ title: 'Kế hoạch trạng thái' })).headers.location);
    expect((await head.post(`/campaigns/${id}/status`, { to: 'closed', confirm: 'yes' })).statusCode).toBe(409);
    expect((await head.post(`/campaigns/${id}/status`, { to: 'active' })).statusCode).toBe(303);
    const status = () => test.app.db.get<{ status: string }>(sql`select status from campaigns where id = ${id}`)!.status;
    expect(status()).toBe('active');
    expect((await head.post(`/campaigns/${id}/status`, { to: 'closed', confirm: 'yes' })).statusCode).toBe(303);
    expect(status()).toBe('closed');
    expect((await inspector.post(`/campaigns/${id}/status`, { to: 'active' })).statusCode).toBe(403);
    expect(status()).toBe('closed');
    const changes = test.app.db.all<{ changes: string }>(sql`select changes from audit_log where record_type = 'campaign' and record_id = ${id} and action <> 'create' order by id`);
    expect(changes.map((row) => JSON.parse(row.changes).status)).toEqual([['draft', 'active'], ['active', 'closed']]);
    expect(textOf(html((await head.get(`/campaigns/${id}`)).body), 'main')).toContain('Đã kết thúc');
  });
});

describe('target against actual', () => {
  it('sums hand-computed fixtures: only approved reports count, a district includes its new communes, an idle area shows zeros', async () => {
    const campaignId = idOf((await createCampaign({ title: 'Kế hoạch có chỉ tiêu', startDate: '01/01/2025', endDate: '31/12/2025' })).headers.location);
    const bacYen = district(test.app, 'Bắc Yên');
    const phuYen = district(test.app, 'Phù Yên');
    const targets = await head.post(`/campaigns/${campaignId}/targets`, {
      targetArea: [bacYen.id, phuYen.id],
      target_rounds: ['2', '1'],
      target_venues: ['4', '2'],
      target_sessions: ['2', '1'],
      target_participants: ['200', '50'],
    });
    expect(targets.statusCode).toBe(303);

    // Bắc Yên: one round before the reform (district) and one after (in a commune formed from Bắc Yên).
    const before = createRoundWithTeam(test.app, [inspector.user.id], { title: 'Bắc Yên tháng 3', campaignId: String(campaignId) });
    const newCommune = test.app.catalog.districtFamily(bacYen.id)[1]!;
    createRound(test.app, { title: 'Bắc Yên sau sắp xếp', campaignId: String(campaignId), areaIds: [String(newCommune)], startDate: '2025-08-01', endDate: '2025-08-02' });
    createRound(test.app, { title: 'Đợt đã hủy', campaignId: String(campaignId) }); // cancelled below: does not count
    const cancelled = test.app.db.get<{ id: number }>(sql`select id from rounds where title = 'Đợt đã hủy'`)!.id;
    test.app.db.run(sql`update rounds set status = 'cancelled' where id = ${cancelled}`);
    // Rounds count once held; a planned one does not.
    test.app.db.run(sql`update rounds set status = 'completed' where title in ('Bắc Yên tháng 3', 'Bắc Yên sau sắp xếp')`);
    createRound(test.app, { title: 'Đợt mới dự kiến', campaignId: String(campaignId) });
    const venueA = createVenue(test.app, { name: 'Karaoke A' });
    const venueB = createVenue(test.app, { name: 'Karaoke B' });
    const venueC = createVenue(test.app, { name: 'Karaoke C' });
    createReport(test.app, { roundId: before, venueId: venueA, inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'approved' });
    createReport(test.app, { roundId: before, venueId: venueA, inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'approved' }); // same venue twice: one venue
    createReport(test.app, { roundId: before, venueId: venueB, inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'approved' });
    createReport(test.app, { roundId: before, venueId: venueC, inspectorId: inspector.user.id, status: 'draft' }); // a draft does not count
    createReport(test.app, { roundId: before, venueId: venueC, inspectorId: inspector.user.id, status: 'submitted' }); // nor does a submitted one
    await inspector.post('/outreach', outreachFields(campaignId, { participantsTotal: '120', participantsWomen: '80' }));
    await inspector.post('/outreach', outreachFields(campaignId, { participantsTotal: '30', participantsWomen: '10', areaId: newCommune, activityDate: '10/08/2025' }));
    await inspector.post('/outreach', outreachFields('', { participantsTotal: '999', participantsWomen: '1' })); // not in the campaign

    const page = html((await head.get(`/campaigns/${campaignId}`)).body);
    const cells = (areaId: number) => page(`#progress-table tr[data-area="${areaId}"] td`).map((_, cell) => page(cell).text().replace(/\s+/g, ' ').trim()).get();
    expect(cells(bacYen.id)).toEqual(['2 / 2', '2 / 4 (thiếu 2)', '2 / 2', '150 / 200 (thiếu 50)']);
    expect(cells(phuYen.id)).toEqual(['0 / 1 (thiếu 1)', '0 / 2 (thiếu 2)', '0 / 1 (thiếu 1)', '0 / 50 (thiếu 50)']);
    expect(page(`#progress-table tr[data-area="${phuYen.id}"] td.shortfall`)).toHaveLength(4);
    // Overall: rounds 2/3, venues 2/6, sessions 2/3, participants 150/250 → mean of 0.667, 0.333, 0.667, 0.6 = 56.7%.
    expect(textOf(page, '.overall')).toContain('Tiến độ chung: 57%');

    // The bars are server-rendered SVG with widths in proportion (200 units = the target).
    const bar = (metric: string, areaId: number) => Number(page(`svg[data-metric="${metric}"] rect.bar-actual[data-area="${areaId}"]`).attr('width'));
    expect(bar('rounds', bacYen.id)).toBe(200);
    expect(bar('venues', bacYen.id)).toBe(100);
    expect(bar('participants', bacYen.id)).toBe(150);
    expect(bar('venues', phuYen.id)).toBe(0);
    expect(page(`svg[data-metric="venues"] rect.bar-actual[data-area="${bacYen.id}"]`).attr('class')).toContain('bar-short');
  });

  it('refuse malformed targets and keep the old ones, with each message beside its cell and everything typed kept', async () => {
    const campaignId = idOf((await createCampaign({ title: 'Chỉ tiêu lỗi' })).headers.location);
    const maiSon = district(test.app, 'Mai Sơn').id;
    const songMa = district(test.app, 'Sông Mã').id;
    await head.post(`/campaigns/${campaignId}/targets`, { targetArea: [maiSon], target_rounds: ['3'], target_venues: [''], target_sessions: [''], target_participants: [''] });
    const bad = await head.post(`/campaigns/${campaignId}/targets`, { targetArea: [maiSon, songMa, ''], target_rounds: ['-1', '2', ''], target_venues: ['x', '5', '7'], target_sessions: ['', '3', ''], target_participants: ['', '200', ''] });
    expect(bad.statusCode).toBe(422);
    const page = html(bad.body);
    expect(textOf(page, '#targets .form-alert')).toContain('sửa các ô được đánh dấu');
    expect(textOf(page, '#target-rounds-0-error')).toBe('Nhập số nguyên không âm (0, 1, 2…).');
    expect(page('#target-rounds-0').attr('aria-invalid')).toBe('true');
    expect(textOf(page, '#target-venues-0-error')).toBe('Nhập số nguyên không âm (0, 1, 2…).');
    expect(textOf(page, '#target-area-2-error')).toBe('Chọn địa bàn cho dòng này.');
    // What was typed comes back, the valid row too.
    expect(page('#target-rounds-0').val()).toBe('-1');
    expect(page('#target-area-1 option[selected]').val()).toBe(String(songMa));
    expect(page('#target-participants-1').val()).toBe('200');
    expect(page('#target-venues-2').val()).toBe('7');
    expect(test.app.db.get<{ rounds: number }>(sql`select rounds from campaign_targets where campaign_id = ${campaignId}`)!.rounds).toBe(3);
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from campaign_targets where campaign_id = ${campaignId}`)!.n).toBe(1);
  });

  it('keep a district user to their district: figures, totals and rounds, and their save leaves other districts’ targets alone', async () => {
    const campaignId = idOf((await createCampaign({ title: 'Kế hoạch hai huyện', startDate: '01/01/2025', endDate: '31/12/2025' })).headers.location);
    const maiSon = district(test.app, 'Mai Sơn');
    const songMa = district(test.app, 'Sông Mã');
    await head.post(`/campaigns/${campaignId}/targets`, { targetArea: [maiSon.id, songMa.id], target_rounds: ['1', '1'], target_venues: ['6', '4'], target_sessions: ['3', '2'], target_participants: ['150', '100'] });
    createRound(test.app, { title: 'Đợt Mai Sơn của kế hoạch', campaignId: String(campaignId), areaIds: [String(maiSon.id)] });
    const songMaHead = await loginAs(test.app, 'department_head', { areaId: songMa.id });
    const page = html((await songMaHead.get(`/campaigns/${campaignId}`)).body);
    expect(page('#progress-table tbody tr').map((_, row) => page(row).attr('data-area')).get()).toEqual([String(songMa.id)]);
    expect(textOf(page, '#progress-table tfoot td[data-metric="venues"]')).toBe('0 / 4');
    expect(textOf(page, '#progress-table tfoot td[data-metric="rounds"]')).toBe('0 / 1');
    expect(page.text()).not.toContain('Đợt Mai Sơn của kế hoạch');
    // Their targets form holds only Sông Mã; saving it keeps Mai Sơn's target as it was.
    expect(page('#targets select[name="targetArea"] option[selected]').map((_, option) => page(option).val()).get().filter(Boolean)).toEqual([String(songMa.id)]);
    expect((await songMaHead.post(`/campaigns/${campaignId}/targets`, { targetArea: [songMa.id], target_rounds: ['2'], target_venues: ['4'], target_sessions: ['2'], target_participants: ['100'] })).statusCode).toBe(303);
    const rows = test.app.db.all<{ area_id: number; rounds: number; venues: number }>(sql`select area_id, rounds, venues from campaign_targets where campaign_id = ${campaignId} order by area_id`);
    expect(rows).toEqual([{ area_id: Math.min(maiSon.id, songMa.id), rounds: maiSon.id < songMa.id ? 1 : 2, venues: maiSon.id < songMa.id ? 6 : 4 }, { area_id: Math.max(maiSon.id, songMa.id), rounds: maiSon.id < songMa.id ? 2 : 1, venues: maiSon.id < songMa.id ? 4 : 6 }]);
    // The whole province still sees both, and the Mai Sơn round.
    const whole = html((await head.get(`/campaigns/${campaignId}`)).body);
    expect(whole('#progress-table tbody tr')).toHaveLength(2);
    expect(whole.text()).toContain('Đợt Mai Sơn của kế hoạch');
  });

  it('show what was done per district even before any target is set', async () => {
    const campaignId = idOf((await createCampaign({ title: 'Kế hoạch chưa có chỉ tiêu', startDate: '01/01/2025', endDate: '31/12/2025' })).headers.location);
    const thuanChau = district(test.app, 'Thuận Châu');
    const held = createRound(test.app, { title: 'Đợt Thuận Châu', campaignId: String(campaignId), areaIds: [String(thuanChau.id)] });
    test.app.db.run(sql`update rounds set status = 'in_progress' where id = ${held}`);
    await inspector.post('/outreach', outreachFields(campaignId, { areaId: thuanChau.id, participantsTotal: '40', participantsWomen: '20' }));
    const page = html((await head.get(`/campaigns/${campaignId}`)).body);
    expect(textOf(page, '#progress')).toContain('Chưa đặt chỉ tiêu');
    const cells = page(`#progress-table tr[data-area="${thuanChau.id}"] td`).map((_, cell) => page(cell).text().trim()).get();
    expect(cells).toEqual(['1 / —', '0 / —', '1 / —', '40 / —']);
    expect(page('svg.bar-chart')).toHaveLength(0);
  });

  it('refuse a shorter period that would leave the campaign’s work outside it', async () => {
    const campaignId = idOf((await createCampaign({ title: 'Kế hoạch rút ngắn', startDate: '01/01/2025', endDate: '31/12/2025' })).headers.location);
    createRound(test.app, { title: 'Đợt tháng 3', campaignId: String(campaignId), areaIds: [String(district(test.app, 'Yên Châu').id)] });
    const edit = await head.post(`/campaigns/${campaignId}`, { title: 'Kế hoạch rút ngắn', planNumber: '', kind: 'action_month', startDate: '01/06/2025', endDate: '31/12/2025', ownerId: '', description: '', version: '1' });
    expect(edit.statusCode).toBe(422);
    expect(textOf(html(edit.body), '#field-startDate-error')).toContain('Có 1 đợt kiểm tra và 0 hoạt động tuyên truyền');
    expect(test.app.db.get<{ start_date: string }>(sql`select start_date from campaigns where id = ${campaignId}`)!.start_date).toBe('2025-01-01');
  });

  it('take no new rounds or activities once closed', async () => {
    const campaignId = idOf((await createCampaign({ title: 'Kế hoạch đã đóng', startDate: '01/01/2025', endDate: '31/12/2025' })).headers.location);
    await head.post(`/campaigns/${campaignId}/status`, { to: 'active' });
    await head.post(`/campaigns/${campaignId}/status`, { to: 'closed', confirm: 'yes' });
    const activity = await inspector.post('/outreach', outreachFields(campaignId));
    expect(activity.statusCode).toBe(422);
    expect(textOf(html(activity.body), '#field-campaignId-error')).toContain('Kế hoạch này đã kết thúc');
    const round = await head.post('/rounds', roundFields(test.app, { campaignId: String(campaignId) }));
    expect(round.statusCode).toBe(422);
    expect(html((await head.get(`/campaigns/${campaignId}`)).body)(`a[href="/outreach/new?campaign=${campaignId}"]`)).toHaveLength(0);
    expect(textOf(html((await head.post(`/campaigns/${campaignId}/status`, { to: 'bogus' })).body), '.form-alert')).toBe('Trạng thái không hợp lệ.');
  });
});

describe('outreach', () => {
  it('validates whole numbers, women ≤ total, the campaign’s period and the area on that date, keeping what was typed', async () => {
    const campaignId = idOf((await createCampaign({ title: 'Kế hoạch tuyên truyền', kind: 'awareness' })).headers.location);
    const count = () => test.app.db.get<{ n: number }>(sql`select count(*) as n from outreach_activities`)!.n;
    const before = count();
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ participantsTotal: '-5' }, 'participantsTotal', 'Nhập số nguyên không âm.'],
      [{ participantsTotal: '12.5' }, 'participantsTotal', 'Chỉ nhập số nguyên'],
      [{ participantsWomen: '121' }, 'participantsWomen', 'Số nữ không được lớn hơn tổng số (120).'],
      [{ activityDate: '01/07/2025' }, 'activityDate', 'Ngày phải trong thời gian của kế hoạch (01/03/2025 – 31/05/2025)'],
      [{ campaignId: '', activityDate: '02/07/2025' }, 'areaId', 'Huyện Bắc Yên không còn là đơn vị hành chính từ 01/07/2025'],
      [{ areaId: commune(test.app, 'Tô Hiệu').id }, 'areaId', 'chỉ có từ ngày 01/07/2025'],
      [{ targetGroups: [] }, 'targetGroups', 'Chọn ít nhất một nhóm đối tượng.'],
      [{ channels: ['party'] }, 'channels', 'Hình thức, kênh không hợp lệ.'],
      [{ channels: ['village_meeting', 'leaflets_posters'], 'm-leaflets_posters-copies': 'nhiều' }, 'm-leaflets_posters-copies', 'Nhập số nguyên không âm.'],
    ];
    for (const [override, field, message] of cases) {
      const response = await inspector.post('/outreach', outreachFields(campaignId, override));
      expect(response.statusCode, JSON.stringify(override)).toBe(422);
      const $ = html(response.body);
      expect(textOf($, `#field-${field}-error`), JSON.stringify(override)).toContain(message);
      expect($('#field-village').val()).toBe('Bản Mường Chiến');
    }
    expect(count()).toBe(before);
    expect((await inspector.post('/outreach', outreachFields(campaignId))).statusCode).toBe(303);
    expect((await inspector.post('/outreach', outreachFields('', { activityDate: '02/07/2025', areaId: commune(test.app, 'Tô Hiệu').id }))).statusCode).toBe(303);
    expect(count()).toBe(before + 2);
  });

  it('lists with filters and the totals of sessions and participants for the filter', async () => {
    // Filtered by a group, the participants are the group's share; activities not split by group are counted apart, once.
    const page = html((await head.get('/outreach?group=students')).body);
    const rows = test.app.db.get<{ sessions: number; participants: number }>(sql`
      select sum(sessions) as sessions, sum(participants_total) as participants from outreach_activities a
      where exists (select 1 from outreach_target_groups g where g.activity_id = a.id and g.group_code = 'students')`)!;
    expect(textOf(page, '#outreach-totals')).toBe(`${rows.sessions} buổi · 0 lượt người thuộc nhóm này · ${rows.participants.toLocaleString('vi-VN')} lượt người ở hoạt động chưa tách theo nhóm`);
    const zalo = await head.get('/outreach?channel=zalo', htmxHeaders('outreach-results'));
    expect(textOf(html(zalo.body), '#outreach-totals')).toContain('0 buổi');
  });
});

describe('calendar', () => {
  it('shows the month’s rounds and outreach, filtered by area, with month navigation', async () => {
    const page = html((await head.get('/calendar?month=2025-03')).body);
    expect(textOf(page, '#calendar-month')).toBe('Tháng 3/2025');
    expect(page('.calendar-grid td[data-date="2025-03-10"] .cal-round').length).toBeGreaterThan(0);
    expect(page('.calendar-grid td[data-date="2025-03-15"] .cal-outreach').length).toBeGreaterThan(0);
    expect(page('a[rel="next"]').attr('href')).toBe('/calendar?month=2025-04');
    expect(page('.calendar-week').length).toBeGreaterThan(0);
    const elsewhere = html((await head.get(`/calendar?month=2025-03&area=${district(test.app, 'Sốp Cộp').id}`)).body);
    expect(elsewhere('.calendar-grid .cal-round')).toHaveLength(0);
    const fragment = await head.get('/calendar?month=2025-04', htmxHeaders('calendar'));
    expect(fragment.body).not.toContain('<html');
    expect(textOf(html(fragment.body), '#calendar-month')).toBe('Tháng 4/2025');
    // The month travels with the area filter inside the part that month navigation replaces.
    expect(html(fragment.body)('input[type="hidden"][name="month"][form="calendar-filter"]').val()).toBe('2025-04');
    const invalid = await head.get('/calendar?month=2025-13');
    expect(invalid.statusCode).toBe(200);
    expect(textOf(html(invalid.body), '.notice')).toContain('không hợp lệ');
    expect(html((await head.get('/calendar?month=9999-01')).body)('.notice').length).toBe(1);
  });
});

describe('overlap warnings', () => {
  it('warn (without blocking) of another round in the same area, or a head of team already busy', async () => {
    const lead = await loginAs(test.app, 'department_head');
    createRound(test.app, {
      title: 'Đợt đang có ở Quỳnh Nhai',
      areaIds: [String(district(test.app, 'Quỳnh Nhai').id)],
      startDate: '2025-04-10',
      endDate: '2025-04-14',
      team: [{ fullName: '', agency: 'police', teamRole: 'head', userId: String(lead.user.id) }],
    });
    const query = new URLSearchParams({ startDate: '12/04/2025', endDate: '13/04/2025', areaIds: String(district(test.app, 'Quỳnh Nhai').id) });
    const warnings = html((await head.get(`/rounds/overlaps?${query}`)).body);
    expect(textOf(warnings, '.notice')).toContain('Đợt “Đợt đang có ở Quỳnh Nhai” (10/04/2025 – 14/04/2025) cũng kiểm tra trên cùng địa bàn');
    const busy = new URLSearchParams({ startDate: '14/04/2025', endDate: '15/04/2025', areaIds: String(district(test.app, 'Mường La').id), teamName: '', teamAgency: 'police', teamRole: 'head', teamUser: String(lead.user.id) });
    expect(textOf(html((await head.get(`/rounds/overlaps?${busy}`)).body), '.notice')).toContain('đang tham gia đợt “Đợt đang có ở Quỳnh Nhai”');
    const clear = new URLSearchParams({ startDate: '20/04/2025', endDate: '21/04/2025', areaIds: String(district(test.app, 'Quỳnh Nhai').id) });
    expect(html((await head.get(`/rounds/overlaps?${clear}`)).body)('.notice')).toHaveLength(0);
    // Without JavaScript, "Check for overlaps" shows them with the form as typed, and saves nothing.
    const rounds = () => test.app.db.get<{ n: number }>(sql`select count(*) as n from rounds`)!.n;
    const before = rounds();
    const checked = await head.post('/rounds', { ...roundFields(test.app, { title: 'Đợt muốn kiểm tra lịch', areaIds: [district(test.app, 'Quỳnh Nhai').id], startDate: '12/04/2025', endDate: '13/04/2025' }), intent: 'check' });
    expect(checked.statusCode).toBe(200);
    expect(textOf(html(checked.body), '#overlap-warnings')).toContain('Đợt đang có ở Quỳnh Nhai');
    expect(html(checked.body)('#field-title').val()).toBe('Đợt muốn kiểm tra lịch');
    expect(rounds()).toBe(before);
    // Saving is not blocked, and the round's page repeats the warning.
    const saved = await head.post('/rounds', roundFields(test.app, { areaIds: [district(test.app, 'Quỳnh Nhai').id], startDate: '12/04/2025', endDate: '13/04/2025' }));
    expect(saved.statusCode).toBe(303);
    expect(textOf(html((await head.get(saved.headers.location as string)).body), '.notice')).toContain('Lưu ý trùng lịch');
  });

  it('refuse a round outside its campaign’s period', async () => {
    const campaignId = idOf((await createCampaign({ title: 'Kế hoạch quý 2', startDate: '01/04/2025', endDate: '30/06/2025' })).headers.location);
    const response = await head.post('/rounds', roundFields(test.app, { campaignId: String(campaignId) }));
    expect(response.statusCode).toBe(422);
    expect(textOf(html(response.body), '#field-campaignId-error')).toContain('trong thời gian của kế hoạch (01/04/2025 – 30/06/2025)');
  });
});
