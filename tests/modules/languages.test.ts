import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { loginAs, type SignedInClient } from '../helpers/auth.js';
import { createReport, createRoundWithTeam, createVenue, district, outreachForm } from '../helpers/factories.js';
import { html, textOf } from '../helpers/html.js';

let test: TestApp;
let headVi: SignedInClient;
let headEn: SignedInClient;
let adminVi: SignedInClient;
let adminEn: SignedInClient;
let inspector: SignedInClient;

async function inEnglish(client: SignedInClient): Promise<SignedInClient> {
  expect((await client.post('/language', { lang: 'en', returnTo: '/' })).statusCode).toBe(303);
  return client;
}

beforeAll(async () => {
  test = await buildTestApp({ now: () => new Date('2025-03-12T03:00:00Z') });
  headVi = await loginAs(test.app, 'department_head');
  headEn = await inEnglish(await loginAs(test.app, 'department_head'));
  adminVi = await loginAs(test.app, 'admin');
  adminEn = await inEnglish(await loginAs(test.app, 'admin'));
  inspector = await loginAs(test.app, 'inspector');
});
afterAll(async () => {
  await test.close();
});

describe('numbers and money in the reader’s language', () => {
  it('groups participants with dots in Vietnamese and commas in English', async () => {
    const response = await inspector.post('/outreach', outreachForm({
      campaignId: '',
      activityDate: '15/03/2025',
      areaId: district(test.app, 'Bắc Yên').id,
      village: 'Bản Mường Chiến',
      format: 'village_meeting',
      channel: 'in_person',
      targetGroups: ['students'],
      organisingAgency: 'womens_union',
      participantsTotal: '1250',
      participantsWomen: '1100',
      leaflets: '',
      posters: '',
      broadcastMinutes: '',
      notes: '',
    }));
    expect(response.statusCode).toBe(303);
    const activity = String(response.headers.location);

    expect(textOf(html((await headVi.get('/outreach')).body), '#outreach-totals')).toBe('1 buổi · 1.250 lượt người tham dự (1.100 nữ)');
    expect(textOf(html((await headEn.get('/outreach')).body), '#outreach-totals')).toBe('1 sessions · 1,250 participants (1,100 women)');
    expect(textOf(html((await headVi.get(activity)).body), 'main')).toContain('1.250 (1.100 nữ)');
    expect(textOf(html((await headEn.get(activity)).body), 'main')).toContain('1,250 (1,100 women)');
  });

  it('counts a long list as "Hơn 1.000" in Vietnamese and "More than 1,000" in English', async () => {
    test.app.db.run(sql`
      with recursive n(i) as (select 1 union all select i + 1 from n where i < 1200)
      insert into audit_log (at, actor_name, action, record_type, record_id) select '2025-03-01T00:00:00.000Z', 'CLI', 'update', 'venue', i from n`);
    expect(textOf(html((await adminVi.get('/audit')).body), '.result-count')).toBe('Hơn 1.000 kết quả (thu hẹp bộ lọc để xem hết)');
    expect(textOf(html((await adminEn.get('/audit')).body), '.result-count')).toBe('More than 1,000 results (narrow the filters to see them all)');
  });

  it('shows a fine as 7.500.000 đ in Vietnamese and 7,500,000 VND in English', async () => {
    const { findingId } = findingOnItem('A1');
    const added = await headVi.post(`/findings/${findingId}/follow-ups`, { measure: 'fine', fineAmount: '7.500.000', responsibleKind: 'agency', responsibleAgency: 'police', dueDate: '20/03/2025' });
    expect(added.statusCode).toBe(303);
    const url = String(added.headers.location);
    expect(textOf(html((await headVi.get(url)).body), '.details')).toContain('7.500.000 đ');
    const english = textOf(html((await headEn.get(url)).body), '.details');
    expect(english).toContain('7,500,000 VND');
    expect(english).not.toContain(' đ');
  });
});

function findingOnItem(code: string) {
  const roundId = createRoundWithTeam(test.app, [inspector.user.id], { endDate: '2025-06-30' });
  const venueId = createVenue(test.app);
  const checkId = createReport(test.app, { roundId, venueId, inspectorId: inspector.user.id, reviewerId: headVi.user.id, status: 'submitted', violations: [code] });
  const finding = test.app.db.get<{ id: number }>(sql`select id from findings where check_id = ${checkId} and item_code = ${code}`)!;
  return { findingId: finding.id, checkId };
}

describe('checklist text in the reader’s language', () => {
  it('shows a finding’s title from the checklist item in English, and as filed in Vietnamese', async () => {
    const { findingId } = findingOnItem('A1');
    const vietnamese = 'A1. Không đạt: Có giấy chứng nhận đăng ký doanh nghiệp/hộ kinh doanh';
    const english = 'A1. Not met: Business or household-business registration certificate';
    expect(textOf(html((await headVi.get(`/findings/${findingId}`)).body), 'h1')).toBe(vietnamese);
    expect(textOf(html((await headEn.get(`/findings/${findingId}`)).body), 'h1')).toBe(english);
    expect(textOf(html((await headVi.get('/findings')).body), '#findings-results')).toContain(vietnamese);
    const list = textOf(html((await headEn.get('/findings')).body), '#findings-results');
    expect(list).toContain(english);
    expect(list).not.toContain('giấy chứng nhận');
  });

  it('shows a finding added outside the checklist as it was typed, in either language', async () => {
    const { findingId } = findingOnItem('B1');
    test.app.db.run(sql`update findings set item_code = null, title = 'Camera an ninh không hoạt động' where id = ${findingId}`);
    expect(textOf(html((await headEn.get(`/findings/${findingId}`)).body), 'h1')).toBe('Camera an ninh không hoạt động');
  });

  it('shows the legal bases with their legal terms in English, and as written in Vietnamese', async () => {
    const checklist = test.app.db.get<{ id: number }>(sql`select id from checklist_templates where code = 'venue-inspection' order by version limit 1`)!;
    const vietnamese = textOf(html((await adminVi.get(`/admin/checklists/${checklist.id}`)).body), 'main');
    expect(vietnamese).toContain('Nghị định 54/2019/NĐ-CP, Điều 4(1)');
    expect(vietnamese).toContain('Thực tiễn kế hoạch kiểm tra của tỉnh (chưa đối chiếu văn bản)');
    const english = textOf(html((await adminEn.get(`/admin/checklists/${checklist.id}`)).body), 'main');
    expect(english).toContain('Decree 54/2019/NĐ-CP, Article 4(1)');
    expect(english).toContain('Labour Code 2019, Article 147(2)');
    expect(english).toContain('Practice in provincial inspection plans (not checked against a legal text)');
    expect(english).toContain('Trafficking indicator');
    expect(english).not.toContain('Nghị định');
  });
});
