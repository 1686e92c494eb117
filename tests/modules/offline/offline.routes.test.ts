import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { Client, loginAs } from '../../helpers/auth.js';
import { createReport, createRoundWithTeam, createVenue, district } from '../../helpers/factories.js';

describe('offline endpoints', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await buildTestApp({ now: () => new Date('2025-03-11T14:00:00Z') });
  });
  afterAll(async () => {
    await test?.close();
  });

  const startRound = (id: number) => test.app.db.run(sql`update rounds set status = 'in_progress' where id = ${id}`);

  it('answers /offline/session with the signed-in person and a form token that works, and nothing for no one', async () => {
    const anonymous = new Client(test.app);
    const nobody = await anonymous.get('/offline/session');
    expect(nobody.json()).toEqual({ signedIn: false });
    const inspector = await loginAs(test.app, 'inspector');
    const response = await inspector.get('/offline/session');
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body).toMatchObject({ signedIn: true, userId: inspector.user.id });
    expect(body.csrfToken).toEqual(expect.any(String));
    // The token is accepted for a write (a language change), as a page's token would be.
    const write = await inspector.post('/language', { _csrf: body.csrfToken, lang: 'vi', returnTo: '/' });
    expect(write.statusCode).toBe(303);
  });

  it('gives an inspector their rounds under way, the venues of their areas, the checklist and their own drafts only', async () => {
    const inspector = await loginAs(test.app, 'inspector');
    const colleague = await loginAs(test.app, 'inspector');
    const mine = createRoundWithTeam(test.app, [inspector.user.id, colleague.user.id], { title: 'Đợt của tôi' });
    const planned = createRoundWithTeam(test.app, [inspector.user.id], { title: 'Đợt chưa bắt đầu' });
    const others = createRoundWithTeam(test.app, [colleague.user.id], { title: 'Đợt của người khác' });
    startRound(mine);
    startRound(others);
    const venue = createVenue(test.app, { name: 'Karaoke Bản Mường', kind: 'karaoke' });
    const draft = createReport(test.app, { roundId: mine, venueId: venue, inspectorId: inspector.user.id });
    const submitted = createReport(test.app, { roundId: mine, venueId: createVenue(test.app), inspectorId: inspector.user.id, status: 'submitted' });
    const colleagues = createReport(test.app, { roundId: mine, venueId: createVenue(test.app), inspectorId: colleague.user.id });

    const response = await inspector.get('/offline/bundle');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const bundle = response.json();
    expect(bundle.userId).toBe(inspector.user.id);
    expect(bundle.rounds.map((round: { id: number }) => round.id)).toEqual([mine]);
    expect(bundle.rounds.map((round: { id: number }) => round.id)).not.toContain(planned);
    const [round] = bundle.rounds;
    expect(round).toMatchObject({ title: 'Đợt của tôi', url: `/rounds/${mine}`, newReportUrl: `/rounds/${mine}/checks/new`, venuesMore: false });
    expect(round.venues.find((row: { id: number }) => row.id === venue)).toMatchObject({ name: 'Karaoke Bản Mường', kind: 'karaoke', kindLabel: 'Karaoke' });
    expect(bundle.checklist.items.length).toBeGreaterThan(20);
    expect(bundle.checklist.items[0]).toEqual({ code: expect.any(String), category: expect.any(String), text: expect.any(String), appliesTo: expect.any(String), basis: expect.any(String) });
    const draftIds = bundle.drafts.map((row: { id: number }) => row.id);
    expect(draftIds).toEqual([draft]);
    expect(draftIds).not.toContain(submitted);
    expect(draftIds).not.toContain(colleagues);
    expect(bundle.drafts[0]).toMatchObject({ url: `/checks/${draft}`, version: expect.any(Number), venue: { id: venue, name: 'Karaoke Bản Mường' } });
  });

  it('keeps an inspector of another district to what they may see', async () => {
    const elsewhere = await loginAs(test.app, 'inspector', { areaId: district(test.app, 'Mộc Châu').id });
    const round = createRoundWithTeam(test.app, [elsewhere.user.id], { title: 'Đợt ở Bắc Yên' });
    startRound(round);
    createVenue(test.app, { name: 'Nhà hàng Bắc Yên' });
    const bundle = (await elsewhere.get('/offline/bundle')).json();
    expect(bundle.rounds).toEqual([]);
    expect(bundle.drafts).toEqual([]);
  });

  it('caps the venues of a round at 2,000 and says there are more', async () => {
    const inspector = await loginAs(test.app, 'inspector');
    const round = createRoundWithTeam(test.app, [inspector.user.id], { title: 'Đợt lớn' });
    startRound(round);
    const areaId = district(test.app, 'Bắc Yên').id;
    test.app.db.run(sql`
      with recursive n(i) as (select 1 union all select i + 1 from n where i < 2005)
      insert into venues (kind, name, area_id, address, dedupe_key, search_text, created_at, updated_at)
      select 'karaoke', 'Cơ sở ' || i, ${areaId}, 'Số ' || i, 'bulk-' || i, 'co so ' || i, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z' from n`);
    const bundle = (await inspector.get(`/offline/bundle?round=${round}`)).json();
    expect(bundle.rounds).toHaveLength(1);
    expect(bundle.rounds[0].venues).toHaveLength(2000);
    expect(bundle.rounds[0].venuesMore).toBe(true);
  });

  it('refuses the bundle to an auditor and sends someone signed out to sign in', async () => {
    const auditor = await loginAs(test.app, 'auditor');
    expect((await auditor.get('/offline/bundle')).statusCode).toBe(403);
    const response = await new Client(test.app).get('/offline/bundle');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toContain('/login');
  });

  it('serves the offline page without anyone’s data, and the outbox only to someone signed in', async () => {
    const inspector = await loginAs(test.app, 'inspector');
    const page = await inspector.get('/offline');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Không có mạng');
    expect(page.body).not.toContain(inspector.user.email);
    expect(page.body).not.toContain('csrf-token');
    expect((await inspector.get('/outbox')).body).toContain('Hàng chờ gửi');
    expect((await new Client(test.app).get('/outbox')).statusCode).toBe(303);
  });
});
