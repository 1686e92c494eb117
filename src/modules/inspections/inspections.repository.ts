import { and, asc, desc, eq, getTableColumns, gte, inArray, lte, ne, sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { cappedCounter } from '../../../db/count.js';
import { preparedByShape, type Bind } from '../../../db/prepared.js';
import { checkAttachments, checkItemAnswers, checks, users, venues, type CheckStatus } from '../../../db/schema/index.js';
import { areaByDateCondition, areaColumnInScope, scopeIncludes, type AreaScope } from '../../access/scope.js';
import type { AreaByDate } from '../../areas/index.js';

export type CheckRow = typeof checks.$inferSelect;
export type AnswerRow = typeof checkItemAnswers.$inferSelect;
export type AttachmentRow = typeof checkAttachments.$inferSelect;

export interface CheckListFilter {
  scope: AreaScope;
  roundId?: number;
  venueId?: number;
  areaIds?: number[];
  /** Areas matched on each side of the reform by the report's date (the summary by commune's rows). */
  areaByDate?: AreaByDate;
  status?: CheckStatus;
  inspectorId?: number;
  from?: string;
  to?: string;
  hasViolations?: boolean;
  campaignId?: number;
  currentOnly?: boolean;
}

/** A report as lists show it: with its venue's name and kind and its inspector's name, in the same query. */
export interface CheckListRow extends CheckRow {
  venueName: string;
  venueKind: string;
  inspectorName: string;
}

export function inspectionsRepository(db: AppDatabase) {
  /** The list's filters, every value bound (the list and its count are prepared once per shape). */
  function conditions(filter: CheckListFilter, bind: Bind): SQL | undefined {
    const parts: SQL[] = [];
    const inScope = areaColumnInScope(checks.areaId, filter.scope, bind);
    if (inScope) parts.push(inScope);
    if (filter.roundId) parts.push(eq(checks.roundId, bind(filter.roundId)));
    if (filter.venueId) parts.push(eq(checks.venueId, bind(filter.venueId)));
    if (filter.areaIds) parts.push(inArray(checks.areaId, (filter.areaIds.length > 0 ? filter.areaIds : [-1]).map(bind)));
    if (filter.areaByDate) parts.push(areaByDateCondition(checks.areaId, checks.visitDate, filter.areaByDate, bind));
    if (filter.status) parts.push(eq(checks.status, bind(filter.status)));
    if (filter.inspectorId) parts.push(eq(checks.inspectorId, bind(filter.inspectorId)));
    if (filter.from) parts.push(gte(checks.visitDate, bind(filter.from)));
    if (filter.to) parts.push(lte(checks.visitDate, bind(filter.to)));
    if (filter.hasViolations === true) parts.push(sql`${checks.violationCount} > 0`);
    if (filter.hasViolations === false) parts.push(sql`${checks.violationCount} = 0`);
    if (filter.campaignId) parts.push(sql`${checks.roundId} in (select id from rounds where campaign_id = ${bind(filter.campaignId)})`);
    if (filter.currentOnly) parts.push(sql`${checks.supersededById} is null`);
    return parts.length > 0 ? and(...parts) : undefined;
  }

  // The page's ids come from the indexes first; only those 25 rows are joined (see the findings list too).
  const listShapes = preparedByShape((where) =>
    db
      .select({ ...getTableColumns(checks), venueName: venues.name, venueKind: venues.kind, inspectorName: users.name })
      .from(checks)
      .innerJoin(venues, eq(venues.id, checks.venueId))
      .innerJoin(users, eq(users.id, checks.inspectorId))
      .where(inArray(checks.id, db.select({ id: checks.id }).from(checks).where(where).orderBy(desc(checks.visitDate), desc(checks.id)).limit(sql.placeholder('limit')).offset(sql.placeholder('offset'))))
      .orderBy(desc(checks.visitDate), desc(checks.id))
      .prepare(),
  );
  const countOf = cappedCounter(db, checks);
  const deleteAnswers = db.delete(checkItemAnswers).where(eq(checkItemAnswers.checkId, sql.placeholder('checkId'))).prepare();
  // A report's answers are written together, in one statement built once per number of answers (a checklist's length).
  const answerInserts = new Map<number, ReturnType<typeof buildAnswerInsert>>();
  function buildAnswerInsert(count: number) {
    const rows = Array.from({ length: count }, (_, index) => ({ checkId: sql.placeholder('checkId'), itemCode: sql.placeholder(`code${index}`), answer: sql.placeholder(`answer${index}`), note: sql.placeholder(`note${index}`) }));
    return db.insert(checkItemAnswers).values(rows).prepare();
  }

  // Lookups made on every report page and every save, built once (drizzle rebuilds a query each time otherwise).
  const byId = db.select().from(checks).where(eq(checks.id, sql.placeholder('id'))).prepare();
  const answersById = db.select().from(checkItemAnswers).where(eq(checkItemAnswers.checkId, sql.placeholder('checkId'))).prepare();
  const attachmentsById = db.select().from(checkAttachments).where(eq(checkAttachments.checkId, sql.placeholder('checkId'))).orderBy(asc(checkAttachments.id)).prepare();
  const pendingAmendment = db.select({ id: checks.id }).from(checks).where(and(eq(checks.amendsId, sql.placeholder('checkId')), ne(checks.status, 'approved'))).prepare();

  return {
    list(filter: CheckListFilter, limit: number, offset: number): CheckListRow[] {
      const { query, params } = listShapes((bind) => conditions(filter, bind));
      return query.all({ ...params, limit, offset });
    },

    count(filter: CheckListFilter): number {
      return countOf((bind) => conditions(filter, bind));
    },

    findById(id: number, scope: AreaScope): CheckRow | undefined {
      const row = byId.get({ id });
      return row && scopeIncludes(scope, row.areaId) ? row : undefined;
    },

    answersOf(checkId: number): AnswerRow[] {
      return answersById.all({ checkId });
    },

    attachmentsOf(checkId: number): AttachmentRow[] {
      return attachmentsById.all({ checkId });
    },

    findAttachment(checkId: number, attachmentId: number): AttachmentRow | undefined {
      return db.select().from(checkAttachments).where(and(eq(checkAttachments.checkId, checkId), eq(checkAttachments.id, attachmentId))).get();
    },

    insert(row: Omit<CheckRow, 'id' | 'version'>): number {
      return db.insert(checks).values(row).returning({ id: checks.id }).get().id;
    },

    update(id: number, expectedVersion: number, changes: Partial<Omit<CheckRow, 'id' | 'version'>>): boolean {
      return (
        db
          .update(checks)
          .set({ ...changes, version: sql`${checks.version} + 1` })
          .where(and(eq(checks.id, id), eq(checks.version, expectedVersion)))
          .run().changes > 0
      );
    },

    replaceAnswers(checkId: number, answers: Array<Omit<AnswerRow, 'checkId'>>): void {
      deleteAnswers.run({ checkId });
      if (answers.length === 0) return;
      let insert = answerInserts.get(answers.length);
      if (!insert) answerInserts.set(answers.length, (insert = buildAnswerInsert(answers.length)));
      const params: Record<string, unknown> = { checkId };
      answers.forEach((answer, index) => Object.assign(params, { [`code${index}`]: answer.itemCode, [`answer${index}`]: answer.answer, [`note${index}`]: answer.note }));
      insert.run(params);
    },

    insertAttachment(row: Omit<AttachmentRow, 'id'>): number {
      return db.insert(checkAttachments).values(row).returning({ id: checkAttachments.id }).get().id;
    },

    deleteAttachment(id: number): void {
      db.delete(checkAttachments).where(eq(checkAttachments.id, id)).run();
    },

    countAttachments(checkId: number): number {
      return db.select({ n: sql<number>`count(*)` }).from(checkAttachments).where(eq(checkAttachments.checkId, checkId)).get()!.n;
    },

    /** An amendment of this report that is not approved yet (only one may be open at a time). */
    pendingAmendmentOf(checkId: number): number | null {
      return pendingAmendment.get({ checkId })?.id ?? null;
    },

    /** How many attachment rows use a stored file (an amendment shares its original's files). */
    countFileUses(storedName: string): number {
      return db.select({ n: sql<number>`count(*)` }).from(checkAttachments).where(eq(checkAttachments.storedName, storedName)).get()!.n;
    },

    /** The venues with a report past draft in a round, among those the scope sees (the round's progress). */
    venueIdsReported(roundId: number, scope: AreaScope): number[] {
      return db
        .selectDistinct({ id: checks.venueId })
        .from(checks)
        .where(and(eq(checks.roundId, roundId), ne(checks.status, 'draft'), areaColumnInScope(checks.areaId, scope)))
        .all()
        .map((row) => row.id);
    },

  };
}

export type InspectionsRepository = ReturnType<typeof inspectionsRepository>;
