import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { areas } from './areas.js';
import { users } from './users.js';

/**
 * A system that is told of events (a report submitted, a finding created, …) by an HTTP POST signed with its
 * secret. The secret is kept as it is (the app must read it to sign every delivery): the database file is the
 * app's account's alone, and reporting snapshots and exports leave this table out.
 */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: integer('id').primaryKey(),
    url: text('url').notNull(),
    /** JSON array of the event types it receives. */
    events: text('events').notNull(),
    /** Only events of this area (a district also covers the communes formed from it); null = the whole province. */
    areaId: integer('area_id').references(() => areas.id),
    secret: text('secret').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    version: integer('version').notNull().default(1),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
);

export const webhookDeliveryStates = ['pending', 'sending', 'delivered', 'failed'] as const;
export type WebhookDeliveryState = (typeof webhookDeliveryStates)[number];

/** One event for one endpoint: its body (fixed when the event is taken), and where its sending stands. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey(),
    endpointId: integer('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    /** The event's id (the body's `id` and the X-Webhook-Id header): the same for every endpoint and every attempt. */
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    areaId: integer('area_id').references(() => areas.id),
    occurredAt: text('occurred_at').notNull(),
    /** The JSON body sent, byte for byte the same at every attempt. */
    body: text('body').notNull(),
    state: text('state', { enum: webhookDeliveryStates }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    /** Retries stop (state failed) after this moment: 24 hours after the event, or after "send again". */
    retryUntil: text('retry_until').notNull(),
    /** While state is sending: the moment the claim lapses (a process that died while sending). */
    claimedUntil: text('claimed_until'),
    lastStatus: integer('last_status'),
    createdAt: text('created_at').notNull(),
    deliveredAt: text('delivered_at'),
  },
  (table) => [
    uniqueIndex('webhook_deliveries_event_idx').on(table.endpointId, table.eventId),
    index('webhook_deliveries_due_idx').on(table.state, table.nextAttemptAt),
    index('webhook_deliveries_endpoint_idx').on(table.endpointId, table.id),
  ],
);

/** Every attempt at a delivery: the answer's status (null when none came), a trimmed body or the error, and how long it took. */
export const webhookAttempts = sqliteTable(
  'webhook_attempts',
  {
    id: integer('id').primaryKey(),
    deliveryId: integer('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    at: text('at').notNull(),
    statusCode: integer('status_code'),
    responseBody: text('response_body').notNull().default(''),
    error: text('error').notNull().default(''),
    durationMs: integer('duration_ms').notNull(),
  },
  (table) => [index('webhook_attempts_delivery_idx').on(table.deliveryId, table.id)],
);

/** The dispatcher's place: `audit` = the last audit_log id read; `overdueSince` = the first due date it watches. */
export const webhookCursor = sqliteTable('webhook_cursor', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});

/** Follow-ups whose "overdue" event was taken, per due date, so a change of due date can be overdue again but never twice. */
export const webhookOverdueEmitted = sqliteTable(
  'webhook_overdue_emitted',
  {
    followUpId: integer('follow_up_id').notNull(),
    dueDate: text('due_date').notNull(),
    at: text('at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.followUpId, table.dueDate] })],
);
