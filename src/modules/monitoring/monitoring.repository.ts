import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { monitoringCounts, monitoringRecords } from '../../../db/schema/index.js';
import { areaColumnInScope, type AreaScope } from '../../access/scope.js';

export type MonitoringRecordRow = typeof monitoringRecords.$inferSelect;
export type MonitoringWrite = Pick<MonitoringRecordRow, 'areaId' | 'periodKind' | 'year' | 'periodNumber' | 'periodStart' | 'periodEnd' | 'note'>;
/** A count per category code; a category not reported is absent (0 is a count). */
export type MonitoringCells = Record<string, number>;

export interface MonitoringListFilter {
  /** The areas the user may see: always applied. */
  scope: AreaScope;
  year?: number;
  areaIds?: number[];
}

export function monitoringRepository(db: AppDatabase) {
  function conditions(filter: MonitoringListFilter): SQL | undefined {
    return and(
      areaColumnInScope(monitoringRecords.areaId, filter.scope),
      filter.year !== undefined ? eq(monitoringRecords.year, filter.year) : undefined,
      filter.areaIds ? inArray(monitoringRecords.areaId, filter.areaIds.length ? filter.areaIds : [-1]) : undefined,
    );
  }

  function replaceCells(recordId: number, cells: MonitoringCells): void {
    db.delete(monitoringCounts).where(eq(monitoringCounts.recordId, recordId)).run();
    const rows = Object.entries(cells).map(([category, count]) => ({ recordId, category, count }));
    if (rows.length > 0) db.insert(monitoringCounts).values(rows).run();
  }

  return {
    count(filter: MonitoringListFilter): number {
      return db.select({ count: sql<number>`count(*)` }).from(monitoringRecords).where(conditions(filter)).get()!.count;
    },

    /** One page of records, the latest period first. */
    list(filter: MonitoringListFilter, limit: number, offset: number): MonitoringRecordRow[] {
      return db
        .select()
        .from(monitoringRecords)
        .where(conditions(filter))
        .orderBy(desc(monitoringRecords.periodEnd), monitoringRecords.periodStart, monitoringRecords.areaId)
        .limit(limit)
        .offset(offset)
        .all();
    },

    cellsOf(recordIds: number[]): Map<number, MonitoringCells> {
      const result = new Map<number, MonitoringCells>(recordIds.map((id) => [id, {}]));
      if (recordIds.length === 0) return result;
      for (const row of db.select().from(monitoringCounts).where(inArray(monitoringCounts.recordId, recordIds)).all()) result.get(row.recordId)![row.category] = row.count;
      return result;
    },

    /** A category's counts per period over the filter's records (the chart's series). */
    series(filter: MonitoringListFilter, category: string): Array<{ periodKind: 'month' | 'quarter'; periodNumber: number; total: number }> {
      return db
        .select({ periodKind: monitoringRecords.periodKind, periodNumber: monitoringRecords.periodNumber, total: sql<number>`sum(${monitoringCounts.count})` })
        .from(monitoringRecords)
        .innerJoin(monitoringCounts, and(eq(monitoringCounts.recordId, monitoringRecords.id), eq(monitoringCounts.category, category)))
        .where(conditions(filter))
        .groupBy(monitoringRecords.periodKind, monitoringRecords.periodNumber)
        .all();
    },

    findById(id: number, scope: AreaScope): MonitoringRecordRow | undefined {
      return db.select().from(monitoringRecords).where(and(eq(monitoringRecords.id, id), areaColumnInScope(monitoringRecords.areaId, scope))).get();
    },

    /** A record of the area whose period overlaps this one (a month inside a recorded quarter, or the same period). */
    findOverlapping(areaId: number, start: string, end: string): MonitoringRecordRow | undefined {
      return db
        .select()
        .from(monitoringRecords)
        .where(and(eq(monitoringRecords.areaId, areaId), sql`${monitoringRecords.periodStart} <= ${end} and ${monitoringRecords.periodEnd} >= ${start}`))
        .get();
    },

    insert(write: MonitoringWrite, cells: MonitoringCells, extra: { createdBy: number | null; at: string }): MonitoringRecordRow {
      const row = db.insert(monitoringRecords).values({ ...write, createdBy: extra.createdBy, createdAt: extra.at, updatedAt: extra.at }).returning().get();
      replaceCells(row.id, cells);
      return row;
    },

    /** Replaces the counts and note only at the expected version; false means someone else saved first. */
    update(id: number, expectedVersion: number, note: string, cells: MonitoringCells, at: string): boolean {
      const changed = db
        .update(monitoringRecords)
        .set({ note, updatedAt: at, version: sql`${monitoringRecords.version} + 1` })
        .where(and(eq(monitoringRecords.id, id), eq(monitoringRecords.version, expectedVersion)))
        .run().changes;
      if (changed === 0) return false;
      replaceCells(id, cells);
      return true;
    },
  };
}
