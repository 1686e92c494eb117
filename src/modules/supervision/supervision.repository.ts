import { and, asc, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { countsAsFact } from '../../../db/conditions.js';
import { recommendationComments, recommendations, supervisionItemAnswers, supervisionRecords, type RecommendationStatus, type SupervisionStatus } from '../../../db/schema/index.js';
import { areaColumnInScope, scopeIncludes, type AreaScope } from '../../access/scope.js';

export type SupervisionRow = typeof supervisionRecords.$inferSelect;
export type SupervisionAnswerRow = typeof supervisionItemAnswers.$inferSelect;
export type RecommendationRow = typeof recommendations.$inferSelect;
export type RecommendationCommentRow = typeof recommendationComments.$inferSelect;

export interface RecommendationFilter {
  scope: AreaScope;
  /** Today in Vietnam, for "overdue". */
  today: string;
  status?: RecommendationStatus;
  /** Open or in progress, past its due date. */
  overdue?: boolean;
  /** Open or in progress. */
  open?: boolean;
  areaIds?: number[];
  /** Only recommendations of rounds whose team lists this account. */
  teamUserId?: number;
  recordId?: number;
}

/** A recommendation as lists show it, with its record's round title and date. */
export interface RecommendationListRow extends RecommendationRow {
  roundTitle: string;
  visitDate: string;
}

/** Only recommendations of an approved record are followed up: before that they are part of a draft. */
const trackable = sql`exists (select 1 from supervision_records s where s.id = ${recommendations.recordId} and s.status = 'approved')`;

export interface SupervisionRecordFilter {
  scope: AreaScope;
  roundId?: number;
  areaIds?: number[];
  status?: SupervisionStatus;
}

function recordConditions(filter: SupervisionRecordFilter): SQL | undefined {
  const parts: SQL[] = [];
  const inScope = areaColumnInScope(supervisionRecords.areaId, filter.scope);
  if (inScope) parts.push(inScope);
  if (filter.roundId !== undefined) parts.push(eq(supervisionRecords.roundId, filter.roundId));
  if (filter.areaIds) parts.push(inArray(supervisionRecords.areaId, filter.areaIds.length > 0 ? filter.areaIds : [-1]));
  if (filter.status) parts.push(eq(supervisionRecords.status, filter.status));
  return parts.length > 0 ? and(...parts) : undefined;
}

export function supervisionRepository(db: AppDatabase) {
  function recommendationConditions(filter: RecommendationFilter): SQL | undefined {
    const parts: SQL[] = [trackable];
    const inScope = areaColumnInScope(recommendations.areaId, filter.scope);
    if (inScope) parts.push(inScope);
    if (filter.status) parts.push(eq(recommendations.status, filter.status));
    if (filter.open || filter.overdue) parts.push(inArray(recommendations.status, ['open', 'in_progress']));
    if (filter.overdue) parts.push(sql`${recommendations.dueDate} < ${filter.today}`);
    if (filter.areaIds) parts.push(inArray(recommendations.areaId, filter.areaIds.length > 0 ? filter.areaIds : [-1]));
    if (filter.teamUserId !== undefined) parts.push(sql`exists (select 1 from round_team_members m where m.round_id = ${recommendations.roundId} and m.user_id = ${filter.teamUserId})`);
    if (filter.recordId !== undefined) parts.push(eq(recommendations.recordId, filter.recordId));
    return and(...parts);
  }

  return {
    findById(id: number, scope: AreaScope): SupervisionRow | undefined {
      const row = db.select().from(supervisionRecords).where(eq(supervisionRecords.id, id)).get();
      return row && scopeIncludes(scope, row.areaId) ? row : undefined;
    },

    /** The records of a round (those of the areas this person sees), oldest area first. */
    forRound(roundId: number, scope: AreaScope): SupervisionRow[] {
      return db
        .select()
        .from(supervisionRecords)
        .where(and(eq(supervisionRecords.roundId, roundId), areaColumnInScope(supervisionRecords.areaId, scope)))
        .orderBy(asc(supervisionRecords.areaId), asc(supervisionRecords.id))
        .all();
    },

    /** The records this person sees, by round, areas and status, newest first (the JSON API's list). */
    listRecords(filter: SupervisionRecordFilter, limit: number, offset: number): SupervisionRow[] {
      return db.select().from(supervisionRecords).where(recordConditions(filter)).orderBy(desc(supervisionRecords.visitDate), desc(supervisionRecords.id)).limit(limit).offset(offset).all();
    },

    countRecords(filter: SupervisionRecordFilter): number {
      return db.select({ n: sql<number>`count(*)` }).from(supervisionRecords).where(recordConditions(filter)).get()?.n ?? 0;
    },

    /** The records about these areas, newest first. */
    forAreas(areaIds: number[], scope: AreaScope, limit: number): Array<SupervisionRow & { roundTitle: string }> {
      return db
        .select({ record: supervisionRecords, roundTitle: sql<string>`(select title from rounds where id = ${supervisionRecords.roundId})` })
        .from(supervisionRecords)
        .where(and(inArray(supervisionRecords.areaId, areaIds.length > 0 ? areaIds : [-1]), areaColumnInScope(supervisionRecords.areaId, scope)))
        .orderBy(desc(supervisionRecords.visitDate), desc(supervisionRecords.id))
        .limit(limit)
        .all()
        .map((row) => ({ ...row.record, roundTitle: row.roundTitle }));
    },

    /** A record of this round and area that is not replaced by an amendment (one per area and round). */
    currentFor(roundId: number, areaId: number): SupervisionRow | undefined {
      return db
        .select()
        .from(supervisionRecords)
        .where(and(eq(supervisionRecords.roundId, roundId), eq(supervisionRecords.areaId, areaId), sql`${supervisionRecords.amendsId} is null`))
        .orderBy(desc(supervisionRecords.id))
        .get();
    },

    /** The approved records of a round that are not replaced by an amendment. */
    approvedOfRound(roundId: number): SupervisionRow[] {
      return db
        .select()
        .from(supervisionRecords)
        .where(and(eq(supervisionRecords.roundId, roundId), eq(supervisionRecords.status, 'approved'), sql`${supervisionRecords.supersededById} is null`))
        .orderBy(asc(supervisionRecords.areaId))
        .all();
    },

    answersOf(recordId: number): SupervisionAnswerRow[] {
      return db.select().from(supervisionItemAnswers).where(eq(supervisionItemAnswers.recordId, recordId)).all();
    },

    insert(row: Omit<SupervisionRow, 'id' | 'version'>): number {
      return db.insert(supervisionRecords).values(row).returning({ id: supervisionRecords.id }).get().id;
    },

    update(id: number, expectedVersion: number, changes: Partial<Omit<SupervisionRow, 'id' | 'version'>>): boolean {
      return (
        db
          .update(supervisionRecords)
          .set({ ...changes, version: sql`${supervisionRecords.version} + 1` })
          .where(and(eq(supervisionRecords.id, id), eq(supervisionRecords.version, expectedVersion)))
          .run().changes > 0
      );
    },

    replaceAnswers(recordId: number, answers: Array<Omit<SupervisionAnswerRow, 'recordId'>>): void {
      db.delete(supervisionItemAnswers).where(eq(supervisionItemAnswers.recordId, recordId)).run();
      if (answers.length > 0) db.insert(supervisionItemAnswers).values(answers.map((answer) => ({ ...answer, recordId }))).run();
    },

    pendingAmendmentOf(recordId: number): number | null {
      return db.select({ id: supervisionRecords.id }).from(supervisionRecords).where(and(eq(supervisionRecords.amendsId, recordId), ne(supervisionRecords.status, 'approved'))).get()?.id ?? null;
    },

    // ——— figures a new record is pre-filled with ———

    /**
     * Outreach activities of these areas over a period: in-person sessions (media output is no session), and the
     * activities that reached people with their participants.
     */
    outreachFigures(areaIds: number[], from: string, to: string): { sessions: number; activities: number; participants: number } {
      return db.get(
        sql`select coalesce(sum(sessions), 0) as sessions, coalesce(sum(case when participants_total > 0 then 1 else 0 end), 0) as activities, coalesce(sum(participants_total), 0) as participants
            from outreach_activities where activity_date between ${from} and ${to} and ${inArray(sql`area_id`, areaIds.length > 0 ? areaIds : [-1])}`,
      )!;
    },

    /** Approved visit reports of these areas over a period, and their critical findings (all, and referred). */
    checkFigures(areaIds: number[], from: string, to: string): { checks: number; critical: number; referred: number } {
      const fact = countsAsFact('c');
      const areas = areaIds.length > 0 ? areaIds : [-1];
      const checks = db.get<{ n: number }>(sql`select count(*) as n from checks c where c.visit_date between ${from} and ${to} and ${fact} and ${inArray(sql`c.area_id`, areas)}`)!.n;
      const findings = db.get<{ critical: number; referred: number }>(
        sql`select count(*) as critical, coalesce(sum(case when f.referred_on is not null then 1 else 0 end), 0) as referred
            from findings f join checks c on c.id = f.check_id
            where f.visit_date between ${from} and ${to} and f.severity = 'critical' and ${fact} and ${inArray(sql`f.area_id`, areas)}`,
      )!;
      return { checks, ...findings };
    },

    /** Victim-support records of these areas whose quarter lies inside the period, and their counts of one measure. */
    victimFigures(areaIds: number[], from: string, to: string, measure: string): { records: number; total: number } {
      return db.get(
        sql`select count(distinct v.id) as records, coalesce(sum(c.count), 0) as total
            from victim_support_records v left join victim_support_counts c on c.record_id = v.id and c.measure = ${measure}
            where v.period_start >= ${from} and v.period_end <= ${to} and ${inArray(sql`v.area_id`, areaIds.length > 0 ? areaIds : [-1])}`,
      )!;
    },

    // ——— recommendations ———

    recommendationById(id: number, scope: AreaScope): RecommendationRow | undefined {
      const row = db.select().from(recommendations).where(eq(recommendations.id, id)).get();
      return row && scopeIncludes(scope, row.areaId) ? row : undefined;
    },

    recommendationsOf(recordIds: number[]): RecommendationRow[] {
      if (recordIds.length === 0) return [];
      return db.select().from(recommendations).where(inArray(recommendations.recordId, recordIds)).orderBy(asc(recommendations.id)).all();
    },

    insertRecommendation(row: Omit<RecommendationRow, 'id' | 'version'>): number {
      return db.insert(recommendations).values(row).returning({ id: recommendations.id }).get().id;
    },

    deleteRecommendation(id: number): void {
      db.delete(recommendationComments).where(eq(recommendationComments.recommendationId, id)).run();
      db.delete(recommendations).where(eq(recommendations.id, id)).run();
    },

    updateRecommendation(id: number, expectedVersion: number, changes: Partial<Omit<RecommendationRow, 'id' | 'version'>>): boolean {
      return (
        db
          .update(recommendations)
          .set({ ...changes, version: sql`${recommendations.version} + 1` })
          .where(and(eq(recommendations.id, id), eq(recommendations.version, expectedVersion)))
          .run().changes > 0
      );
    },

    /** An approved amendment takes over the recommendations of the record it replaces (with their progress). */
    moveRecommendations(fromRecordId: number, toRecordId: number): void {
      db.update(recommendations).set({ recordId: toRecordId }).where(eq(recommendations.recordId, fromRecordId)).run();
    },

    listRecommendations(filter: RecommendationFilter, limit: number, offset: number): RecommendationListRow[] {
      // Overdue first (open work past its date), then by due date.
      return db
        .select({
          recommendation: recommendations,
          roundTitle: sql<string>`(select title from rounds where id = ${recommendations.roundId})`,
          visitDate: sql<string>`(select visit_date from supervision_records where id = ${recommendations.recordId})`,
        })
        .from(recommendations)
        .where(recommendationConditions(filter))
        .orderBy(sql`case when ${recommendations.status} in ('open', 'in_progress') then 0 else 1 end`, asc(recommendations.dueDate), asc(recommendations.id))
        .limit(limit)
        .offset(offset)
        .all()
        .map((row) => ({ ...row.recommendation, roundTitle: row.roundTitle, visitDate: row.visitDate }));
    },

    countRecommendations(filter: RecommendationFilter): number {
      return db.select({ n: sql<number>`count(*)` }).from(recommendations).where(recommendationConditions(filter)).get()!.n;
    },

    commentsOf(recommendationId: number): Array<RecommendationCommentRow & { userName: string }> {
      return db
        .select({ comment: recommendationComments, userName: sql<string>`(select name from users where id = ${recommendationComments.userId})` })
        .from(recommendationComments)
        .where(eq(recommendationComments.recommendationId, recommendationId))
        .orderBy(asc(recommendationComments.id))
        .all()
        .map((row) => ({ ...row.comment, userName: row.userName }));
    },

    insertComment(row: Omit<RecommendationCommentRow, 'id'>): number {
      return db.insert(recommendationComments).values(row).returning({ id: recommendationComments.id }).get().id;
    },
  };
}

export type SupervisionRepository = ReturnType<typeof supervisionRepository>;
