import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { webhookAttempts, webhookCursor, webhookDeliveries, webhookEndpoints, webhookOverdueEmitted } from '../../../db/schema/index.js';
import type { AuditEventSource, EventRecordType } from './webhooks.events.js';

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;

/** What an event tells of its record: public fields only (see webhooks.events.ts). */
export interface EventRecord {
  areaId: number;
  fields: Record<string, unknown>;
}

export function webhooksRepository(db: AppDatabase) {
  const client = db.$client;
  const recordLoaders: Record<EventRecordType, (id: number) => EventRecord | undefined> = {
    check: (id) => {
      const row = client
        .prepare(
          `select c.id, c.status, c.visit_date as visitDate, c.area_id as areaId, c.round_id as roundId, r.title as roundTitle,
                  c.venue_id as venueId, v.name as venueName, c.violation_count as violationCount
           from checks c join rounds r on r.id = c.round_id join venues v on v.id = c.venue_id where c.id = ?`,
        )
        .get(id) as ({ areaId: number } & Record<string, unknown>) | undefined;
      return row ? { areaId: row.areaId, fields: { ...row, path: `/checks/${id}` } } : undefined;
    },
    finding: (id) => {
      // Never victim_details, description or legal notes: titles, states and ids only.
      const row = client
        .prepare(
          `select f.id, f.title, f.item_code as itemCode, f.severity, f.status, f.area_id as areaId, f.visit_date as visitDate,
                  f.check_id as reportId, f.round_id as roundId, f.venue_id as venueId, v.name as venueName,
                  f.referral_agency as referralAgency, f.referred_on as referredOn
           from findings f join venues v on v.id = f.venue_id where f.id = ?`,
        )
        .get(id) as ({ areaId: number } & Record<string, unknown>) | undefined;
      return row ? { areaId: row.areaId, fields: { ...row, path: `/findings/${id}` } } : undefined;
    },
    follow_up: (id) => {
      const row = client
        .prepare(
          `select u.id, u.finding_id as findingId, f.title as findingTitle, u.measure, u.status, u.due_date as dueDate,
                  u.area_id as areaId, u.venue_id as venueId, v.name as venueName
           from follow_ups u join findings f on f.id = u.finding_id join venues v on v.id = u.venue_id where u.id = ?`,
        )
        .get(id) as ({ areaId: number } & Record<string, unknown>) | undefined;
      return row ? { areaId: row.areaId, fields: { ...row, path: `/follow-ups/${id}` } } : undefined;
    },
    periodic_report: (id) => {
      // Ids, the period and the status only: never the narrative or a reviewer's comment.
      const row = client
        .prepare(
          `select p.id, p.edition, p.status, p.area_id as areaId, p.period_id as periodId, r.title as periodTitle, r.kind as periodKind,
                  r.period_start as periodStart, r.period_end as periodEnd, p.replaced_by_id as replacedById
           from periodic_reports p join reporting_periods r on r.id = p.period_id where p.id = ?`,
        )
        .get(id) as ({ areaId: number } & Record<string, unknown>) | undefined;
      return row ? { areaId: row.areaId, fields: { ...row, path: `/periodic-reports/${id}` } } : undefined;
    },
  };

  return {
    // ——— endpoints ———
    insertEndpoint(values: Omit<WebhookEndpointRow, 'id' | 'version'>): number {
      return db.insert(webhookEndpoints).values(values).returning({ id: webhookEndpoints.id }).get().id;
    },

    findEndpoint(id: number): WebhookEndpointRow | undefined {
      return db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).get();
    },

    /** Every endpoint with how its deliveries stand (admins have a handful: one query, no paging). */
    listEndpoints(): Array<WebhookEndpointRow & { pending: number; failed: number; delivered: number }> {
      return db
        .select({
          endpoint: webhookEndpoints,
          pending: sql<number>`(select count(*) from ${webhookDeliveries} d where d.endpoint_id = ${webhookEndpoints.id} and d.state in ('pending', 'sending'))`,
          failed: sql<number>`(select count(*) from ${webhookDeliveries} d where d.endpoint_id = ${webhookEndpoints.id} and d.state = 'failed')`,
          delivered: sql<number>`(select count(*) from ${webhookDeliveries} d where d.endpoint_id = ${webhookEndpoints.id} and d.state = 'delivered')`,
        })
        .from(webhookEndpoints)
        .orderBy(webhookEndpoints.id)
        .limit(500)
        .all()
        .map((row) => ({ ...row.endpoint, pending: row.pending, failed: row.failed, delivered: row.delivered }));
    },

    enabledEndpoints(): WebhookEndpointRow[] {
      return db.select().from(webhookEndpoints).where(eq(webhookEndpoints.enabled, true)).all();
    },

    /** Applies changes if the endpoint is still at this version; false when someone else saved it first. */
    updateEndpoint(id: number, version: number, changes: Partial<Omit<WebhookEndpointRow, 'id' | 'version'>>): boolean {
      const result = db
        .update(webhookEndpoints)
        .set({ ...changes, version: sql`${webhookEndpoints.version} + 1` })
        .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.version, version)))
        .run();
      return result.changes === 1;
    },

    /** Deletes the endpoint with its deliveries and their attempts. */
    deleteEndpoint(id: number): void {
      const deliveries = db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id));
      db.delete(webhookAttempts).where(inArray(webhookAttempts.deliveryId, deliveries)).run();
      db.delete(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id)).run();
      db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).run();
    },

    // ——— deliveries ———
    countDeliveries(endpointId: number): number {
      return db.select({ total: sql<number>`count(*)` }).from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId)).get()?.total ?? 0;
    },

    listDeliveries(endpointId: number, limit: number, offset: number): WebhookDeliveryRow[] {
      return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId)).orderBy(desc(webhookDeliveries.id)).limit(limit).offset(offset).all();
    },

    findDelivery(id: number): WebhookDeliveryRow | undefined {
      return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).get();
    },

    attemptsOf(deliveryIds: number[]): WebhookAttemptRow[] {
      if (deliveryIds.length === 0) return [];
      return db.select().from(webhookAttempts).where(inArray(webhookAttempts.deliveryId, deliveryIds)).orderBy(webhookAttempts.id).all();
    },

    /** A delivery of an event to an endpoint; nothing when that endpoint already has that event. */
    insertDelivery(values: Pick<WebhookDeliveryRow, 'endpointId' | 'eventId' | 'type' | 'areaId' | 'occurredAt' | 'body' | 'nextAttemptAt' | 'retryUntil' | 'createdAt'>): boolean {
      return db.insert(webhookDeliveries).values(values).onConflictDoNothing().run().changes === 1;
    },

    /**
     * Claims the next due delivery of an enabled endpoint for this process: one UPDATE, which SQLite runs under
     * its write lock, so two processes never claim the same row. A claim lapses at `claimUntil` (a process that
     * died while sending); its delivery is then claimed again.
     */
    claimNext(now: string, claimUntil: string): (WebhookDeliveryRow & { url: string; secret: string }) | undefined {
      const claimed = client
        .prepare(
          `update webhook_deliveries set state = 'sending', claimed_until = ?, attempts = attempts + 1
           where id = (
             select d.id from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
             where e.enabled = 1 and ((d.state = 'pending' and d.next_attempt_at <= ?) or (d.state = 'sending' and d.claimed_until < ?))
             order by d.next_attempt_at, d.id limit 1
           )
           returning id`,
        )
        .get(claimUntil, now, now) as { id: number } | undefined;
      if (!claimed) return undefined;
      const delivery = db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, claimed.id)).get()!;
      const endpoint = db.select({ url: webhookEndpoints.url, secret: webhookEndpoints.secret }).from(webhookEndpoints).where(eq(webhookEndpoints.id, delivery.endpointId)).get()!;
      return { ...delivery, ...endpoint };
    },

    /** Logs an attempt and moves its delivery on: delivered, pending again at `next`, or failed (next = null). */
    finishAttempt(deliveryId: number, attempt: Omit<WebhookAttemptRow, 'id' | 'deliveryId'>, outcome: { delivered: boolean; next: string | null }): void {
      db.insert(webhookAttempts).values({ deliveryId, ...attempt }).run();
      const state = outcome.delivered ? ('delivered' as const) : outcome.next ? ('pending' as const) : ('failed' as const);
      db.update(webhookDeliveries)
        .set({
          state,
          lastStatus: attempt.statusCode,
          claimedUntil: null,
          ...(outcome.delivered ? { deliveredAt: attempt.at } : {}),
          ...(outcome.next ? { nextAttemptAt: outcome.next } : {}),
        })
        .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.state, 'sending')))
        .run();
    },

    /** "Send again": due at once, retried for another window; false while it is being sent. */
    resend(deliveryId: number, now: string, retryUntil: string): boolean {
      return (
        db
          .update(webhookDeliveries)
          .set({ state: 'pending', nextAttemptAt: now, retryUntil, claimedUntil: null })
          .where(and(eq(webhookDeliveries.id, deliveryId), sql`${webhookDeliveries.state} <> 'sending'`))
          .run().changes === 1
      );
    },

    /** Pending deliveries whose retry window has passed (an endpoint disabled meanwhile) are given up. */
    expire(now: string): void {
      client.prepare(`update webhook_deliveries set state = 'failed' where state = 'pending' and retry_until < ?`).run(now);
    },

    // ——— the dispatcher's reading of the audit trail ———
    cursor(name: string): string | undefined {
      return db.select({ value: webhookCursor.value }).from(webhookCursor).where(eq(webhookCursor.name, name)).get()?.value;
    },

    setCursor(name: string, value: string): void {
      db.insert(webhookCursor).values({ name, value }).onConflictDoUpdate({ target: webhookCursor.name, set: { value } }).run();
    },

    lastAuditId(): number {
      return (client.prepare('select coalesce(max(id), 0) from audit_log').pluck().get() as number) ?? 0;
    },

    /** Audit entries after an id, of the record types that can be events, oldest first. */
    auditAfter(afterId: number, recordTypes: string[], limit: number): AuditEventSource[] {
      return client
        .prepare(
          `select id, at, action, record_type as recordType, record_id as recordId, changes from audit_log
           where id > ? and record_type in (${recordTypes.map(() => '?').join(', ')}) order by id limit ?`,
        )
        .all(afterId, ...recordTypes, limit) as AuditEventSource[];
    },

    eventRecord(recordType: EventRecordType, id: number): EventRecord | undefined {
      return recordLoaders[recordType](id);
    },

    /** Follow-ups not done whose due date is in [since, today) and whose "overdue" for that due date was not taken yet. */
    newlyOverdue(since: string, today: string, limit: number): Array<{ id: number; dueDate: string }> {
      return client
        .prepare(
          `select u.id, u.due_date as dueDate from follow_ups u
           where u.status in ('open', 'in_progress') and u.due_date >= ? and u.due_date < ?
             and not exists (select 1 from webhook_overdue_emitted e where e.follow_up_id = u.id and e.due_date = u.due_date)
           order by u.due_date, u.id limit ?`,
        )
        .all(since, today, limit) as Array<{ id: number; dueDate: string }>;
    },

    markOverdueEmitted(followUpId: number, dueDate: string, at: string): void {
      db.insert(webhookOverdueEmitted).values({ followUpId, dueDate, at }).onConflictDoNothing().run();
    },
  };
}

export type WebhooksRepository = ReturnType<typeof webhooksRepository>;
