import { and, asc, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { activitySpeakers, propagandistTrainings, propagandists, type PropagandistRole } from '../../../db/schema/index.js';
import { areaColumnInScope, type AreaScope } from '../../access/scope.js';

export type PropagandistRow = typeof propagandists.$inferSelect;
export type TrainingRow = typeof propagandistTrainings.$inferSelect;
export type PropagandistWrite = Pick<PropagandistRow, 'name' | 'organisation' | 'areaId' | 'role' | 'leftOn'>;

export interface PropagandistListFilter {
  scope: AreaScope;
  areaIds?: number[];
  role?: PropagandistRole;
  /** Still active (no date they left). */
  activeOnly?: boolean;
  /** Trained on or before `trainedBy` and active at some time from `activeFrom` (the summary's count). */
  trainedBy?: string;
  activeFrom?: string;
}

export function propagandistsRepository(db: AppDatabase) {
  const p = propagandists;
  function conditions(filter: PropagandistListFilter): SQL | undefined {
    return and(
      areaColumnInScope(p.areaId, filter.scope),
      filter.areaIds ? inArray(p.areaId, filter.areaIds.length ? filter.areaIds : [-1]) : undefined,
      filter.role ? eq(p.role, filter.role) : undefined,
      filter.activeOnly ? sql`${p.leftOn} is null` : undefined,
      filter.trainedBy ? sql`exists (select 1 from ${propagandistTrainings} t where t.propagandist_id = ${p.id} and t.trained_on <= ${filter.trainedBy})` : undefined,
      filter.activeFrom ? sql`(${p.leftOn} is null or ${p.leftOn} >= ${filter.activeFrom})` : undefined,
    );
  }

  return {
    count(filter: PropagandistListFilter): number {
      return db.select({ count: sql<number>`count(*)` }).from(p).where(conditions(filter)).get()!.count;
    },

    /** One page, by name, with each person's latest training date. */
    list(filter: PropagandistListFilter, limit: number, offset: number): Array<PropagandistRow & { lastTrained: string | null }> {
      return db
        .select({ ...getTableColumns(p), lastTrained: sql<string | null>`(select max(t.trained_on) from ${propagandistTrainings} t where t.propagandist_id = ${p.id})` })
        .from(p)
        .where(conditions(filter))
        .orderBy(asc(p.name), p.id)
        .limit(limit)
        .offset(offset)
        .all();
    },

    findById(id: number, scope: AreaScope): PropagandistRow | undefined {
      return db.select().from(p).where(and(eq(p.id, id), areaColumnInScope(p.areaId, scope))).get();
    },

    /** Active people of the scope a form may name, by name. */
    options(scope: AreaScope, limit: number): PropagandistRow[] {
      return db.select().from(p).where(and(areaColumnInScope(p.areaId, scope), sql`${p.leftOn} is null`)).orderBy(asc(p.name), p.id).limit(limit).all();
    },

    byIds(ids: number[], scope: AreaScope): PropagandistRow[] {
      return db.select().from(p).where(and(inArray(p.id, ids), areaColumnInScope(p.areaId, scope))).all();
    },

    trainings(id: number): TrainingRow[] {
      return db.select().from(propagandistTrainings).where(eq(propagandistTrainings.propagandistId, id)).orderBy(propagandistTrainings.trainedOn).all();
    },

    /** How many activities name this person as who carried them out. */
    activityCount(id: number): number {
      return db.select({ count: sql<number>`count(*)` }).from(activitySpeakers).where(eq(activitySpeakers.propagandistId, id)).get()!.count;
    },

    insert(write: PropagandistWrite, extra: { createdBy: number | null; at: string }): PropagandistRow {
      return db.insert(p).values({ ...write, createdBy: extra.createdBy, createdAt: extra.at, updatedAt: extra.at }).returning().get();
    },

    update(id: number, expectedVersion: number, write: Partial<PropagandistWrite>, at: string): boolean {
      return db.update(p).set({ ...write, updatedAt: at, version: sql`${p.version} + 1` }).where(and(eq(p.id, id), eq(p.version, expectedVersion))).run().changes > 0;
    },

    /** A training on a date (a second one on the same date replaces its course). */
    putTraining(id: number, trainedOn: string, course: string, at: string): void {
      db.insert(propagandistTrainings)
        .values({ propagandistId: id, trainedOn, course, createdAt: at })
        .onConflictDoUpdate({ target: [propagandistTrainings.propagandistId, propagandistTrainings.trainedOn], set: { course } })
        .run();
    },
  };
}
