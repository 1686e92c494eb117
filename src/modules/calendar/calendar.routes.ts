import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { todayInVietnam } from '../../lib/dates.js';
import { scopeIncludes } from '../../access/scope.js';
import { roundsRepository } from '../rounds/index.js';

const querySchema = z.object({
  month: z.string().regex(/^(19|20|21)\d{2}-(0[1-9]|1[0-2])$/).optional().catch(undefined),
  area: z.coerce.number().int().positive().optional().catch(undefined),
});

interface CalendarItem {
  kind: 'round' | 'outreach';
  id: number;
  title: string;
  /** The area an outreach activity took place in (rounds name theirs in the title). */
  areaName?: string;
  start: string;
  end: string;
  status?: string;
}

function shiftMonth(month: string, delta: number): string {
  const [year, value] = month.split('-').map(Number) as [number, number];
  const date = new Date(Date.UTC(year, value - 1 + delta, 1));
  return date.toISOString().slice(0, 7);
}

/** /calendar?month=YYYY-MM: the month's rounds and outreach, as a grid (weeks from Monday) and as a week list for phones. */
export default async function calendarRoutes(app: FastifyInstance): Promise<void> {
  const outreach = app.services.outreach;
  const rounds = roundsRepository(app.db);

  app.get('/', { config: { permission: 'rounds.read' } }, async (request, reply) => {
    const query = querySchema.parse(request.query ?? {});
    const askedMonth = (request.query as Record<string, unknown> | undefined)?.month;
    const monthInvalid = askedMonth !== undefined && askedMonth !== '' && query.month === undefined;
    const month = query.month ?? todayInVietnam(app.now()).slice(0, 7);
    const first = `${month}-01`;
    const lastDay = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
    const last = `${month}-${String(lastDay).padStart(2, '0')}`;
    const areaIds = query.area ? app.catalog.filterIds(query.area) : undefined;
    const roundRows = rounds.list({ scope: request.actor.scope, words: [], overlaps: { from: first, to: last }, ...(areaIds ? { areaIds } : {}) }, 500, 0);
    const items: CalendarItem[] = [
      ...roundRows.filter((round) => round.status !== 'cancelled').map((round) => ({ kind: 'round' as const, id: round.id, title: round.title, start: round.startDate, end: round.endDate, status: round.status })),
      ...outreach.between(request.actor, first, last, query.area).map((activity) => ({ kind: 'outreach' as const, id: activity.id, title: activity.format, areaName: app.catalog.byId.get(activity.areaId)?.name ?? '', start: activity.activityDate, end: activity.activityDate })),
    ];
    // Weeks from Monday covering the month; each day lists what happens on it.
    const firstDate = new Date(`${first}T00:00:00Z`);
    const offset = (firstDate.getUTCDay() + 6) % 7;
    const cursor = new Date(firstDate);
    cursor.setUTCDate(cursor.getUTCDate() - offset);
    const weeks: Array<Array<{ date: string; inMonth: boolean; items: CalendarItem[] }>> = [];
    while (weeks.length < 6) {
      const week = [];
      for (let day = 0; day < 7; day += 1) {
        const date = cursor.toISOString().slice(0, 10);
        week.push({ date, inMonth: date.startsWith(month), items: items.filter((item) => item.start <= date && item.end >= date) });
        cursor.setUTCDate(cursor.getUTCDate() + 1);
      }
      weeks.push(week);
      if (cursor.toISOString().slice(0, 7) > month) break;
    }
    const inScope = (area: { id: number }) => scopeIncludes(request.actor.scope, area.id);
    const link = (target: string) => `/calendar?month=${target}${query.area ? `&area=${query.area}` : ''}`;
    const data = { month, monthInvalid, weeks, items, query, prev: link(shiftMonth(month, -1)), next: link(shiftMonth(month, 1)), today: todayInVietnam(app.now()) };
    if (request.isHtmx && request.htmxTarget === 'calendar') return reply.render('calendar/_month', data);
    return reply.render('calendar/index', { ...data, districts: app.catalog.districts.filter(inScope), communes: app.catalog.communes.filter(inScope) });
  });
}
