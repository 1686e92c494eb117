import { and, asc, desc, eq, getTableColumns, gte, inArray, isNotNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { countsAsFact } from '../../../db/conditions.js';
import { cappedCounter } from '../../../db/count.js';
import { preparedByShape, type Bind } from '../../../db/prepared.js';
import { findings, followUpComments, followUps, users, venues, type FollowUpStatus } from '../../../db/schema/index.js';
import { areaByDateCondition, areaColumnInScope, type AreaScope } from '../../access/scope.js';
import type { AreaByDate } from '../../areas/index.js';

export type FollowUpRow = typeof followUps.$inferSelect;
export type CommentRow = typeof followUpComments.$inferSelect;

export interface FollowUpListFilter {
  scope: AreaScope;
  responsibleUserId?: number;
  /** Past due and not done (relative to `today`). */
  overdue?: boolean;
  /** Due from today to this date and not done. */
  dueBy?: string;
  today: string;
  areaIds?: number[];
  /** Areas matched on each side of the reform by the finding's visit date (the summary by commune's rows). */
  areaByDate?: AreaByDate;
  agency?: string;
  measure?: string;
  status?: FollowUpStatus;
  findingId?: number;
  /** Open or in progress. */
  open?: boolean;
  /** The finding's visit date within a period. */
  findingFrom?: string;
  findingTo?: string;
  /** Only follow-ups of findings from approved reports still current (what the summaries count). */
  approvedOnly?: boolean;
  campaignId?: number;
}

export interface FollowUpListRow extends FollowUpRow {
  venueName: string;
  findingTitle: string;
  findingItemCode: string | null;
  findingSeverity: string;
  responsibleUserName: string | null;
}

// Written as literals so SQLite matches them to the partial indexes (see db/schema/findings.ts).
const notDone = sql`${followUps.status} in ('open', 'in_progress')`;
const settled = sql`${followUps.status} in ('done', 'verified')`;

export function followUpsRepository(db: AppDatabase) {
  /** The list's filters, every value bound (the list and its counts are prepared once per shape). */
  function conditions(filter: FollowUpListFilter, bind: Bind): SQL | undefined {
    const parts: SQL[] = [];
    const inScope = areaColumnInScope(followUps.areaId, filter.scope, bind);
    if (inScope) parts.push(inScope);
    if (filter.responsibleUserId) parts.push(eq(followUps.responsibleUserId, bind(filter.responsibleUserId)));
    if (filter.overdue) parts.push(lt(followUps.dueDate, bind(filter.today)), notDone);
    if (filter.dueBy) parts.push(gte(followUps.dueDate, bind(filter.today)), lte(followUps.dueDate, bind(filter.dueBy)), notDone);
    if (filter.areaIds) parts.push(inArray(followUps.areaId, (filter.areaIds.length > 0 ? filter.areaIds : [-1]).map(bind)));
    if (filter.agency) parts.push(eq(followUps.responsibleAgency, bind(filter.agency)));
    if (filter.measure) parts.push(eq(followUps.measure, bind(filter.measure)));
    // The status and the group it belongs to: the group is what points SQLite at the right partial index.
    if (filter.status) parts.push(eq(followUps.status, bind(filter.status)), filter.status === 'open' || filter.status === 'in_progress' ? notDone : settled);
    if (filter.findingId) parts.push(eq(followUps.findingId, bind(filter.findingId)));
    if (filter.open) parts.push(notDone);
    if (filter.findingFrom || filter.findingTo || filter.approvedOnly || filter.campaignId || filter.areaByDate) {
      const conditions: SQL[] = [sql`f.id = ${followUps.findingId}`];
      if (filter.areaByDate) conditions.push(areaByDateCondition(followUps.areaId, sql`f.visit_date`, filter.areaByDate, bind));
      if (filter.findingFrom) conditions.push(sql`f.visit_date >= ${bind(filter.findingFrom)}`);
      if (filter.findingTo) conditions.push(sql`f.visit_date <= ${bind(filter.findingTo)}`);
      if (filter.approvedOnly) conditions.push(sql`exists (select 1 from checks c where c.id = f.check_id and ${countsAsFact('c')})`);
      if (filter.campaignId) conditions.push(sql`f.round_id in (select id from rounds where campaign_id = ${bind(filter.campaignId)})`);
      parts.push(sql`exists (select 1 from findings f where ${sql.join(conditions, sql` and `)})`);
    }
    return parts.length > 0 ? and(...parts) : undefined;
  }

  // A deferred join: the page's ids come from the indexes, then only those rows are joined.
  const listShapes = preparedByShape((where) =>
    db
      .select({ ...getTableColumns(followUps), venueName: venues.name, findingTitle: findings.title, findingItemCode: findings.itemCode, findingSeverity: findings.severity, responsibleUserName: users.name })
      .from(followUps)
      .innerJoin(venues, eq(venues.id, followUps.venueId))
      .innerJoin(findings, eq(findings.id, followUps.findingId))
      .leftJoin(users, eq(users.id, followUps.responsibleUserId))
      .where(inArray(followUps.id, db.select({ id: followUps.id }).from(followUps).where(where).orderBy(asc(followUps.dueDate), asc(followUps.id)).limit(sql.placeholder('limit')).offset(sql.placeholder('offset'))))
      .orderBy(asc(followUps.dueDate), asc(followUps.id))
      .prepare(),
  );
  const countOf = cappedCounter(db, followUps);

  return {
    list(filter: FollowUpListFilter, limit: number, offset: number): FollowUpListRow[] {
      const { query, params } = listShapes((bind) => conditions(filter, bind));
      return query.all({ ...params, limit, offset });
    },

    count(filter: FollowUpListFilter): number {
      return countOf((bind) => conditions(filter, bind));
    },

    /** Overdue follow-ups per area (for the department head's home page), in one query. */
    overdueByArea(scope: AreaScope, today: string): Array<{ areaId: number; total: number }> {
      return db
        .select({ areaId: followUps.areaId, total: sql<number>`count(*)` })
        .from(followUps)
        .where(and(areaColumnInScope(followUps.areaId, scope), lt(followUps.dueDate, today), notDone))
        .groupBy(followUps.areaId)
        .all();
    },

    findById(id: number, scope: AreaScope): FollowUpRow | undefined {
      return db.select().from(followUps).where(and(eq(followUps.id, id), areaColumnInScope(followUps.areaId, scope))).get();
    },

    forFindings(findingIds: number[]): FollowUpRow[] {
      if (findingIds.length === 0) return [];
      return db.select().from(followUps).where(inArray(followUps.findingId, findingIds)).orderBy(asc(followUps.dueDate), asc(followUps.id)).all();
    },

    insert(row: Omit<FollowUpRow, 'id' | 'version'>): number {
      return db.insert(followUps).values(row).returning({ id: followUps.id }).get().id;
    },

    update(id: number, expectedVersion: number, changes: Partial<Omit<FollowUpRow, 'id' | 'version'>>): boolean {
      return (
        db
          .update(followUps)
          .set({ ...changes, version: sql`${followUps.version} + 1` })
          .where(and(eq(followUps.id, id), eq(followUps.version, expectedVersion)))
          .run().changes > 0
      );
    },

    commentsOf(followUpId: number): Array<CommentRow & { userName: string }> {
      return db
        .select({ comment: followUpComments, userName: users.name })
        .from(followUpComments)
        .innerJoin(users, eq(users.id, followUpComments.userId))
        .where(eq(followUpComments.followUpId, followUpId))
        .orderBy(asc(followUpComments.id))
        .all()
        .map((row) => ({ ...row.comment, userName: row.userName }));
    },

    findComment(followUpId: number, commentId: number): CommentRow | undefined {
      return db.select().from(followUpComments).where(and(eq(followUpComments.followUpId, followUpId), eq(followUpComments.id, commentId))).get();
    },

    /** How many comments of a follow-up carry a file. */
    countCommentFiles(followUpId: number): number {
      return db
        .select({ n: sql<number>`count(*)` })
        .from(followUpComments)
        .where(and(eq(followUpComments.followUpId, followUpId), isNotNull(followUpComments.attachmentStoredName)))
        .get()!.n;
    },

    insertComment(row: Omit<CommentRow, 'id'>): number {
      return db.insert(followUpComments).values(row).returning({ id: followUpComments.id }).get().id;
    },

    latestForVenue(venueId: number): FollowUpRow[] {
      return db.select().from(followUps).where(eq(followUps.venueId, venueId)).orderBy(desc(followUps.createdAt)).all();
    },
  };
}

export type FollowUpsRepository = ReturnType<typeof followUpsRepository>;
