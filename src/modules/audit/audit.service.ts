import type { AppDatabase } from '../../../db/client.js';
import { nowIso } from '../../lib/dates.js';
import { pageWindow, type Page } from '../../lib/pagination.js';
import type { Actor } from '../../access/actor.js';
import { auditRepository, type AuditFilter, type AuditRow } from './audit.repository.js';

export type AuditAction =
  | 'create'
  | 'update'
  | 'delete'
  | 'status'
  | 'disable'
  | 'enable'
  | 'password_reset'
  | 'password_change'
  | 'login'
  | 'login_failed'
  | 'logout'
  | 'password_check_failed'
  | 'session_end'
  | 'export'
  /** A report save refused as stale: the fields where the saved report and what was sent differ. */
  | 'conflict'
  /** A report saved from the conflict page, after the person chose between the two versions. */
  | 'conflictResolved'
  /** An API access token revoked. */
  | 'revoke';

export type Snapshot = Record<string, string | number | boolean | null>;

/** Field → [before, after] for the fields that differ (all fields of `after` for a creation). */
export function diff(before: Snapshot | null, after: Snapshot | null): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of keys) {
    const old = before?.[key] ?? null;
    const next = after?.[key] ?? null;
    if (old !== next) changes[key] = [old, next];
  }
  return changes;
}

export interface AuditEntry {
  action: AuditAction;
  recordType: string;
  recordId: number | null;
  changes?: Record<string, unknown>;
  /** Areas of the record, so users limited to an area see its history. */
  areaIds?: number[];
}

export function auditService(db: AppDatabase, now: () => Date = () => new Date()) {
  const repository = auditRepository(db);
  return {
    /** Appends an entry; call it inside the transaction of the change it records. */
    record(actor: Actor, entry: AuditEntry): void {
      repository.insert(
        {
          at: nowIso(now()),
          userId: actor.userId,
          actorName: actor.name,
          ip: actor.ip,
          action: entry.action,
          recordType: entry.recordType,
          recordId: entry.recordId,
          changes: JSON.stringify(entry.changes ?? {}),
        },
        entry.areaIds ?? [],
      );
    },

    list(actor: Actor, filter: AuditFilter, requestedPage: number): Page<AuditRow & { parsedChanges: Record<string, unknown> }> {
      const total = repository.count(filter, actor.scope);
      const window = pageWindow(requestedPage, total, 50);
      const items = repository.list(filter, actor.scope, window.pageSize, window.offset).map((row) => ({
        ...row,
        parsedChanges: JSON.parse(row.changes) as Record<string, unknown>,
      }));
      return { items, total, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize, capped: window.capped };
    },

    /** When each of these records changed status, and from what to what (oldest first). */
    statusChanges(recordType: string, recordIds: number[]): Array<{ id: number; recordId: number; at: string; from: string | null; to: string }> {
      return repository.statusChanges(recordType, recordIds).map((row) => {
        const [from, to] = ((JSON.parse(row.changes) as { status?: [string | null, string] }).status ?? [null, '']) as [string | null, string];
        return { id: row.id, recordId: row.recordId!, at: row.at, from, to };
      });
    },

    recordTypes(): string[] {
      return repository.recordTypes();
    },
  };
}

export type AuditService = ReturnType<typeof auditService>;
