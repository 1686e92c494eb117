import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { CheerioAPI } from 'cheerio';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { loginAs, type SignedInClient } from '../../helpers/auth.js';
import { createReport, createRoundWithTeam, createVenue, district } from '../../helpers/factories.js';
import { html, textOf } from '../../helpers/html.js';

/** An area's page: its main figures over the last 12 months as server-drawn bar charts. */
let test: TestApp;
const clock = new Date('2025-06-15T03:00:00Z');
let head: SignedInClient;
let auditor: SignedInClient;
const bacYen = () => district(test.app, 'Bắc Yên');

const MONTHS = ['2024-07', '2024-08', '2024-09', '2024-10', '2024-11', '2024-12', '2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06'];

function outreach(areaId: number, date: string, sessions: number, participants: number) {
  const at = '2025-06-01T00:00:00.000Z';
  test.app.db.run(sql`insert into outreach_activities (activity_date, area_id, format, channel, organising_agency, sessions, participants_total, participants_women, created_at, updated_at)
    values (${date}, ${areaId}, 'meeting', '', 'police', ${sessions}, ${participants}, 0, ${at}, ${at})`);
}

function followUp(findingId: number, dueDate: string, status: string, doneAt: string | null) {
  const at = '2025-03-12T00:00:00.000Z';
  test.app.db.run(sql`insert into follow_ups (finding_id, venue_id, area_id, measure, responsible_kind, due_date, status, done_at, created_at, updated_at)
    select id, venue_id, area_id, 'warning', 'venue', ${dueDate}, ${status}, ${doneAt}, ${at}, ${at} from findings where id = ${findingId}`);
}

function findingsOf(checkId: number): number[] {
  return test.app.db.all<{ id: number }>(sql`select id from findings where check_id = ${checkId} order by id`).map((row) => row.id);
}

/** A chart's bars: month → [data-value, height], with its maximum and plot height. */
function bars($: CheerioAPI, figure: string) {
  const svg = $(`#trend-${figure} svg`);
  const values = Object.fromEntries($(`#trend-${figure} rect.chart-bar`).map((_, rect) => [[$(rect).attr('data-period')!, [Number($(rect).attr('data-value')), Number($(rect).attr('height'))]]]).get() as Array<[string, [number, number]]>);
  return { max: Number(svg.attr('data-max')), plot: Number(svg.attr('data-plot-height')), values };
}

/** The values of a chart by month, every month of the 12 (zeros included). */
function series($: CheerioAPI, figure: string, nonZero: Record<string, number>) {
  const { max, plot, values } = bars($, figure);
  expect(Object.keys(values)).toEqual(MONTHS);
  for (const month of MONTHS) {
    const value = nonZero[month] ?? 0;
    expect(values[month], `${figure} ${month}`).toEqual([value, Math.round((value / max) * plot * 100) / 100]);
  }
  // The same figures in the chart's table.
  expect($(`#trend-${figure}-table tbody tr`).map((_, row) => $(row).find('td').text()).get()).toEqual(MONTHS.map((month) => String(nonZero[month] ?? 0)));
  return { max, plot };
}

beforeAll(async () => {
  test = await buildTestApp({ now: () => clock });
  head = await loginAs(test.app, 'department_head');
  auditor = await loginAs(test.app, 'auditor');
  const admin = await loginAs(test.app, 'admin');
  const commune = test.app.catalog.filterIds(bacYen().id).find((id) => id !== bacYen().id)!;
  outreach(bacYen().id, '2025-03-05', 2, 40);
  outreach(commune, '2025-03-20', 1, 10);
  outreach(bacYen().id, '2025-05-02', 4, 100);
  outreach(bacYen().id, '2024-06-30', 9, 900); // before the 12 months
  outreach(district(test.app, 'Sông Mã').id, '2025-04-02', 7, 70); // another district

  const roundId = createRoundWithTeam(test.app, [head.user.id]);
  const venueId = createVenue(test.app);
  const report = () => createReport(test.app, { roundId, venueId, inspectorId: head.user.id, reviewerId: admin.user.id, status: 'approved', violations: ['E2', 'A1'] });
  const march = report();
  const may = report();
  const replaced = report();
  createReport(test.app, { roundId, venueId, inspectorId: head.user.id, status: 'draft' });
  for (const id of [march, may, replaced]) expect(findingsOf(id)).toHaveLength(2);
  test.app.db.run(sql`update checks set visit_date = '2025-05-02' where id = ${may}`);
  test.app.db.run(sql`update findings set visit_date = '2025-05-02' where check_id = ${may}`);
  test.app.db.run(sql`update checks set superseded_by_id = ${march} where id = ${replaced}`);
  // One finding of March closed on 20 April (in Vietnam).
  const [closed, stillOpen] = findingsOf(march);
  test.app.db.run(sql`update findings set status = 'closed', closed_at = '2025-04-20T03:00:00.000Z' where id = ${closed}`);
  followUp(stillOpen!, '2025-04-10', 'open', null);
  // Done on 1 June at 09:00 in Vietnam: still overdue at the end of May, no longer in June.
  followUp(findingsOf(may)[0]!, '2025-05-20', 'done', '2025-06-01T02:00:00.000Z');
  followUp(findingsOf(replaced)[0]!, '2025-04-01', 'open', null);
});
afterAll(async () => {
  await test.close();
});

describe('the area page trend', () => {
  it('draws each figure of the area and its communes over the 12 months up to today', async () => {
    const response = await auditor.get(`/areas/${bacYen().id}`);
    expect(response.statusCode).toBe(200);
    const $ = html(response.body);
    expect(textOf($, '#area-trend-heading')).toBe('Xu hướng 12 tháng');
    expect($('#area-trend figure.bar-chart')).toHaveLength(5);
    expect(textOf($, '#trend-sessions svg > title')).toBe('Buổi tuyên truyền trực tiếp — Huyện Bắc Yên, 12 tháng đến 15/06/2025');
    expect($('#area-trend script, #area-trend [style]')).toHaveLength(0);

    expect(series($, 'sessions', { '2025-03': 3, '2025-05': 4 })).toEqual({ max: 5, plot: 170 });
    expect(bars($, 'sessions').values['2025-05']).toEqual([4, 136]);
    series($, 'participants', { '2025-03': 50, '2025-05': 100 });
    series($, 'checks', { '2025-03': 1, '2025-05': 1 });
    expect(series($, 'findingsOpen', { '2025-03': 2, '2025-04': 1, '2025-05': 3, '2025-06': 3 })).toEqual({ max: 5, plot: 170 });
    expect(bars($, 'findingsOpen').values['2025-05']).toEqual([3, 102]);
    series($, 'followUpsOverdue', { '2025-04': 1, '2025-05': 2, '2025-06': 1 });
  });

  it('shows zeros for another district, whose data is its own', async () => {
    const $ = html((await head.get(`/areas/${district(test.app, 'Mai Sơn').id}`)).body);
    for (const figure of ['sessions', 'participants', 'checks', 'findingsOpen', 'followUpsOverdue']) series($, figure, {});
    const songMa = html((await head.get(`/areas/${district(test.app, 'Sông Mã').id}`)).body);
    series(songMa, 'sessions', { '2025-04': 7 });
    series(songMa, 'checks', {});
  });

  it('counts the whole province on its page, and is not shown to someone of another district', async () => {
    const province = test.app.catalog.byId.get(bacYen().parentId!)!;
    const $ = html((await head.get(`/areas/${province.id}`)).body);
    series($, 'sessions', { '2025-03': 3, '2025-04': 7, '2025-05': 4 });
    const other = await loginAs(test.app, 'department_head', { areaId: district(test.app, 'Mai Sơn').id });
    expect((await other.get(`/areas/${bacYen().id}`)).statusCode).toBe(404);
  });
});
