import { performance } from 'node:perf_hooks';
import type { AppDatabase } from '../../../db/client.js';
import { addDays, nowIso, startOfDayInVietnam, todayInVietnam, nextDay } from '../../lib/dates.js';
import type { AreaCatalog } from '../../areas/index.js';
import { scopeIncludes, scopeOfArea, type AreaScope } from '../../access/scope.js';
import {
  eventOfAuditEntry,
  eventRecordTypes,
  RETRY_WINDOW_MS,
  retryDelayMs,
  type EventRecordType,
  type WebhookEventBody,
  type WebhookEventType,
} from './webhooks.events.js';
import { webhooksRepository, type WebhookEndpointRow } from './webhooks.repository.js';
import { postJson, webhookSignature } from './webhooks.sender.js';

export interface WebhookDispatcherDeps {
  db: AppDatabase;
  catalog: AreaCatalog;
  /** WEBHOOK_ALLOW_PRIVATE: endpoints on this machine or a private network may be called. */
  allowPrivate: boolean;
}

/** Audit entries read per transaction, and deliveries sent per tick. */
const AUDIT_BATCH = 500;
const SEND_BATCH = 20;
/** A claim outlives the longest attempt (10 s) with room to spare; after it, a delivery whose sender died is sent again. */
const CLAIM_MS = 60_000;

const dataKey: Record<EventRecordType, string> = { check: 'report', finding: 'finding', follow_up: 'followUp', periodic_report: 'periodicReport' };

/**
 * Turns committed changes into webhook deliveries and sends them. `tick(now)` does both: it reads the audit
 * trail after its cursor (and the follow-ups that became overdue), writes one delivery per event and matching
 * endpoint in the same transaction as the cursor's move, then claims due deliveries one by one and sends them.
 * Several processes may tick at once on the same file: the transaction takes SQLite's write lock first, and a
 * delivery is claimed by one UPDATE, so nothing is taken or sent twice.
 */
export function webhookDispatcher({ db, catalog, allowPrivate }: WebhookDispatcherDeps) {
  const repository = webhooksRepository(db);
  const inFlight = new Set<AbortController>();

  function areaOf(areaId: number | null): Record<string, unknown> | null {
    const area = areaId === null ? undefined : catalog.byId.get(areaId);
    return area ? { id: area.id, code: area.code, name: area.name, level: area.level } : null;
  }

  interface Target extends WebhookEndpointRow {
    types: Set<string>;
    scope: AreaScope;
  }

  function offer(targets: Target[], event: { id: string; type: WebhookEventType; occurredAt: string; areaId: number | null; data: Record<string, unknown> }, now: Date): number {
    const matching = targets.filter((target) => target.types.has(event.type) && (target.scope.all || (event.areaId !== null && scopeIncludes(target.scope, event.areaId))));
    if (matching.length === 0) return 0;
    const body: WebhookEventBody = { id: event.id, type: event.type, occurredAt: event.occurredAt, data: event.data };
    const text = JSON.stringify(body);
    const at = nowIso(now);
    const retryUntil = nowIso(new Date(now.getTime() + RETRY_WINDOW_MS));
    let made = 0;
    for (const target of matching) {
      if (repository.insertDelivery({ endpointId: target.id, eventId: event.id, type: event.type, areaId: event.areaId, occurredAt: event.occurredAt, body: text, nextAttemptAt: at, retryUntil, createdAt: at })) made += 1;
    }
    return made;
  }

  function eventData(recordType: EventRecordType, recordId: number, type: WebhookEventType): { areaId: number | null; data: Record<string, unknown> } {
    const record = repository.eventRecord(recordType, recordId);
    if (!record) return { areaId: null, data: { [dataKey[recordType]]: { id: recordId } } };
    const fields = { ...record.fields };
    // The status the change set, even if the record has moved on since.
    if (recordType === 'check') fields.status = type.slice('report.'.length);
    if (recordType === 'periodic_report') fields.status = type.slice('periodic_report.'.length);
    return { areaId: record.areaId, data: { [dataKey[recordType]]: fields, area: areaOf(record.areaId) } };
  }

  /** Takes the events committed since the last call; returns how many deliveries were written. */
  function dispatch(now: Date): number {
    const today = todayInVietnam(now);
    const cursor = Number(repository.cursor('audit') ?? '0');
    const overdueSince = repository.cursor('overdueSince');
    // Nothing new: no write transaction (every process calls this every few seconds).
    if (repository.lastAuditId() <= cursor && overdueSince !== undefined && repository.newlyOverdue(overdueSince, today, 1).length === 0) return 0;
    return db.$client
      .transaction(() => {
        const targets: Target[] = repository.enabledEndpoints().map((endpoint) => ({ ...endpoint, types: new Set(JSON.parse(endpoint.events) as string[]), scope: scopeOfArea(endpoint.areaId, catalog) }));
        let made = 0;
        // Read again under the write lock: another process may have moved the cursor meanwhile.
        let position = Number(repository.cursor('audit') ?? '0');
        const last = repository.lastAuditId();
        while (position < last) {
          const entries = repository.auditAfter(position, eventRecordTypes, AUDIT_BATCH);
          for (const entry of entries) {
            const event = eventOfAuditEntry(entry);
            if (!event) continue;
            const { areaId, data } = eventData(event.recordType, event.recordId, event.type);
            made += offer(targets, { id: `audit-${entry.id}`, type: event.type, occurredAt: entry.at, areaId, data }, now);
          }
          position = entries.length < AUDIT_BATCH ? last : entries[entries.length - 1]!.id;
        }
        repository.setCursor('audit', String(position));

        // "Overdue" has no audit entry: a follow-up becomes overdue when Vietnam's day after its due date begins.
        // Watched from the day before the dispatcher first ran, so years of old overdue work are not sent at once.
        const since = repository.cursor('overdueSince') ?? addDays(today, -1);
        if (repository.cursor('overdueSince') === undefined) repository.setCursor('overdueSince', since);
        for (const followUp of repository.newlyOverdue(since, today, AUDIT_BATCH)) {
          repository.markOverdueEmitted(followUp.id, followUp.dueDate, nowIso(now));
          const { areaId, data } = eventData('follow_up', followUp.id, 'follow_up.overdue');
          const occurredAt = startOfDayInVietnam(nextDay(followUp.dueDate));
          made += offer(targets, { id: `overdue-${followUp.id}-${followUp.dueDate}`, type: 'follow_up.overdue', occurredAt, areaId, data }, now);
        }
        return made;
      })
      .immediate();
  }

  /** Sends one claimed delivery and logs the attempt. */
  async function send(delivery: NonNullable<ReturnType<typeof repository.claimNext>>, now: Date): Promise<boolean> {
    const timestamp = Math.floor(now.getTime() / 1000);
    const headers = { 'X-Webhook-Id': delivery.eventId, 'X-Webhook-Timestamp': String(timestamp), 'X-Webhook-Signature': webhookSignature(delivery.secret, timestamp, delivery.body) };
    const controller = new AbortController();
    inFlight.add(controller);
    const started = performance.now();
    try {
      const result = await postJson(delivery.url, headers, delivery.body, { allowPrivate, signal: controller.signal });
      const delivered = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
      const nextMoment = now.getTime() + retryDelayMs(delivery.attempts);
      const next = delivered || nextMoment > Date.parse(delivery.retryUntil) ? null : nowIso(new Date(nextMoment));
      repository.finishAttempt(
        delivery.id,
        { at: nowIso(now), statusCode: result.statusCode, responseBody: result.body, error: result.error, durationMs: Math.round(performance.now() - started) },
        { delivered, next },
      );
      return delivered;
    } finally {
      inFlight.delete(controller);
    }
  }

  /** Claims and sends the deliveries that are due; returns how many were delivered. */
  async function deliverDue(now: Date): Promise<number> {
    const at = nowIso(now);
    repository.expire(at);
    const claimUntil = nowIso(new Date(now.getTime() + CLAIM_MS));
    const sending: Array<Promise<boolean>> = [];
    for (let index = 0; index < SEND_BATCH; index += 1) {
      const delivery = repository.claimNext(at, claimUntil);
      if (!delivery) break;
      sending.push(send(delivery, now));
    }
    return (await Promise.all(sending)).filter(Boolean).length;
  }

  return {
    dispatch,
    deliverDue,
    /** One round of the timer: take new events, then send what is due. */
    async tick(now: Date): Promise<{ created: number; delivered: number }> {
      const created = dispatch(now);
      const delivered = await deliverDue(now);
      return { created, delivered };
    },
    /** Stops attempts under way (shutdown): each is logged as failed and retried later, by this or another process. */
    abort(): void {
      for (const controller of inFlight) controller.abort();
    },
  };
}

export type WebhookDispatcher = ReturnType<typeof webhookDispatcher>;
