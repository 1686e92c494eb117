import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { todayInVietnam } from '../../lib/dates.js';
import { scopeIncludes } from '../../access/scope.js';
import { calendarQuerySchema as querystring } from './calendar.schemas.js';

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
export default async function calendarRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const outreach = app.services.outreach;
  const rounds = app.services.rounds;

  app.get('/', { config: { permission: 'rounds.read' }, schema: { querystring } }, async (request, reply) => {
    const query = request.query;
    const { monthInvalid } = query;
    const month = query.month ?? todayInVietnam(app.now()).slice(0, 7);
    const first = `${month}-01`;
    const lastDay = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
    const last = `${month}-${String(lastDay).padStart(2, '0')}`;
    const roundRows = rounds.roundsBetween(request.actor, first, last, query.area, 500);
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
