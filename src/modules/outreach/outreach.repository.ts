import { and, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { activitySpeakers, campaigns, outreachActivities, outreachTargetGroups, preventionModels, propagandists } from '../../../db/schema/index.js';
import { areaColumnInScope, type AreaScope } from '../../access/scope.js';

export type ActivityRow = typeof outreachActivities.$inferSelect;
export type CampaignRef = typeof campaigns.$inferSelect;

/** An activity's own fields as saved from its form. */
export type ActivityWrite = Omit<ActivityRow, 'id' | 'version' | 'createdAt' | 'updatedAt' | 'createdBy'>;

export interface ActivityListFilter {
  /** The areas the user may see: always applied. */
  scope: AreaScope;
  campaignId?: number;
  /** Activity must be in one of these areas. */
  areaIds?: number[];
  format?: string;
  channel?: string;
  group?: string;
  from?: string;
  to?: string;
}

export function outreachRepository(db: AppDatabase) {
  function conditions(filter: ActivityListFilter): SQL | undefined {
    const parts: SQL[] = [];
    const inScope = areaColumnInScope(outreachActivities.areaId, filter.scope);
    if (inScope) parts.push(inScope);
    if (filter.campaignId) parts.push(eq(outreachActivities.campaignId, filter.campaignId));
    if (filter.areaIds) parts.push(inArray(outreachActivities.areaId, filter.areaIds.length ? filter.areaIds : [-1]));
    if (filter.format) parts.push(eq(outreachActivities.format, filter.format));
    if (filter.channel) parts.push(eq(outreachActivities.channel, filter.channel));
    if (filter.group) parts.push(sql`exists (select 1 from ${outreachTargetGroups} where ${outreachTargetGroups.activityId} = ${outreachActivities.id} and ${outreachTargetGroups.groupCode} = ${filter.group})`);
    if (filter.from) parts.push(gte(outreachActivities.activityDate, filter.from));
    if (filter.to) parts.push(lte(outreachActivities.activityDate, filter.to));
    return parts.length > 0 ? and(...parts) : undefined;
  }

  function replaceGroups(activityId: number, groupCodes: string[]): void {
    db.delete(outreachTargetGroups).where(eq(outreachTargetGroups.activityId, activityId)).run();
    if (groupCodes.length > 0) db.insert(outreachTargetGroups).values(groupCodes.map((groupCode) => ({ activityId, groupCode }))).run();
  }

  return {
    /** Sessions, participants and women over every activity of the filter. */
    totals(filter: ActivityListFilter): { sessions: number; participants: number; women: number } {
      return db
        .select({ sessions: sql<number>`count(*)`, participants: sql<number>`coalesce(sum(${outreachActivities.participantsTotal}), 0)`, women: sql<number>`coalesce(sum(${outreachActivities.participantsWomen}), 0)` })
        .from(outreachActivities)
        .where(conditions(filter))
        .get()!;
    },

    /** One page of activities, newest first. */
    list(filter: ActivityListFilter, limit: number, offset: number): ActivityRow[] {
      return db.select().from(outreachActivities).where(conditions(filter)).orderBy(desc(outreachActivities.activityDate), desc(outreachActivities.id)).limit(limit).offset(offset).all();
    },

    /** Activities in a date range, oldest first (for the calendar). */
    between(filter: ActivityListFilter & { from: string; to: string }, limit: number): ActivityRow[] {
      return db.select().from(outreachActivities).where(conditions(filter)).orderBy(outreachActivities.activityDate).limit(limit).all();
    },

    /** An activity the scope can see, or undefined. */
    findById(id: number, scope: AreaScope): ActivityRow | undefined {
      return db.select().from(outreachActivities).where(and(eq(outreachActivities.id, id), areaColumnInScope(outreachActivities.areaId, scope))).get();
    },

    /** The target groups of many activities in one query. */
    groupsOf(activityIds: number[]): Map<number, string[]> {
      const result = new Map<number, string[]>();
      if (activityIds.length === 0) return result;
      for (const row of db.select().from(outreachTargetGroups).where(inArray(outreachTargetGroups.activityId, activityIds)).all()) {
        if (!result.has(row.activityId)) result.set(row.activityId, []);
        result.get(row.activityId)!.push(row.groupCode);
      }
      return result;
    },

    /** The campaign an activity is put in (its period and status decide whether it may be). */
    findCampaign(id: number): CampaignRef | undefined {
      return db.select().from(campaigns).where(eq(campaigns.id, id)).get();
    },

    insert(write: ActivityWrite, groupCodes: string[], extra: { createdBy: number | null; at: string }): ActivityRow {
      const row = db.insert(outreachActivities).values({ ...write, createdBy: extra.createdBy, createdAt: extra.at, updatedAt: extra.at }).returning().get();
      if (groupCodes.length > 0) db.insert(outreachTargetGroups).values(groupCodes.map((groupCode) => ({ activityId: row.id, groupCode }))).run();
      return row;
    },

    /** Updates only when the stored version is the expected one; false means someone else saved first. */
    update(id: number, expectedVersion: number, write: ActivityWrite, groupCodes: string[], at: string): boolean {
      const changed = db
        .update(outreachActivities)
        .set({ ...write, updatedAt: at, version: sql`${outreachActivities.version} + 1` })
        .where(and(eq(outreachActivities.id, id), eq(outreachActivities.version, expectedVersion)))
        .run().changes;
      if (changed === 0) return false;
      replaceGroups(id, groupCodes);
      return true;
    },

    /** The model an activity may name: in the scope (its state and dates are the service's to check). */
    findModel(id: number, scope: AreaScope): typeof preventionModels.$inferSelect | undefined {
      return db.select().from(preventionModels).where(and(eq(preventionModels.id, id), areaColumnInScope(preventionModels.areaId, scope))).get();
    },

    /** People of the roster among these ids, within the scope. */
    findSpeakers(ids: number[], scope: AreaScope): Array<typeof propagandists.$inferSelect> {
      if (ids.length === 0) return [];
      return db.select().from(propagandists).where(and(inArray(propagandists.id, ids), areaColumnInScope(propagandists.areaId, scope))).all();
    },

    /** Who carried out an activity, by name. */
    speakersOf(activityId: number): Array<{ id: number; name: string }> {
      return db.select({ id: propagandists.id, name: propagandists.name }).from(activitySpeakers).innerJoin(propagandists, eq(propagandists.id, activitySpeakers.propagandistId)).where(eq(activitySpeakers.activityId, activityId)).orderBy(propagandists.name).all();
    },

    replaceSpeakers(activityId: number, speakerIds: number[]): void {
      db.delete(activitySpeakers).where(eq(activitySpeakers.activityId, activityId)).run();
      if (speakerIds.length > 0) db.insert(activitySpeakers).values(speakerIds.map((propagandistId) => ({ activityId, propagandistId }))).run();
    },
  };
}

export type OutreachRepository = ReturnType<typeof outreachRepository>;
