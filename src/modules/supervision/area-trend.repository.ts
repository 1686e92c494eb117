import { sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { countsAsFact } from '../../../db/conditions.js';
import { areaColumnInScope, type AreaScope } from '../../access/scope.js';

/** A month of the trend: its key (YYYY-MM), its first day, and when it ends (a day and the same as a UTC moment). */
export interface TrendMonth {
  key: string;
  first: string;
  /** Its last day, or today for the current month. */
  lastDay: string;
  /** The day after its last day, or today for the current month: "by the end of the month" means before it. */
  endDate: string;
  endMoment: string;
}

export interface TrendRow {
  month: string;
  value: number;
}

/**
 * An area's main figures per month, one grouped query per figure (never one per month). Every query is limited
 * to the given areas and to the person's scope.
 */
export function areaTrendRepository(db: AppDatabase) {
  const inAreas = (column: SQL, areaIds: number[], scope: AreaScope): SQL => {
    const ids = sql.join((areaIds.length > 0 ? areaIds : [-1]).map((id) => sql`${id}`), sql`, `);
    const inScope = areaColumnInScope(column, scope);
    return inScope ? sql`${column} in (${ids}) and ${inScope}` : sql`${column} in (${ids})`;
  };
  /** The months as a table (m, last_day, end_date, end_moment) that a query joins to count what stood at each month's end. */
  const monthsTable = (months: TrendMonth[]): SQL =>
    sql`(select column1 as m, column2 as last_day, column3 as end_date, column4 as end_moment from (values ${sql.join(
      months.map((month) => sql`(${month.key}, ${month.lastDay}, ${month.endDate}, ${month.endMoment})`),
      sql`, `,
    )}))`;

  return {
    /** In-person sessions and their participants, by the activity's month. */
    outreach(areaIds: number[], scope: AreaScope, from: string, to: string): Array<{ month: string; sessions: number; participants: number }> {
      return db.all(sql`select substr(o.activity_date, 1, 7) as month, coalesce(sum(o.sessions), 0) as sessions, coalesce(sum(o.participants_total), 0) as participants
        from outreach_activities o
        where ${inAreas(sql`o.area_id`, areaIds, scope)} and o.activity_date >= ${from} and o.activity_date <= ${to}
        group by month`);
    },

    /** Venue checks that count as facts (approved, not replaced), by the visit's month. */
    checks(areaIds: number[], scope: AreaScope, from: string, to: string): TrendRow[] {
      return db.all(sql`select substr(c.visit_date, 1, 7) as month, count(*) as value
        from checks c
        where ${inAreas(sql`c.area_id`, areaIds, scope)} and ${countsAsFact('c')} and c.visit_date >= ${from} and c.visit_date <= ${to}
        group by month`);
    },

    /** Findings of current approved reports, visited by the month's last day and not closed by its end. */
    findingsOpen(areaIds: number[], scope: AreaScope, months: TrendMonth[]): TrendRow[] {
      return db.all(sql`select mo.m as month, count(f.id) as value
        from ${monthsTable(months)} mo
        join findings f on f.visit_date <= mo.last_day
          and (f.status = 'open' or f.closed_at >= mo.end_moment)
        where ${inAreas(sql`f.area_id`, areaIds, scope)}
          and exists (select 1 from checks c where c.id = f.check_id and ${countsAsFact('c')})
        group by mo.m`);
    },

    /**
     * Follow-ups of findings of current approved reports (visited by the month's last day), due before the
     * month's end (by its last day; in the current month, before today) and not done or verified by then.
     */
    followUpsOverdue(areaIds: number[], scope: AreaScope, months: TrendMonth[]): TrendRow[] {
      return db.all(sql`select mo.m as month, count(u.id) as value
        from ${monthsTable(months)} mo
        join follow_ups u on u.due_date < mo.end_date
          and (u.status in ('open', 'in_progress') or coalesce(u.done_at, u.verified_at) >= mo.end_moment)
        where ${inAreas(sql`u.area_id`, areaIds, scope)}
          and exists (select 1 from findings f join checks c on c.id = f.check_id where f.id = u.finding_id and f.visit_date <= mo.last_day and ${countsAsFact('c')})
        group by mo.m`);
    },
  };
}

export type AreaTrendRepository = ReturnType<typeof areaTrendRepository>;
