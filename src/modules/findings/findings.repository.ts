import { and, asc, desc, eq, gte, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { countsAsFact } from '../../../db/conditions.js';
import { cappedCount } from '../../../db/count.js';
import { checks, findingConfirmations, findings, followUps, venues } from '../../../db/schema/index.js';
import { areaByDateCondition, areaColumnInScope, type AreaScope } from '../../access/scope.js';
import type { AreaByDate } from '../../areas/index.js';

export type FindingRow = typeof findings.$inferSelect;

export interface FindingListFilter {
  scope: AreaScope;
  status?: 'open' | 'closed';
  severity?: FindingRow['severity'];
  areaIds?: number[];
  /** Areas matched on each side of the reform by the finding's visit date (the summary by commune's rows). */
  areaByDate?: AreaByDate;
  venueId?: number;
  checkId?: number;
  /** Critical findings not referred yet. */
  referralPending?: boolean;
  /** Findings already referred. */
  referred?: boolean;
  from?: string;
  to?: string;
  /** Only findings of approved reports still current (what the summaries count). */
  approvedOnly?: boolean;
  /** A checklist category code; '' for findings outside the checklist. */
  category?: string;
  campaignId?: number;
}

export interface FindingListRow extends FindingRow {
  venueName: string;
  openFollowUps: number;
}

/** Critical findings not yet referred come first, wherever they are listed. */
const unreferredCriticalFirst = sql`case when ${findings.severity} = 'critical' and ${findings.referredOn} is null and ${findings.status} = 'open' then 0 else 1 end`;

export function findingsRepository(db: AppDatabase) {
  function conditions(filter: FindingListFilter): SQL | undefined {
    const parts: SQL[] = [];
    const inScope = areaColumnInScope(findings.areaId, filter.scope);
    if (inScope) parts.push(inScope);
    if (filter.status) parts.push(eq(findings.status, filter.status));
    if (filter.severity) parts.push(eq(findings.severity, filter.severity));
    if (filter.areaIds) parts.push(inArray(findings.areaId, filter.areaIds.length > 0 ? filter.areaIds : [-1]));
    if (filter.areaByDate) parts.push(areaByDateCondition(findings.areaId, findings.visitDate, filter.areaByDate));
    if (filter.venueId) parts.push(eq(findings.venueId, filter.venueId));
    if (filter.checkId) parts.push(eq(findings.checkId, filter.checkId));
    if (filter.referralPending) parts.push(eq(findings.severity, 'critical'), isNull(findings.referredOn), eq(findings.status, 'open'));
    if (filter.from) parts.push(gte(findings.visitDate, filter.from));
    if (filter.to) parts.push(lte(findings.visitDate, filter.to));
    if (filter.referred) parts.push(sql`${findings.referredOn} is not null`);
    if (filter.approvedOnly) parts.push(sql`exists (select 1 from checks c where c.id = ${findings.checkId} and ${countsAsFact('c')})`);
    if (filter.category !== undefined) parts.push(eq(findings.category, filter.category));
    if (filter.campaignId) parts.push(sql`${findings.roundId} in (select id from rounds where campaign_id = ${filter.campaignId})`);
    return parts.length > 0 ? and(...parts) : undefined;
  }

  // Read on every report page and save: built once.
  const byCheck = db.select().from(findings).where(eq(findings.checkId, sql.placeholder('checkId'))).orderBy(asc(findings.id)).prepare();
  const confirmationsByCheck = db.select().from(findingConfirmations).where(eq(findingConfirmations.checkId, sql.placeholder('checkId'))).prepare();

  return {
    list(filter: FindingListFilter, limit: number, offset: number): FindingListRow[] {
      return db
        .select({
          finding: findings,
          venueName: venues.name,
          openFollowUps: sql<number>`(select count(*) from ${followUps} where ${followUps.findingId} = ${findings.id} and ${followUps.status} in ('open', 'in_progress'))`,
        })
        .from(findings)
        .innerJoin(venues, eq(venues.id, findings.venueId))
        // A deferred join: the page's ids are sorted from the indexes, then only those rows are joined and counted.
        .where(inArray(findings.id, db.select({ id: findings.id }).from(findings).where(conditions(filter)).orderBy(unreferredCriticalFirst, desc(findings.visitDate), desc(findings.id)).limit(limit).offset(offset)))
        .orderBy(unreferredCriticalFirst, desc(findings.visitDate), desc(findings.id))
        .all()
        .map((row) => ({ ...row.finding, venueName: row.venueName, openFollowUps: row.openFollowUps }));
    },

    count(filter: FindingListFilter): number {
      return cappedCount(db, findings, conditions(filter));
    },

    findById(id: number, scope: AreaScope): FindingRow | undefined {
      return db.select().from(findings).where(and(eq(findings.id, id), areaColumnInScope(findings.areaId, scope))).get();
    },

    /** The checklist version a report was filed against (its findings' items are read in it). */
    templateIdOfCheck(checkId: number): number | undefined {
      return db.select({ templateId: checks.templateId }).from(checks).where(eq(checks.id, checkId)).get()?.templateId;
    },

    forCheck(checkId: number): FindingRow[] {
      return byCheck.all({ checkId });
    },

    openForVenue(venueId: number): FindingRow[] {
      return db.select().from(findings).where(and(eq(findings.venueId, venueId), eq(findings.status, 'open'))).orderBy(asc(findings.visitDate), asc(findings.id)).all();
    },

    insert(row: Omit<FindingRow, 'id' | 'version'>): number {
      return db.insert(findings).values(row).returning({ id: findings.id }).get().id;
    },

    update(id: number, expectedVersion: number, changes: Partial<Omit<FindingRow, 'id' | 'version'>>): boolean {
      return (
        db
          .update(findings)
          .set({ ...changes, version: sql`${findings.version} + 1` })
          .where(and(eq(findings.id, id), eq(findings.version, expectedVersion)))
          .run().changes > 0
      );
    },

    delete(id: number): void {
      db.delete(findings).where(eq(findings.id, id)).run();
    },

    confirmationsOf(checkId: number) {
      return confirmationsByCheck.all({ checkId });
    },

    replaceConfirmations(checkId: number, rows: Array<{ findingId: number; fixed: boolean | null; note: string }>): void {
      db.delete(findingConfirmations).where(eq(findingConfirmations.checkId, checkId)).run();
      if (rows.length > 0) db.insert(findingConfirmations).values(rows.map((row) => ({ ...row, checkId }))).run();
    },
  };
}

export type FindingsRepository = ReturnType<typeof findingsRepository>;
