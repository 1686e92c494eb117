/**
 * Webhook events: which changes in the audit trail become which event, and what an event tells. An event carries
 * ids, the area, statuses, titles and paths, never anything about a possible victim (no victim-detail note, no
 * answers' notes, no comments): a receiver that needs more asks the API with its own token.
 */
export const webhookEventTypes = [
  'report.submitted',
  'report.approved',
  'report.returned',
  'finding.created',
  'finding.referred',
  'follow_up.overdue',
  'follow_up.verified',
  'periodic_report.submitted',
  'periodic_report.accepted',
  'periodic_report.returned',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** An audit entry as the dispatcher reads it. */
export interface AuditEventSource {
  id: number;
  at: string;
  action: string;
  recordType: string;
  recordId: number | null;
  changes: string;
}

/** The kind of record an event is about; each has a loader of its public fields. */
export type EventRecordType = 'check' | 'finding' | 'follow_up' | 'periodic_report';

interface AuditEventRule {
  recordType: EventRecordType;
  action: string;
  /** The event this entry is, or null (read from the entry's changes: field → [before, after]). */
  type(changes: Record<string, [unknown, unknown] | undefined>): WebhookEventType | null;
}

const statusTo = (changes: Record<string, [unknown, unknown] | undefined>): unknown => changes.status?.[1];

/** Every audit entry that is an event. Entries are written in the transaction of their change, so an event exists exactly when its change committed. */
const auditEventRules: AuditEventRule[] = [
  {
    recordType: 'check',
    action: 'status',
    type: (changes) => {
      const to = statusTo(changes);
      return to === 'submitted' ? 'report.submitted' : to === 'approved' ? 'report.approved' : to === 'returned' ? 'report.returned' : null;
    },
  },
  { recordType: 'finding', action: 'create', type: () => 'finding.created' },
  // A referral is recorded as an update naming the agency and the date (a later edit of only the case reference is no new referral).
  { recordType: 'finding', action: 'update', type: (changes) => ((changes.referredOn && changes.referredOn[1]) || (changes.agency && changes.agency[1]) ? 'finding.referred' : null) },
  { recordType: 'follow_up', action: 'status', type: (changes) => (statusTo(changes) === 'verified' ? 'follow_up.verified' : null) },
  // A periodic report's steps upward: its area's head submits, the level above accepts or returns it.
  {
    recordType: 'periodic_report',
    action: 'status',
    type: (changes) => {
      const to = statusTo(changes);
      return to === 'submitted' ? 'periodic_report.submitted' : to === 'accepted' ? 'periodic_report.accepted' : to === 'returned' ? 'periodic_report.returned' : null;
    },
  },
];

/** The event an audit entry is, with the record it is about; null for entries that are no event. */
export function eventOfAuditEntry(entry: AuditEventSource): { type: WebhookEventType; recordType: EventRecordType; recordId: number } | null {
  if (entry.recordId === null) return null;
  for (const rule of auditEventRules) {
    if (rule.recordType !== entry.recordType || rule.action !== entry.action) continue;
    let changes: Record<string, [unknown, unknown] | undefined>;
    try {
      changes = JSON.parse(entry.changes) as typeof changes;
    } catch {
      return null;
    }
    const type = rule.type(changes);
    if (type) return { type, recordType: rule.recordType, recordId: entry.recordId };
  }
  return null;
}

/** The record types whose audit entries can be events (the dispatcher reads only these). */
export const eventRecordTypes: EventRecordType[] = [...new Set(auditEventRules.map((rule) => rule.recordType))];

/** The body of a delivery: `{ id, type, occurredAt, data }`. */
export interface WebhookEventBody {
  id: string;
  type: WebhookEventType;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** Exponential backoff: 30 s after the first failed attempt, doubling, at most 4 hours apart. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, failedAttempts - 1), 4 * 3_600_000);
}

/** How long a delivery is retried after its event (or after "send again"). */
export const RETRY_WINDOW_MS = 24 * 3_600_000;
/** The longest an attempt waits for an answer. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** How much of an answer's body is kept in the log. */
export const RESPONSE_BODY_LIMIT = 1_000;
