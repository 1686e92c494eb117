import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { victimSupportCounts, victimSupportRecords, type VictimAgeGroup, type VictimSex } from '../../../db/schema/index.js';
import { areaColumnInScope, type AreaScope } from '../../access/scope.js';
import type { VictimCells } from './victims.measures.js';

export type VictimRecordRow = typeof victimSupportRecords.$inferSelect;
export type VictimRecordWrite = Pick<VictimRecordRow, 'areaId' | 'year' | 'quarter' | 'periodStart' | 'periodEnd' | 'isSample' | 'note'>;

export interface VictimListFilter {
  /** The areas the user may see: always applied. */
  scope: AreaScope;
  year?: number;
  /** Record must be in one of these areas. */
  areaIds?: number[];
}

function toRows(recordId: number, cells: VictimCells) {
  return Object.entries(cells)
    .filter(([, count]) => count > 0)
    .map(([field, count]) => {
      const [measure, sex, ageGroup] = field.split('-') as [string, VictimSex, VictimAgeGroup];
      return { recordId, measure, sex, ageGroup, count };
    });
}

export function victimsRepository(db: AppDatabase) {
  function conditions(filter: VictimListFilter): SQL | undefined {
    return and(
      areaColumnInScope(victimSupportRecords.areaId, filter.scope),
      filter.year !== undefined ? sql`${victimSupportRecords.periodStart} <= ${`${filter.year}-12-31`} and ${victimSupportRecords.periodEnd} >= ${`${filter.year}-01-01`}` : undefined,
      filter.areaIds ? inArray(victimSupportRecords.areaId, filter.areaIds.length ? filter.areaIds : [-1]) : undefined,
    );
  }

  function replaceCells(recordId: number, cells: VictimCells): void {
    db.delete(victimSupportCounts).where(eq(victimSupportCounts.recordId, recordId)).run();
    const rows = toRows(recordId, cells);
    if (rows.length > 0) db.insert(victimSupportCounts).values(rows).run();
  }

  return {
    count(filter: VictimListFilter): number {
      return db.select({ count: sql<number>`count(*)` }).from(victimSupportRecords).where(conditions(filter)).get()!.count;
    },

    /** One page of records, the latest period first. */
    list(filter: VictimListFilter, limit: number, offset: number): VictimRecordRow[] {
      return db
        .select()
        .from(victimSupportRecords)
        .where(conditions(filter))
        .orderBy(desc(victimSupportRecords.periodEnd), desc(victimSupportRecords.periodStart), victimSupportRecords.areaId)
        .limit(limit)
        .offset(offset)
        .all();
    },

    /** The cells of many records in one query. */
    cellsOf(recordIds: number[]): Map<number, VictimCells> {
      const result = new Map<number, VictimCells>(recordIds.map((id) => [id, {}]));
      if (recordIds.length === 0) return result;
      for (const row of db.select().from(victimSupportCounts).where(inArray(victimSupportCounts.recordId, recordIds)).all()) {
        result.get(row.recordId)![`${row.measure}-${row.sex}-${row.ageGroup}`] = row.count;
      }
      return result;
    },

    /** A record the scope can see, or undefined. */
    findById(id: number, scope: AreaScope): VictimRecordRow | undefined {
      return db.select().from(victimSupportRecords).where(and(eq(victimSupportRecords.id, id), areaColumnInScope(victimSupportRecords.areaId, scope))).get();
    },

    /** The record already held for this area and period, whoever may see it. */
    findByPeriod(areaId: number, periodStart: string, periodEnd: string): VictimRecordRow | undefined {
      return db
        .select()
        .from(victimSupportRecords)
        .where(and(eq(victimSupportRecords.areaId, areaId), eq(victimSupportRecords.periodStart, periodStart), eq(victimSupportRecords.periodEnd, periodEnd)))
        .get();
    },

    insert(write: VictimRecordWrite, cells: VictimCells, extra: { createdBy: number | null; at: string }): VictimRecordRow {
      const row = db.insert(victimSupportRecords).values({ ...write, createdBy: extra.createdBy, createdAt: extra.at, updatedAt: extra.at }).returning().get();
      replaceCells(row.id, cells);
      return row;
    },

    /** Replaces the counts and note only when the stored version is the expected one; false means someone else saved first. */
    update(id: number, expectedVersion: number, note: string, cells: VictimCells, at: string): boolean {
      const changed = db
        .update(victimSupportRecords)
        .set({ note, updatedAt: at, version: sql`${victimSupportRecords.version} + 1` })
        .where(and(eq(victimSupportRecords.id, id), eq(victimSupportRecords.version, expectedVersion)))
        .run().changes;
      if (changed === 0) return false;
      replaceCells(id, cells);
      return true;
    },

    /** Deletes the record (its counts go with it) when the stored version is the expected one. */
    delete(id: number, expectedVersion: number): boolean {
      return db.delete(victimSupportRecords).where(and(eq(victimSupportRecords.id, id), eq(victimSupportRecords.version, expectedVersion))).run().changes > 0;
    },
  };
}

export type VictimsRepository = ReturnType<typeof victimsRepository>;
