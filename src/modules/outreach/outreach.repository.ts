import { and, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { activitySpeakers, campaigns, outreachActivities, outreachMeasures, outreachReclassifications, outreachTargetGroups, outreachTopics, preventionModels, propagandists } from '../../../db/schema/index.js';
import { areaColumnInScope, type AreaScope } from '../../access/scope.js';

export type ActivityRow = typeof outreachActivities.$inferSelect;
export type CampaignRef = typeof campaigns.$inferSelect;
export type ReclassificationRow = typeof outreachReclassifications.$inferSelect;

/** An activity's own fields as saved from its form. */
export type ActivityWrite = Omit<ActivityRow, 'id' | 'version' | 'createdAt' | 'updatedAt' | 'createdBy' | 'channel' | 'leaflets' | 'posters' | 'broadcastMinutes'>;

/** What an activity has besides its own fields: channels with their measures, topics, target groups with their split. */
export interface ActivityParts {
  channels: Array<{ channel: string; measures: Record<string, number> }>;
  topics: string[];
  targetGroups: string[];
  /** Participants per group, for the groups split (absent or null: not split). */
  split: Record<string, number | null>;
}

export interface ActivityListFilter {
  /** The areas the user may see: always applied. */
  scope: AreaScope;
  campaignId?: number;
  /** Activity must be in one of these areas. */
  areaIds?: number[];
  /** A channel it has (an in-person format or a media channel). */
  channel?: string;
  group?: string;
  topic?: string;
  /** Only activities with one of these (in-person) channels. */
  inPersonChannels?: string[];
  from?: string;
  to?: string;
}

export interface ActivityTotals {
  activities: number;
  sessions: number;
  participants: number;
  women: number;
}

/** Totals of a list filtered by a target group: that group's share where the activity is split, and the rest not split. */
export interface GroupTotals extends ActivityTotals {
  /** Participants counted under the group (the split), never the whole attendance of a multi-group activity. */
  groupParticipants: number;
  /** Participants of the group's activities that are not split by group. */
  notSplit: number;
}

export function outreachRepository(db: AppDatabase) {
  function conditions(filter: ActivityListFilter): SQL | undefined {
    const parts: SQL[] = [];
    const inScope = areaColumnInScope(outreachActivities.areaId, filter.scope);
    if (inScope) parts.push(inScope);
    if (filter.campaignId) parts.push(eq(outreachActivities.campaignId, filter.campaignId));
    if (filter.areaIds) parts.push(inArray(outreachActivities.areaId, filter.areaIds.length ? filter.areaIds : [-1]));
    if (filter.channel) parts.push(sql`exists (select 1 from ${outreachMeasures} where ${outreachMeasures.activityId} = ${outreachActivities.id} and ${outreachMeasures.channel} = ${filter.channel})`);
    if (filter.inPersonChannels) {
      parts.push(sql`exists (select 1 from ${outreachMeasures} where ${outreachMeasures.activityId} = ${outreachActivities.id} and ${inArray(outreachMeasures.channel, filter.inPersonChannels)})`);
    }
    if (filter.group) parts.push(sql`exists (select 1 from ${outreachTargetGroups} where ${outreachTargetGroups.activityId} = ${outreachActivities.id} and ${outreachTargetGroups.groupCode} = ${filter.group})`);
    if (filter.topic) parts.push(sql`exists (select 1 from ${outreachTopics} where ${outreachTopics.activityId} = ${outreachActivities.id} and ${outreachTopics.topicCode} = ${filter.topic})`);
    if (filter.from) parts.push(gte(outreachActivities.activityDate, filter.from));
    if (filter.to) parts.push(lte(outreachActivities.activityDate, filter.to));
    return parts.length > 0 ? and(...parts) : undefined;
  }

  function writeParts(activityId: number, parts: ActivityParts): void {
    db.delete(outreachMeasures).where(eq(outreachMeasures.activityId, activityId)).run();
    db.delete(outreachTopics).where(eq(outreachTopics.activityId, activityId)).run();
    db.delete(outreachTargetGroups).where(eq(outreachTargetGroups.activityId, activityId)).run();
    const measures = parts.channels.flatMap((entry) => Object.entries(entry.measures).map(([measure, value]) => ({ activityId, channel: entry.channel, measure, value })));
    if (measures.length > 0) db.insert(outreachMeasures).values(measures).run();
    if (parts.topics.length > 0) db.insert(outreachTopics).values(parts.topics.map((topicCode) => ({ activityId, topicCode }))).run();
    if (parts.targetGroups.length > 0) db.insert(outreachTargetGroups).values(parts.targetGroups.map((groupCode) => ({ activityId, groupCode, participants: parts.split[groupCode] ?? null }))).run();
  }

  const totalsSelect = {
    activities: sql<number>`count(*)`,
    sessions: sql<number>`coalesce(sum(${outreachActivities.sessions}), 0)`,
    participants: sql<number>`coalesce(sum(${outreachActivities.participantsTotal}), 0)`,
    women: sql<number>`coalesce(sum(${outreachActivities.participantsWomen}), 0)`,
  };

  return {
    /** Activities, in-person sessions, participants and women over every activity of the filter. */
    totals(filter: ActivityListFilter): ActivityTotals {
      return db.select(totalsSelect).from(outreachActivities).where(conditions(filter)).get()!;
    },

    /** The totals of a list filtered by a target group, counting each person once: the group's split, and apart, what is not split. */
    groupTotals(filter: ActivityListFilter & { group: string }): GroupTotals {
      return db
        .select({
          ...totalsSelect,
          groupParticipants: sql<number>`coalesce(sum(${outreachTargetGroups.participants}), 0)`,
          notSplit: sql<number>`coalesce(sum(case when ${outreachTargetGroups.participants} is null then ${outreachActivities.participantsTotal} else 0 end), 0)`,
        })
        .from(outreachActivities)
        .innerJoin(outreachTargetGroups, and(eq(outreachTargetGroups.activityId, outreachActivities.id), eq(outreachTargetGroups.groupCode, filter.group)))
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

    /** The channels, topics and target groups of many activities, in three queries. */
    partsOf(activityIds: number[]): Map<number, ActivityParts> {
      const result = new Map<number, ActivityParts>();
      if (activityIds.length === 0) return result;
      const of = (id: number) => {
        if (!result.has(id)) result.set(id, { channels: [], topics: [], targetGroups: [], split: {} });
        return result.get(id)!;
      };
      for (const id of activityIds) of(id);
      for (const row of db.select().from(outreachMeasures).where(inArray(outreachMeasures.activityId, activityIds)).all()) {
        const parts = of(row.activityId);
        let entry = parts.channels.find((one) => one.channel === row.channel);
        if (!entry) parts.channels.push((entry = { channel: row.channel, measures: {} }));
        entry.measures[row.measure] = row.value;
      }
      for (const row of db.select().from(outreachTopics).where(inArray(outreachTopics.activityId, activityIds)).all()) of(row.activityId).topics.push(row.topicCode);
      for (const row of db.select().from(outreachTargetGroups).where(inArray(outreachTargetGroups.activityId, activityIds)).all()) {
        const parts = of(row.activityId);
        parts.targetGroups.push(row.groupCode);
        parts.split[row.groupCode] = row.participants;
      }
      return result;
    },

    /** The campaign an activity is put in (its period and status decide whether it may be). */
    findCampaign(id: number): CampaignRef | undefined {
      return db.select().from(campaigns).where(eq(campaigns.id, id)).get();
    },

    insert(write: ActivityWrite, parts: ActivityParts, extra: { createdBy: number | null; at: string }): ActivityRow {
      const row = db.insert(outreachActivities).values({ ...write, channel: '', createdBy: extra.createdBy, createdAt: extra.at, updatedAt: extra.at }).returning().get();
      writeParts(row.id, parts);
      return row;
    },

    /** Updates only when the stored version is the expected one; false means someone else saved first. */
    update(id: number, expectedVersion: number, write: ActivityWrite, parts: ActivityParts, at: string): boolean {
      const changed = db
        .update(outreachActivities)
        .set({ ...write, updatedAt: at, version: sql`${outreachActivities.version} + 1` })
        .where(and(eq(outreachActivities.id, id), eq(outreachActivities.version, expectedVersion)))
        .run().changes;
      if (changed === 0) return false;
      writeParts(id, parts);
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

    /** The activities whose figures the move to channels with measures changed, in scope, newest first. */
    reclassified(scope: AreaScope, limit: number): ReclassificationRow[] {
      return db
        .select()
        .from(outreachReclassifications)
        .where(areaColumnInScope(outreachReclassifications.areaId, scope))
        .orderBy(desc(outreachReclassifications.activityDate), desc(outreachReclassifications.id))
        .limit(limit)
        .all();
    },

    reclassifiedCount(scope: AreaScope): number {
      return db.select({ n: sql<number>`count(*)` }).from(outreachReclassifications).where(areaColumnInScope(outreachReclassifications.areaId, scope)).get()!.n;
    },
  };
}

export type OutreachRepository = ReturnType<typeof outreachRepository>;
