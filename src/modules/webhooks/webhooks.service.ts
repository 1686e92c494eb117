import { randomBytes } from 'node:crypto';
import type { AppDatabase } from '../../../db/client.js';
import { inTransaction } from '../../../db/transaction.js';
import { nowIso } from '../../lib/dates.js';
import { ConflictError, NotFoundError, StateError } from '../../lib/errors.js';
import { addFieldError, hasErrors, type FieldErrors, type FormResult } from '../../lib/forms.js';
import { pageWindow, type Page } from '../../lib/pagination.js';
import type { AreaCatalog } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { diff, type AuditService, type Snapshot } from '../audit/index.js';
import { onceFor } from '../form-keys/index.js';
import { isLocalHostName, isPrivateAddress } from './webhooks.address.js';
import { RETRY_WINDOW_MS } from './webhooks.events.js';
import { webhooksRepository, type WebhookAttemptRow, type WebhookDeliveryRow, type WebhookEndpointRow } from './webhooks.repository.js';
import type { EndpointInput, EndpointUpdateInput } from './webhooks.schemas.js';

/** An endpoint as pages show it: never its secret (that is shown once, when it is made). */
export type PublicEndpoint = Omit<WebhookEndpointRow, 'secret' | 'events'> & { events: string[]; secretHint: string };

function publicEndpoint(row: WebhookEndpointRow): PublicEndpoint {
  const { secret, events, ...rest } = row;
  return { ...rest, events: JSON.parse(events) as string[], secretHint: `…${secret.slice(-4)}` };
}

/** A new signing secret: 32 random bytes, readable in a header or a config file. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export interface WebhooksServiceDeps {
  db: AppDatabase;
  catalog: AreaCatalog;
  audit: AuditService;
  allowPrivate: boolean;
  now?: () => Date;
}

/** Admins' management of webhook endpoints and their deliveries; every change is audited (never the secret). */
export function webhooksService({ db, catalog, audit, allowPrivate, now = () => new Date() }: WebhooksServiceDeps) {
  const repository = webhooksRepository(db);

  function load(id: number): WebhookEndpointRow {
    const endpoint = repository.findEndpoint(id);
    if (!endpoint) throw new NotFoundError('webhook');
    return endpoint;
  }

  function snapshot(row: Pick<WebhookEndpointRow, 'url' | 'events' | 'areaId' | 'enabled'>): Snapshot {
    return {
      url: row.url,
      events: (JSON.parse(row.events) as string[]).join(', '),
      area: row.areaId === null ? null : (catalog.byId.get(row.areaId)?.name ?? String(row.areaId)),
      enabled: row.enabled,
    };
  }

  function check(input: EndpointInput, errors: FieldErrors): void {
    if (input.areaId !== null && !catalog.isOffered(input.areaId)) addFieldError(errors, 'areaId', 'errors.userArea.invalid');
    const host = new URL(input.url).hostname;
    if (!allowPrivate && (isLocalHostName(host) || isPrivateAddress(host))) addFieldError(errors, 'url', 'errors.webhook.urlPrivate');
  }

  const areaIdsOf = (row: { areaId: number | null }) => (row.areaId === null ? [] : [row.areaId]);

  return {
    list(): Array<PublicEndpoint & { pending: number; failed: number; delivered: number }> {
      return repository.listEndpoints().map((row) => ({ ...publicEndpoint(row), pending: row.pending, failed: row.failed, delivered: row.delivered }));
    },

    get(id: number): PublicEndpoint {
      return publicEndpoint(load(id));
    },

    /** Registers an endpoint with a new secret, returned this once; the same form sent twice makes one endpoint (and no second secret). */
    create(actor: Actor, input: EndpointInput, submissionKey: string): FormResult<{ id: number; secret: string | null }> {
      const errors: FieldErrors = {};
      check(input, errors);
      if (hasErrors(errors)) return { ok: false, errors };
      const at = nowIso(now());
      const secret = newSecret();
      let made = false;
      const id = inTransaction(db, () =>
        onceFor(db, submissionKey, actor.userId, 'webhook', () => {
          made = true;
          const values = { url: input.url, events: JSON.stringify(input.events), areaId: input.areaId, enabled: input.enabled, secret, createdBy: actor.userId, createdAt: at, updatedAt: at };
          const newId = repository.insertEndpoint(values);
          audit.record(actor, { action: 'create', recordType: 'webhook', recordId: newId, changes: { ...diff(null, snapshot(values)), secret: [null, '•••'] }, areaIds: areaIdsOf(values) });
          return newId;
        }, at),
      );
      return { ok: true, value: { id, secret: made ? secret : null } };
    },

    update(actor: Actor, id: number, input: EndpointUpdateInput): FormResult<{ id: number }> {
      const endpoint = load(id);
      const errors: FieldErrors = {};
      check(input, errors);
      if (hasErrors(errors)) return { ok: false, errors };
      if (input.version !== endpoint.version) throw new ConflictError();
      inTransaction(db, () => {
        const changes = { url: input.url, events: JSON.stringify(input.events), areaId: input.areaId, enabled: input.enabled, updatedAt: nowIso(now()) };
        if (!repository.updateEndpoint(id, endpoint.version, changes)) throw new ConflictError();
        audit.record(actor, { action: 'update', recordType: 'webhook', recordId: id, changes: diff(snapshot(endpoint), snapshot({ ...endpoint, ...changes })), areaIds: [...areaIdsOf(endpoint), ...areaIdsOf(changes)] });
      });
      return { ok: true, value: { id } };
    },

    /** Replaces the signing secret; the new one is returned this once. */
    renewSecret(actor: Actor, id: number): string {
      const endpoint = load(id);
      const secret = newSecret();
      inTransaction(db, () => {
        if (!repository.updateEndpoint(id, endpoint.version, { secret, updatedAt: nowIso(now()) })) throw new ConflictError();
        audit.record(actor, { action: 'update', recordType: 'webhook', recordId: id, changes: { secret: ['•••', '•••'] }, areaIds: areaIdsOf(endpoint) });
      });
      return secret;
    },

    /** Deletes the endpoint with its deliveries and their log. */
    remove(actor: Actor, id: number): void {
      const endpoint = load(id);
      inTransaction(db, () => {
        repository.deleteEndpoint(id);
        audit.record(actor, { action: 'delete', recordType: 'webhook', recordId: id, changes: diff(snapshot(endpoint), null), areaIds: areaIdsOf(endpoint) });
      });
    },

    /** An endpoint's deliveries, newest first, each with its attempts. */
    deliveries(id: number, requestedPage: number): Page<WebhookDeliveryRow & { attemptLog: WebhookAttemptRow[] }> {
      load(id);
      const total = repository.countDeliveries(id);
      const window = pageWindow(requestedPage, total, 20);
      const rows = repository.listDeliveries(id, window.pageSize, window.offset);
      const attempts = repository.attemptsOf(rows.map((row) => row.id));
      const items = rows.map((row) => ({ ...row, attemptLog: attempts.filter((attempt) => attempt.deliveryId === row.id) }));
      return { items, total, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize, capped: window.capped };
    },

    /** "Gửi lại": the delivery is due at once and retried for another 24 hours, whatever became of it. */
    resend(actor: Actor, id: number, deliveryId: number): void {
      const endpoint = load(id);
      const delivery = repository.findDelivery(deliveryId);
      if (!delivery || delivery.endpointId !== id) throw new NotFoundError('delivery');
      const moment = now();
      inTransaction(db, () => {
        if (!repository.resend(deliveryId, nowIso(moment), nowIso(new Date(moment.getTime() + RETRY_WINDOW_MS)))) throw new StateError({ key: 'webhooks.sendingNow' });
        audit.record(actor, { action: 'update', recordType: 'webhook', recordId: id, changes: { resend: [null, delivery.eventId] }, areaIds: areaIdsOf(endpoint) });
      });
    },
  };
}

export type WebhooksService = ReturnType<typeof webhooksService>;
