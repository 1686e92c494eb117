import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { loginAs, type SignedInClient } from '../helpers/auth.js';
import { createReport, createRoundWithTeam, createVenue, district, outreachForm } from '../helpers/factories.js';

/**
 * Guards against the two ways a list gets slow with ten years of data: a hot query that stops using an
 * index, and a page that runs one query per row (N+1).
 */
let test: TestApp;
let head: SignedInClient;
let inspector: SignedInClient;
/** Statements executed (not prepared: a prepared statement runs many times). */
let statements = 0;

beforeAll(async () => {
  test = await buildTestApp({ env: { SAMPLE_DATA: 'true', SESSION_IDLE_MINUTES: '43200' }, onStatement: () => (statements += 1) });
  head = await loginAs(test.app, 'department_head');
  inspector = await loginAs(test.app, 'inspector');
});
afterAll(async () => {
  await test.close();
});

async function statementsFor(client: SignedInClient, url: string): Promise<number> {
  statements = 0;
  const response = await client.get(url);
  expect(response.statusCode, url).toBe(200);
  return statements;
}

async function addRecords(count: number) {
  const roundId = createRoundWithTeam(test.app, [inspector.user.id]);
  for (let index = 0; index < count; index += 1) {
    const venueId = createVenue(test.app, { name: `Quán số ${Math.random()}` });
    const checkId = createReport(test.app, { roundId, venueId, inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'approved', violations: ['A1'] });
    const finding = test.app.db.$client.prepare('select id from findings where check_id = ?').get(checkId) as { id: number };
    await head.post(`/findings/${finding.id}/follow-ups`, { measure: 'other', responsibleKind: 'venue', dueDate: '30/12/2025' });
    await inspector.post('/outreach', outreachForm({ activityDate: '15/03/2025', areaId: district(test.app, 'Bắc Yên').id, format: 'rally', channel: 'in_person', targetGroups: ['students'], organisingAgency: 'police', participantsTotal: '10', participantsWomen: '5' }));
    await head.post('/campaigns', { title: `Kế hoạch ${index}`, kind: 'awareness', startDate: '01/01/2025', endDate: '31/12/2025' });
  }
}

describe('statements per page', () => {
  const pages = ['/rounds', '/venues', '/checks', '/findings', '/follow-ups', '/outreach', '/campaigns', '/audit', '/calendar?month=2025-03', '/reports/districts?from=01/01/2025&to=31/12/2025', '/'];

  it('stay the same whether a list shows 3 rows or 25 (no query per row)', async () => {
    await addRecords(3);
    const small: Record<string, number> = {};
    const auditor = await loginAs(test.app, 'admin');
    for (const url of pages) small[url] = await statementsFor(auditor, url);
    await addRecords(25);
    for (const url of pages) expect(await statementsFor(auditor, url), url).toBe(small[url]);
    for (const url of pages) expect(small[url], url).toBeLessThanOrEqual(20);
  }, 120_000);
});

describe('query plans', () => {
  /** The plan's steps that read a whole big table without an index. */
  function fullScans(sql: string, params: unknown[]): string[] {
    const plan = test.app.db.$client.prepare(`explain query plan ${sql}`).all(...params) as Array<{ detail: string }>;
    return plan.map((step) => step.detail).filter((detail) => /^SCAN (checks|findings|follow_ups|venues|check_answers|audit_log|outreach_activities|rounds|round_areas)\b(?! USING (COVERING )?INDEX)/.test(detail));
  }

  const hot: Array<[string, string, unknown[]]> = [
    ['rounds of an area', `select * from rounds where exists (select 1 from round_areas where round_areas.round_id = rounds.id and round_areas.area_id in (?, ?)) order by start_date desc, id desc limit 25`, [1, 2]],
    ['venues of an area by name', `select * from venues where area_id in (?, ?) and search_text like ? escape '\\' order by search_text, id limit 25`, [1, 2, '%hoa%']],
    ['venue search across the province', `select * from venues where search_text like ? escape '\\' order by search_text, id limit 25`, ['%hoa mai%']],
    ['reports by area and date', `select * from checks where area_id in (?, ?) and visit_date >= ? and visit_date <= ? order by visit_date desc, id desc limit 25`, [1, 2, '2025-01-01', '2025-12-31']],
    ['reports of a round', `select * from checks where round_id = ? order by visit_date desc, id desc limit 200`, [1]],
    ['overdue follow-ups', `select * from follow_ups where due_date < ? and status in ('open', 'in_progress') order by due_date, id limit 25`, ['2025-06-01']],
    ['follow-ups of a finding', `select * from follow_ups where finding_id in (?, ?)`, [1, 2]],
    ['findings of a venue', `select * from findings where venue_id = ? and status = 'open'`, [1]],
    ['audit history of a record', `select * from audit_log where record_type = ? and record_id = ? order by id desc limit 50`, ['round', 1]],
    ['summary: reports of a year', `select c.area_id, count(*) from checks c join rounds r on r.id = c.round_id where c.visit_date between ? and ? group by c.area_id`, ['2025-01-01', '2025-12-31']],
    ['summary: findings of a year', `select f.area_id, f.category, count(*) from findings f join checks c on c.id = f.check_id where f.visit_date between ? and ? and c.status = 'approved' group by f.area_id, f.category`, ['2025-01-01', '2025-12-31']],
    ['summary: outreach of a year', `select o.area_id, count(*) from outreach_activities o where o.activity_date between ? and ? group by o.area_id`, ['2025-01-01', '2025-12-31']],
    ['export: a batch of reports', `select c.* from checks c where c.visit_date between ? and ? and c.id > ? order by c.id limit 2000`, ['2025-01-01', '2025-12-31', 0]],
    ['answers of a report', `select * from check_answers where check_id = ?`, [1]],
    ['sessions of a user', `select * from sessions where user_id = ?`, [1]],
    ['a page of reports by area and date, ids first', `select id from checks where area_id in (?, ?) and visit_date >= ? and visit_date <= ? order by visit_date desc, id desc limit 25`, [1, 2, '2025-01-01', '2025-12-31']],
    ['follow-ups due within a week', `select id from follow_ups where due_date >= ? and due_date <= ? and status in ('open', 'in_progress') order by due_date, id limit 25`, ['2025-06-01', '2025-06-08']],
  ];

  /** Whether SQLite has to sort the rows itself (a temporary b-tree) rather than read them in order from an index. */
  function sorts(sql: string, params: unknown[]): boolean {
    const plan = test.app.db.$client.prepare(`explain query plan ${sql}`).all(...params) as Array<{ detail: string }>;
    return plan.some((step) => step.detail.includes('TEMP B-TREE'));
  }

  it('read the findings list and the follow-up lists in index order, without sorting, whatever the statistics', () => {
    expect(sorts(`select id from findings order by (case when severity = 'critical' and referred_on is null and status = 'open' then 0 else 1 end), visit_date desc, id desc limit 25`, [])).toBe(false);
    expect(sorts(`select id from follow_ups where due_date < ? and status in ('open', 'in_progress') order by due_date, id limit 25`, ['2025-06-01'])).toBe(false);
    expect(sorts(`select id from follow_ups where status = ? and status in ('done', 'verified') order by due_date, id limit 25`, ['done'])).toBe(false);
  });

  it.each(hot)('%s use an index', (_name, sql, params) => {
    expect(fullScans(sql, params)).toEqual([]);
  });
});
