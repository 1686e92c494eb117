import { and, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { cappedCount } from '../../../db/count.js';
import { auditAreas, auditLog } from '../../../db/schema/index.js';
import type { AreaScope } from '../../access/scope.js';

export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditFilter {
  userId?: number;
  recordType?: string;
  recordId?: number;
  /** Moments (UTC ISO), inclusive from, exclusive to. */
  from?: string;
  to?: string;
}

export function auditRepository(db: AppDatabase) {
  function conditions(filter: AuditFilter, scope: AreaScope): SQL | undefined {
    const parts: SQL[] = [];
    if (filter.userId !== undefined) parts.push(eq(auditLog.userId, filter.userId));
    if (filter.recordType) parts.push(eq(auditLog.recordType, filter.recordType));
    if (filter.recordId !== undefined) parts.push(eq(auditLog.recordId, filter.recordId));
    if (filter.from) parts.push(gte(auditLog.at, filter.from));
    if (filter.to) parts.push(lt(auditLog.at, filter.to));
    if (!scope.all) {
      const ids = scope.areaIds.length > 0 ? scope.areaIds : [-1];
      parts.push(sql`exists (select 1 from ${auditAreas} where ${auditAreas.auditId} = ${auditLog.id} and ${inArray(auditAreas.areaId, ids)})`);
    }
    return parts.length > 0 ? and(...parts) : undefined;
  }

  return {
    insert(entry: Omit<AuditRow, 'id'>, areaIds: number[]): number {
      const row = db.insert(auditLog).values(entry).returning({ id: auditLog.id }).get();
      if (areaIds.length > 0) {
        db.insert(auditAreas)
          .values([...new Set(areaIds)].map((areaId) => ({ auditId: row.id, areaId })))
          .run();
      }
      return row.id;
    },

    list(filter: AuditFilter, scope: AreaScope, limit: number, offset: number): AuditRow[] {
      return db.select().from(auditLog).where(conditions(filter, scope)).orderBy(desc(auditLog.id)).limit(limit).offset(offset).all();
    },

    count(filter: AuditFilter, scope: AreaScope): number {
      return cappedCount(db, auditLog, conditions(filter, scope));
    },

    /** The status changes recorded for some records of one type, oldest first. */
    statusChanges(recordType: string, recordIds: number[]): Array<Pick<AuditRow, 'id' | 'recordId' | 'at' | 'changes'>> {
      if (recordIds.length === 0) return [];
      return db
        .select({ id: auditLog.id, recordId: auditLog.recordId, at: auditLog.at, changes: auditLog.changes })
        .from(auditLog)
        .where(and(eq(auditLog.recordType, recordType), inArray(auditLog.recordId, recordIds), eq(auditLog.action, 'status')))
        .orderBy(auditLog.id)
        .all();
    },

    recordTypes(): string[] {
      return db
        .selectDistinct({ recordType: auditLog.recordType })
        .from(auditLog)
        .all()
        .map((row) => row.recordType)
        .sort();
    },
  };
}
