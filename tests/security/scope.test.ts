import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser, loginAs, type SignedInClient } from '../helpers/auth.js';
import { createRound, district, roundFields } from '../helpers/factories.js';
import { html, textOf } from '../helpers/html.js';

// A person tied to a district sees the work of that district only: warnings, pickers and province-wide plans
// must not be a way around it.

let test: TestApp;
let provinceHead: SignedInClient;
let maiSonHead: SignedInClient;
let admin: SignedInClient;
let songMaInspector: { id: number; email: string };
let maiSonInspector: { id: number; email: string };

const SECRET_TITLE = 'Đợt đột xuất bí mật Sông Mã';

beforeAll(async () => {
  test = await buildTestApp({ now: () => new Date('2025-03-20T03:00:00Z') });
  provinceHead = await loginAs(test.app, 'department_head');
  maiSonHead = await loginAs(test.app, 'department_head', { areaId: district(test.app, 'Mai Sơn').id });
  admin = await loginAs(test.app, 'admin');
  songMaInspector = await createUser(test.app, 'inspector', { areaId: district(test.app, 'Sông Mã').id, name: 'Quàng Văn Sông', email: 'song.ma.inspector@sonla.gov.vn' });
  maiSonInspector = await createUser(test.app, 'inspector', { areaId: district(test.app, 'Mai Sơn').id, name: 'Cầm Thị Mai', email: 'mai.son.inspector@sonla.gov.vn' });
});
afterAll(async () => {
  await test.close();
});

describe('overlap warnings', () => {
  let secretId: number;
  let maiSonRoundId: number;
  beforeAll(() => {
    // An unannounced round in Sông Mã, led by a Sông Mã inspector, and a Mai Sơn round with the same head on those days.
    secretId = createRound(test.app, {
      title: SECRET_TITLE,
      kind: 'unannounced',
      areaIds: [String(district(test.app, 'Sông Mã').id)],
      startDate: '2025-04-10',
      endDate: '2025-04-14',
      team: [{ fullName: '', agency: 'police', teamRole: 'head', userId: String(songMaInspector.id) }],
    });
    maiSonRoundId = createRound(test.app, {
      title: 'Đợt Mai Sơn tháng 4',
      areaIds: [String(district(test.app, 'Mai Sơn').id)],
      startDate: '2025-04-12',
      endDate: '2025-04-13',
      team: [{ fullName: '', agency: 'police', teamRole: 'head', userId: String(songMaInspector.id) }],
    });
  });

  function expectNothingOfTheSecretRound(body: string) {
    expect(body).not.toContain(SECRET_TITLE);
    expect(body).not.toContain('10/04/2025');
    expect(body).not.toContain('14/04/2025');
    expect(body).not.toContain('Huyện Sông Mã');
  }

  it('the Sông Mã round answers 404 to a Mai Sơn head', async () => {
    expect((await maiSonHead.get(`/rounds/${secretId}`)).statusCode).toBe(404);
  });

  it('tell a district head only that a round elsewhere clashes when they ask about another district', async () => {
    const query = new URLSearchParams({ startDate: '12/04/2025', endDate: '13/04/2025', areaIds: String(district(test.app, 'Sông Mã').id) });
    const response = await maiSonHead.get(`/rounds/overlaps?${query}`);
    expect(response.statusCode).toBe(200);
    expectNothingOfTheSecretRound(response.body);
    expect(textOf(html(response.body), '.notice')).toContain('ngoài địa bàn của bạn');
  });

  it('tell a district head only that a round elsewhere clashes when they name a team head who is on it', async () => {
    const query = new URLSearchParams({
      startDate: '11/04/2025',
      endDate: '11/04/2025',
      areaIds: String(district(test.app, 'Mai Sơn').id),
      teamName: '',
      teamAgency: 'police',
      teamRole: 'head',
      teamUser: String(songMaInspector.id),
    });
    const response = await maiSonHead.get(`/rounds/overlaps?${query}`);
    expect(response.statusCode).toBe(200);
    expectNothingOfTheSecretRound(response.body);
    expect(response.body).not.toContain('Quàng Văn Sông');
    expect(textOf(html(response.body), '.notice')).toContain('ngoài địa bàn của bạn');
    // On days when the same head is also on a round of their own district, that clash is still told in full.
    query.set('startDate', '12/04/2025');
    query.set('endDate', '13/04/2025');
    const both = await maiSonHead.get(`/rounds/overlaps?${query}`);
    expectNothingOfTheSecretRound(both.body);
    expect(textOf(html(both.body), '.notice')).toContain('đang tham gia đợt “Đợt Mai Sơn tháng 4” (12/04/2025 – 13/04/2025)');
    expect(textOf(html(both.body), '.notice')).toContain('ngoài địa bàn của bạn');
  });

  it('show no title or dates of a round elsewhere on the page of a round the district head may see', async () => {
    const response = await maiSonHead.get(`/rounds/${maiSonRoundId}`);
    expect(response.statusCode).toBe(200);
    expectNothingOfTheSecretRound(response.body);
    expect(textOf(html(response.body), '.notice')).toContain('ngoài địa bàn của bạn');
  });

  it('still give a province-wide head the full warnings', async () => {
    const query = new URLSearchParams({ startDate: '12/04/2025', endDate: '13/04/2025', areaIds: String(district(test.app, 'Sông Mã').id) });
    const overlaps = textOf(html((await provinceHead.get(`/rounds/overlaps?${query}`)).body), '.notice');
    expect(overlaps).toContain(`Đợt “${SECRET_TITLE}” (10/04/2025 – 14/04/2025)`);
    const page = textOf(html((await provinceHead.get(`/rounds/${maiSonRoundId}`)).body), '.notice');
    expect(page).toContain(`đang tham gia đợt “${SECRET_TITLE}” (10/04/2025 – 14/04/2025)`);
    expect(page).not.toContain('ngoài địa bàn của bạn');
  });
});

describe('people in pickers', () => {
  const optionsText = (body: string, selector: string) => html(body)(selector).map((_, option) => html(body)(option).text()).get().join(' | ');

  it('a district head’s team picker lists names of people of their district only, without emails', async () => {
    for (const url of ['/rounds/new', '/rounds/team-row?index=3']) {
      const response = await maiSonHead.get(url);
      expect(response.statusCode).toBe(200);
      const options = optionsText(response.body, 'select[name="teamUser"] option');
      expect(options).toContain('Cầm Thị Mai');
      expect(options).not.toContain('Quàng Văn Sông');
      expect(response.body).not.toContain('@sonla.gov.vn');
    }
  });

  it('a district head’s campaign owner picker lists people of their district only', async () => {
    await createUser(test.app, 'department_head', { areaId: district(test.app, 'Sông Mã').id, name: 'Lò Văn Trưởng Sông Mã' });
    const response = await maiSonHead.get('/campaigns/new');
    const options = optionsText(response.body, 'select[name="ownerId"] option');
    const ownName = test.app.db.get<{ name: string }>(sql`select name from users where id = ${maiSonHead.user.id}`)!.name;
    expect(options).toContain(ownName);
    expect(options).not.toContain('Lò Văn Trưởng Sông Mã');
    expect(response.body).not.toContain('@sonla.gov.vn');
    expect(optionsText((await provinceHead.get('/campaigns/new')).body, 'select[name="ownerId"] option')).toContain('Lò Văn Trưởng Sông Mã');
  });

  it('a province-wide head sees everyone by name; only an admin sees emails', async () => {
    const head = await provinceHead.get('/rounds/new');
    expect(optionsText(head.body, 'select[name="teamUser"] option')).toContain('Quàng Văn Sông');
    expect(head.body).not.toContain('@sonla.gov.vn');
    const asAdmin = await admin.get('/rounds/new');
    expect(optionsText(asAdmin.body, 'select[name="teamUser"] option')).toContain(songMaInspector.email);
  });

  it('refuses a team member from another district with a message beside the team, writing nothing', async () => {
    const count = () => test.app.db.get<{ n: number }>(sql`select count(*) as n from rounds`)!.n;
    const before = count();
    const response = await maiSonHead.post('/rounds', roundFields(test.app, {
      areaIds: [district(test.app, 'Mai Sơn').id],
      teamName: ['', ''],
      teamAgency: ['police', 'police'],
      teamRole: ['head', 'member'],
      teamUser: [String(maiSonInspector.id), String(songMaInspector.id)],
    }));
    expect(response.statusCode).toBe(422);
    expect(textOf(html(response.body), '#field-team-error')).toContain('Dòng 2');
    expect(response.body).not.toContain('Quàng Văn Sông');
    expect(count()).toBe(before);
    // Their own district's inspector is accepted.
    const saved = await maiSonHead.post('/rounds', roundFields(test.app, {
      areaIds: [district(test.app, 'Mai Sơn').id], teamName: [''], teamAgency: ['police'], teamRole: ['head'], teamUser: [String(maiSonInspector.id)],
    }));
    expect(saved.statusCode).toBe(303);
  });

  it('refuses a campaign owner from another district', async () => {
    const songMaHead = await createUser(test.app, 'department_head', { areaId: district(test.app, 'Sông Mã').id });
    const before = test.app.db.get<{ n: number }>(sql`select count(*) as n from campaigns`)!.n;
    const response = await maiSonHead.post('/campaigns', { title: 'Kế hoạch Mai Sơn', planNumber: '', kind: 'action_month', startDate: '01/03/2025', endDate: '31/05/2025', ownerId: String(songMaHead.id), description: '' });
    expect(response.statusCode).toBe(422);
    expect(textOf(html(response.body), '#field-ownerId-error')).not.toBe('');
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from campaigns`)!.n).toBe(before);
  });
});

describe('the report list’s inspector filter', () => {
  it('lists a district head only people of their district', async () => {
    const options = textOf(html((await maiSonHead.get('/checks')).body), 'select[name="inspector"]');
    expect(options).toContain('Cầm Thị Mai');
    expect(options).not.toContain('Quàng Văn Sông');
    expect(textOf(html((await provinceHead.get('/checks')).body), 'select[name="inspector"]')).toContain('Quàng Văn Sông');
  });
});

describe('the audit trail’s person filter', () => {
  it('lists a district auditor only people of their district, by name, and an admin everyone with emails', async () => {
    const maiSonAuditor = await loginAs(test.app, 'auditor', { areaId: district(test.app, 'Mai Sơn').id });
    const options = textOf(html((await maiSonAuditor.get('/audit')).body), 'select[name="user"]');
    expect(options).toContain('Cầm Thị Mai');
    expect(options).not.toContain('Quàng Văn Sông');
    expect(options).not.toContain('@');
    const adminOptions = textOf(html((await admin.get('/audit')).body), 'select[name="user"]');
    expect(adminOptions).toContain('song.ma.inspector@sonla.gov.vn');
  });
});

describe('province-wide campaigns', () => {
  const idOf = (location: unknown) => Number(String(location).split('/').pop());
  const fields = (overrides: Record<string, string> = {}) => ({ title: 'Kế hoạch toàn tỉnh 2025', planNumber: '12/KH-UBND', kind: 'action_month', startDate: '01/03/2025', endDate: '31/12/2025', ownerId: '', description: '', ...overrides });
  const stored = (id: number) => test.app.db.get<{ title: string; status: string; owner_id: number | null; version: number }>(sql`select title, status, owner_id, version from campaigns where id = ${id}`)!;
  const auditCount = (id: number) => test.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log where record_type = 'campaign' and record_id = ${id}`)!.n;

  it('refuse every change by a district head with 403, leaving the campaign as it was', async () => {
    const id = idOf((await provinceHead.post('/campaigns', fields({ ownerId: String(provinceHead.user.id) }))).headers.location);
    const before = stored(id);
    const audits = auditCount(id);
    expect((await maiSonHead.get(`/campaigns/${id}/edit`)).statusCode).toBe(403);
    const rename = await maiSonHead.post(`/campaigns/${id}`, fields({ title: 'Đổi tên trái phép', ownerId: String(provinceHead.user.id), version: String(before.version) }));
    expect(rename.statusCode).toBe(403);
    const takeOver = await maiSonHead.post(`/campaigns/${id}`, fields({ ownerId: String(maiSonHead.user.id), version: String(before.version) }));
    expect(takeOver.statusCode).toBe(403);
    expect((await maiSonHead.post(`/campaigns/${id}/status`, { to: 'active' })).statusCode).toBe(403);
    expect(stored(id)).toEqual(before);
    // Once the province starts it, the district head cannot close it either.
    expect((await provinceHead.post(`/campaigns/${id}/status`, { to: 'active' })).statusCode).toBe(303);
    const active = stored(id);
    expect((await maiSonHead.post(`/campaigns/${id}/status`, { to: 'closed' })).statusCode).toBe(403);
    expect(stored(id)).toEqual(active);
    expect(auditCount(id)).toBe(audits + 1);
  });

  it('refuse a campaign with no owner to a district head too', async () => {
    const id = idOf((await provinceHead.post('/campaigns', fields({ title: 'Kế hoạch không người phụ trách' }))).headers.location);
    const before = stored(id);
    expect((await maiSonHead.post(`/campaigns/${id}`, fields({ ownerId: String(maiSonHead.user.id), version: String(before.version) }))).statusCode).toBe(403);
    expect((await maiSonHead.post(`/campaigns/${id}/status`, { to: 'active' })).statusCode).toBe(403);
    expect(stored(id)).toEqual(before);
  });

  it('show a district head no edit or status buttons on a province-wide campaign, and keep them for the province', async () => {
    const id = idOf((await provinceHead.post('/campaigns', fields({ title: 'Kế hoạch để xem' }))).headers.location);
    const page = html((await maiSonHead.get(`/campaigns/${id}`)).body);
    expect(page(`a[href="/campaigns/${id}/edit"]`)).toHaveLength(0);
    expect(page(`form[action="/campaigns/${id}/status"]`)).toHaveLength(0);
    const whole = html((await provinceHead.get(`/campaigns/${id}`)).body);
    expect(whole(`a[href="/campaigns/${id}/edit"]`)).toHaveLength(1);
    expect(whole(`form[action="/campaigns/${id}/status"]`)).toHaveLength(1);
  });

  it('leave a district head their own district’s campaigns to run', async () => {
    const created = await maiSonHead.post('/campaigns', fields({ title: 'Kế hoạch của Mai Sơn', ownerId: String(maiSonHead.user.id) }));
    expect(created.statusCode).toBe(303);
    const id = idOf(created.headers.location);
    const page = html((await maiSonHead.get(`/campaigns/${id}`)).body);
    expect(page(`a[href="/campaigns/${id}/edit"]`)).toHaveLength(1);
    expect((await maiSonHead.post(`/campaigns/${id}`, fields({ title: 'Kế hoạch của Mai Sơn (sửa)', ownerId: String(maiSonHead.user.id), version: '1' }))).statusCode).toBe(303);
    expect((await maiSonHead.post(`/campaigns/${id}/status`, { to: 'active' })).statusCode).toBe(303);
    expect(stored(id)).toMatchObject({ title: 'Kế hoạch của Mai Sơn (sửa)', status: 'active' });
    // A district head cannot hand it to the whole province (no owner) either.
    const handOff = await maiSonHead.post(`/campaigns/${id}`, fields({ title: 'Kế hoạch của Mai Sơn (sửa)', ownerId: '', version: String(stored(id).version) }));
    expect(handOff.statusCode).toBe(422);
    expect(textOf(html(handOff.body), '#field-ownerId-error')).not.toBe('');
  });
});
