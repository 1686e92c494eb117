import { and, desc, eq, gte, inArray, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { campaigns, campaignTargets, checks, outreachActivities, roundAreas, rounds, users, type CampaignStatus } from '../../../db/schema/index.js';
import { linkedAreasInScope, type AreaScope } from '../../access/scope.js';
import { countsAsFact } from '../../../db/conditions.js';
import { REFORM_DATE } from '../../lib/dates.js';

export type CampaignRow = typeof campaigns.$inferSelect;
export type TargetRow = typeof campaignTargets.$inferSelect;

/** A campaign's own fields as saved from its form. */
export type CampaignWrite = Omit<CampaignRow, 'id' | 'version' | 'status' | 'isSample' | 'createdAt' | 'updatedAt'>;

export interface CampaignListFilter {
  status?: CampaignStatus;
  /** Campaign must overlap this calendar year. */
  year?: number;
}

export type TargetWrite = { areaId: number; rounds: number; venues: number; sessions: number; participants: number };

export function campaignsRepository(db: AppDatabase) {
  function conditions(filter: CampaignListFilter): SQL | undefined {
    const parts: SQL[] = [];
    if (filter.status) parts.push(eq(campaigns.status, filter.status));
    if (filter.year) parts.push(lte(campaigns.startDate, `${filter.year}-12-31`), gte(campaigns.endDate, `${filter.year}-01-01`));
    return parts.length > 0 ? and(...parts) : undefined;
  }

  return {
    count(filter: CampaignListFilter): number {
      return db.select({ n: sql<number>`count(*)` }).from(campaigns).where(conditions(filter)).get()!.n;
    },

    /** One page of campaigns, newest first. */
    list(filter: CampaignListFilter, limit: number, offset: number): CampaignRow[] {
      return db.select().from(campaigns).where(conditions(filter)).orderBy(desc(campaigns.startDate), desc(campaigns.id)).limit(limit).offset(offset).all();
    },

    /** Campaigns not closed, plus the one with this id (-1 for none), newest first. */
    openOrId(currentId: number): CampaignRow[] {
      return db.select().from(campaigns).where(or(ne(campaigns.status, 'closed'), eq(campaigns.id, currentId))).orderBy(desc(campaigns.startDate)).limit(200).all();
    },

    all(limit: number): CampaignRow[] {
      return db.select().from(campaigns).orderBy(desc(campaigns.startDate)).limit(limit).all();
    },

    findById(id: number): CampaignRow | undefined {
      return db.select().from(campaigns).where(eq(campaigns.id, id)).get();
    },

    /** The name and area of a campaign's owner. */
    ownerOf(userId: number): { name: string; areaId: number | null } | undefined {
      return db.select({ name: users.name, areaId: users.areaId }).from(users).where(eq(users.id, userId)).get();
    },

    targetsOf(campaignIds: number[]): TargetRow[] {
      if (campaignIds.length === 0) return [];
      return db.select().from(campaignTargets).where(inArray(campaignTargets.campaignId, campaignIds)).all();
    },

    insert(write: CampaignWrite, extra: { status: CampaignStatus; isSample: boolean; at: string }): CampaignRow {
      return db.insert(campaigns).values({ ...write, status: extra.status, isSample: extra.isSample, createdAt: extra.at, updatedAt: extra.at }).returning().get();
    },

    /** Updates only when the stored version is the expected one; false means someone else saved first. */
    update(id: number, expectedVersion: number, write: CampaignWrite, at: string): boolean {
      return (
        db
          .update(campaigns)
          .set({ ...write, updatedAt: at, version: sql`${campaigns.version} + 1` })
          .where(and(eq(campaigns.id, id), eq(campaigns.version, expectedVersion)))
          .run().changes > 0
      );
    },

    setStatus(id: number, status: CampaignStatus, at: string): void {
      db.update(campaigns).set({ status, updatedAt: at, version: sql`${campaigns.version} + 1` }).where(eq(campaigns.id, id)).run();
    },

    /** Replaces the targets of these areas (only) with the given rows. */
    replaceTargets(campaignId: number, areaIds: number[], rows: TargetWrite[]): void {
      if (areaIds.length > 0) db.delete(campaignTargets).where(and(eq(campaignTargets.campaignId, campaignId), inArray(campaignTargets.areaId, areaIds))).run();
      if (rows.length > 0) db.insert(campaignTargets).values(rows.map((row) => ({ campaignId, ...row }))).run();
    },

    /** The campaign's rounds and activities dated outside a period. */
    workOutside(id: number, startDate: string, endDate: string): { rounds: number; activities: number } {
      const roundCount = db
        .select({ n: sql<number>`count(*)` })
        .from(rounds)
        .where(and(eq(rounds.campaignId, id), sql`(${rounds.startDate} < ${startDate} or ${rounds.endDate} > ${endDate})`))
        .get()!.n;
      const activityCount = db
        .select({ n: sql<number>`count(*)` })
        .from(outreachActivities)
        .where(and(eq(outreachActivities.campaignId, id), sql`(${outreachActivities.activityDate} < ${startDate} or ${outreachActivities.activityDate} > ${endDate})`))
        .get()!.n;
      return { rounds: roundCount, activities: activityCount };
    },

    /** (campaign, round, area) of the campaigns' rounds held (in progress or completed), as the district summary counts them. */
    heldRoundAreas(campaignIds: number[]): Array<{ campaignId: number | null; roundId: number; areaId: number }> {
      return db
        .select({ campaignId: rounds.campaignId, roundId: roundAreas.roundId, areaId: roundAreas.areaId })
        .from(roundAreas)
        .innerJoin(rounds, eq(rounds.id, roundAreas.roundId))
        .where(and(inArray(rounds.campaignId, campaignIds), inArray(rounds.status, ['in_progress', 'completed'])))
        .all();
    },

    /** Distinct venues with an approved (not superseded) report in the campaigns' rounds, per campaign and area. */
    venuesCheckedByArea(campaignIds: number[]): Array<{ campaignId: number | null; areaId: number; before: number; venues: number }> {
      // Which side of the reform the visit was on: a venue's new commune did not exist before it.
      const before = sql<number>`(case when ${checks.visitDate} < ${REFORM_DATE} then 1 else 0 end)`;
      return db
        .select({ campaignId: rounds.campaignId, areaId: checks.areaId, before, venues: sql<number>`count(distinct ${checks.venueId})` })
        .from(checks)
        .innerJoin(rounds, eq(rounds.id, checks.roundId))
        .where(and(inArray(rounds.campaignId, campaignIds), countsAsFact(checks)))
        .groupBy(rounds.campaignId, checks.areaId, before)
        .all();
    },

    /** Outreach sessions and participants of the campaigns, per campaign and area. */
    outreachByArea(campaignIds: number[]): Array<{ campaignId: number | null; areaId: number; sessions: number; participants: number }> {
      return db
        .select({
          campaignId: outreachActivities.campaignId,
          areaId: outreachActivities.areaId,
          sessions: sql<number>`coalesce(sum(${outreachActivities.sessions}), 0)`,
          participants: sql<number>`coalesce(sum(${outreachActivities.participantsTotal}), 0)`,
        })
        .from(outreachActivities)
        .where(inArray(outreachActivities.campaignId, campaignIds))
        .groupBy(outreachActivities.campaignId, outreachActivities.areaId)
        .all();
    },

    /** The campaign's rounds the scope can see, newest first. */
    roundsOf(id: number, scope: AreaScope) {
      return db
        .select()
        .from(rounds)
        .where(and(eq(rounds.campaignId, id), linkedAreasInScope(roundAreas, roundAreas.roundId, roundAreas.areaId, rounds.id, scope)))
        .orderBy(desc(rounds.startDate))
        .limit(500)
        .all();
    },
  };
}

export type CampaignsRepository = ReturnType<typeof campaignsRepository>;
