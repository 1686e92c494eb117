import { and, desc, eq, getTableColumns, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { outreachActivities, preventionModelEvents, preventionModelMembers, preventionModels, type ModelEventKind, type ModelState } from '../../../db/schema/index.js';
import { areaColumnInScope, type AreaScope } from '../../access/scope.js';

export type ModelRow = typeof preventionModels.$inferSelect;
export type ModelEventRow = typeof preventionModelEvents.$inferSelect;
export type ModelMembersRow = typeof preventionModelMembers.$inferSelect;
export type ModelWrite = Pick<ModelRow, 'name' | 'kind' | 'areaId' | 'hostAgency' | 'startDate' | 'notes'>;

export interface ModelListFilter {
  /** The areas the user may see: always applied. */
  scope: AreaScope;
  areaIds?: number[];
  kind?: string;
  state?: ModelState;
  /** Active at some time in [from, to]: started by `to`, not ended before `from`. */
  activeFrom?: string;
  activeTo?: string;
  /** Started within [activeFrom, activeTo] (with `replicated`, copied from another model). */
  started?: boolean;
  replicated?: boolean;
  /** Active, started on or before this date, and no activity held since it (the "no activity in 6 months" list). */
  idleSince?: string;
}

export function modelsRepository(db: AppDatabase) {
  function conditions(filter: ModelListFilter): SQL | undefined {
    const m = preventionModels;
    return and(
      areaColumnInScope(m.areaId, filter.scope),
      filter.areaIds ? inArray(m.areaId, filter.areaIds.length ? filter.areaIds : [-1]) : undefined,
      filter.kind ? eq(m.kind, filter.kind) : undefined,
      filter.state ? eq(m.state, filter.state) : undefined,
      filter.activeTo ? sql`${m.startDate} <= ${filter.activeTo}` : undefined,
      filter.activeFrom ? sql`(${m.endedOn} is null or ${m.endedOn} >= ${filter.activeFrom})` : undefined,
      filter.started && filter.activeFrom ? sql`${m.startDate} >= ${filter.activeFrom}` : undefined,
      filter.replicated ? isNotNull(m.replicatedFromId) : undefined,
      filter.idleSince
        ? sql`${m.state} = 'active' and ${m.startDate} <= ${filter.idleSince} and not exists (select 1 from ${outreachActivities} o where o.model_id = ${m.id} and o.activity_date >= ${filter.idleSince})`
        : undefined,
    );
  }

  return {
    count(filter: ModelListFilter): number {
      return db.select({ count: sql<number>`count(*)` }).from(preventionModels).where(conditions(filter)).get()!.count;
    },

    /** One page of models, by area then name. */
    list(filter: ModelListFilter, limit: number, offset: number): Array<ModelRow & { lastActivity: string | null }> {
      return db
        .select({ ...getTableColumns(preventionModels), lastActivity: sql<string | null>`(select max(o.activity_date) from ${outreachActivities} o where o.model_id = ${preventionModels.id})` })
        .from(preventionModels)
        .where(conditions(filter))
        .orderBy(preventionModels.areaId, preventionModels.name, preventionModels.id)
        .limit(limit)
        .offset(offset)
        .all();
    },

    /** A model the scope can see, or undefined. */
    findById(id: number, scope: AreaScope): ModelRow | undefined {
      return db.select().from(preventionModels).where(and(eq(preventionModels.id, id), areaColumnInScope(preventionModels.areaId, scope))).get();
    },

    /** Models by id within the scope (for names of linked models). */
    byIds(ids: number[], scope: AreaScope): ModelRow[] {
      if (ids.length === 0) return [];
      return db.select().from(preventionModels).where(and(inArray(preventionModels.id, ids), areaColumnInScope(preventionModels.areaId, scope))).all();
    },

    /** Models copied from this one, and models merged into it (within the scope). */
    related(id: number, scope: AreaScope): { replicas: ModelRow[]; mergedIn: ModelRow[] } {
      const inScope = areaColumnInScope(preventionModels.areaId, scope);
      return {
        replicas: db.select().from(preventionModels).where(and(eq(preventionModels.replicatedFromId, id), inScope)).orderBy(preventionModels.startDate).all(),
        mergedIn: db.select().from(preventionModels).where(and(eq(preventionModels.mergedIntoId, id), inScope)).orderBy(preventionModels.endedOn).all(),
      };
    },

    /** Models a form may name (as an origin, a merge target, the holder of an activity), by name; at most `limit`. */
    options(scope: AreaScope, limit: number, activeOnly: boolean): ModelRow[] {
      return db
        .select()
        .from(preventionModels)
        .where(and(areaColumnInScope(preventionModels.areaId, scope), activeOnly ? eq(preventionModels.state, 'active') : undefined))
        .orderBy(preventionModels.name, preventionModels.id)
        .limit(limit)
        .all();
    },

    events(modelId: number): ModelEventRow[] {
      return db.select().from(preventionModelEvents).where(eq(preventionModelEvents.modelId, modelId)).orderBy(preventionModelEvents.onDate, preventionModelEvents.id).all();
    },

    members(modelId: number): ModelMembersRow[] {
      return db.select().from(preventionModelMembers).where(eq(preventionModelMembers.modelId, modelId)).orderBy(preventionModelMembers.asOf).all();
    },

    /** The model's activities, newest first, and how many there are. */
    activities(modelId: number, limit: number): { total: number; items: Array<typeof outreachActivities.$inferSelect> } {
      const where = eq(outreachActivities.modelId, modelId);
      const total = db.select({ count: sql<number>`count(*)` }).from(outreachActivities).where(where).get()!.count;
      const items = db.select().from(outreachActivities).where(where).orderBy(desc(outreachActivities.activityDate), desc(outreachActivities.id)).limit(limit).all();
      return { total, items };
    },

    insert(write: ModelWrite & { replicatedFromId: number | null; members: number }, extra: { createdBy: number | null; at: string }): ModelRow {
      return db.insert(preventionModels).values({ ...write, createdBy: extra.createdBy, createdAt: extra.at, updatedAt: extra.at }).returning().get();
    },

    /** Updates only when the stored version is the expected one; false means someone else saved first. */
    update(id: number, expectedVersion: number, write: Partial<ModelRow>, at: string): boolean {
      return (
        db
          .update(preventionModels)
          .set({ ...write, updatedAt: at, version: sql`${preventionModels.version} + 1` })
          .where(and(eq(preventionModels.id, id), eq(preventionModels.version, expectedVersion)))
          .run().changes > 0
      );
    },

    addEvent(event: { modelId: number; kind: ModelEventKind; onDate: string; otherModelId: number | null; note: string; createdBy: number | null; createdAt: string }): void {
      db.insert(preventionModelEvents).values(event).run();
    },

    /** The start event follows the model's start date when it is corrected. */
    moveStartEvent(modelId: number, onDate: string): void {
      db.update(preventionModelEvents).set({ onDate }).where(and(eq(preventionModelEvents.modelId, modelId), inArray(preventionModelEvents.kind, ['started', 'replicated']))).run();
    },

    /** Records a member count as of a date (a second count for the same date replaces it); returns the latest count. */
    putMembers(modelId: number, asOf: string, members: number, extra: { createdBy: number | null; at: string }): number {
      db.insert(preventionModelMembers)
        .values({ modelId, asOf, members, createdBy: extra.createdBy, createdAt: extra.at })
        .onConflictDoUpdate({ target: [preventionModelMembers.modelId, preventionModelMembers.asOf], set: { members, createdBy: extra.createdBy, createdAt: extra.at } })
        .run();
      return db.select({ members: preventionModelMembers.members }).from(preventionModelMembers).where(eq(preventionModelMembers.modelId, modelId)).orderBy(desc(preventionModelMembers.asOf)).limit(1).get()!.members;
    },
  };
}

export type ModelsRepository = ReturnType<typeof modelsRepository>;
