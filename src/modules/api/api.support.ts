import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from '../../plugins/errors.js';
import type { FieldErrors } from '../../lib/forms.js';
import type { Page } from '../../lib/pagination.js';
import type { RequestKeysService } from '../form-keys/index.js';

/*
 * What every JSON API route shares: cursors over the pages' lists, ETags from record versions, If-Match, and the
 * one-time Idempotency-Key kept with the same store the report forms use (form-keys).
 */

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The filters of a list (all of its query but the cursor), as the cursor binds them. */
function filterHash(query: Record<string, unknown>): string {
  const { cursor: _cursor, ...filters } = query;
  return sha256(JSON.stringify(Object.keys(filters).sort().map((key) => [key, filters[key]]))).slice(0, 16);
}

/**
 * The page a list cursor points at (1 without one). A cursor is opaque to clients: today it holds the page number
 * and the filters it was made for, so a cursor sent with other filters is refused (422) rather than read wrongly.
 * Returns null once the problem is sent.
 */
export function pageFromCursor(request: FastifyRequest, reply: FastifyReply, query: Record<string, unknown> & { cursor?: string }): number | null {
  if (!query.cursor) return 1;
  try {
    const decoded = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8')) as { p?: unknown; f?: unknown };
    if (typeof decoded.p === 'number' && Number.isInteger(decoded.p) && decoded.p > 1 && decoded.p <= 100000 && decoded.f === filterHash(query)) return decoded.p;
  } catch {
    // falls through to the refusal
  }
  sendProblem(reply, 422, { detail: request.t('api.cursor'), errors: [{ pointer: '/query/cursor', code: 'api.cursor', detail: request.t('api.cursor') }] });
  return null;
}

/** A list's answer: its items mapped for the API, and the next page's cursor while there is one. */
export function listAnswer<T, U>(page: Page<T>, requested: number, query: Record<string, unknown>, map: (item: T) => U): { data: U[]; nextCursor: string | null } {
  const more = page.page === requested && page.page < page.pageCount;
  const nextCursor = more ? Buffer.from(JSON.stringify({ p: page.page + 1, f: filterHash(query) })).toString('base64url') : null;
  return { data: page.items.map(map), nextCursor };
}

export const etagOf = (version: number) => `"${version}"`;

/**
 * The record version an update is made against, from `If-Match` (an ETag this API gave: `"3"`). Missing: 428
 * (Precondition Required), so no client overwrites someone's change by forgetting it. Returns null once the
 * problem is sent; a version that is not the current one is the service's 409.
 */
export function ifMatchVersion(request: FastifyRequest, reply: FastifyReply): number | null {
  const header = request.headers['if-match'];
  if (typeof header !== 'string' || header.trim() === '') {
    sendProblem(reply, 428, { detail: request.t('api.ifMatchRequired') });
    return null;
  }
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  // Anything else ("*", a list, garbage) names no version we gave: treated as stale.
  return match ? Number(match[1]) : -1;
}

/** Field messages (catalog keys from the shared schemas and services) as a 422 problem; null, for a write's `act`. */
export function sendFieldErrors(request: FastifyRequest, reply: FastifyReply, errors: FieldErrors, extras: Record<string, unknown> = {}): null {
  const list = Object.entries(errors).flatMap(([field, messages]) => messages.map((message) => ({ pointer: `/${field === '_form' ? '' : field}`, code: message.key, detail: request.t(message.key, message.params) })));
  sendProblem(reply, 422, { detail: request.t('api.validation'), errors: list, ...extras });
  return null;
}

/** What a write answered: kept with its Idempotency-Key and given again, byte for byte, to a repeat. */
export interface WriteAnswer {
  status: 200 | 201;
  body: { id: number; version: number } & Record<string, unknown>;
  location?: string;
}

const keyPattern = /^[A-Za-z0-9_-]{8,100}$/;

/**
 * Runs a write once per `Idempotency-Key`: a repeat (same account, same operation, same body and If-Match) gets the
 * first answer with `Idempotent-Replayed: true` and writes nothing; the same key with anything else is refused (422,
 * from the store). Only a successful write is kept, so a refused one may be sent again with its key. `required`
 * keys (creates and other POSTs) answer 428 without one. `act` answers the write, or null once it has sent a problem.
 */
export async function once(
  request: FastifyRequest,
  reply: FastifyReply,
  requestKeys: RequestKeysService,
  operation: { kind: string; recordType: string; recordId: number; required: boolean },
  act: () => Promise<WriteAnswer | null> | WriteAnswer | null,
): Promise<FastifyReply> {
  const header = request.headers['idempotency-key'];
  const key = typeof header === 'string' ? header.trim() : '';
  if (!key && operation.required) return sendProblem(reply, 428, { detail: request.t('api.idempotencyKeyRequired') });
  if (key && !keyPattern.test(key)) return sendProblem(reply, 422, { detail: request.t('api.idempotencyKeyInvalid'), errors: [{ pointer: '/headers/idempotency-key', code: 'api.idempotencyKeyInvalid', detail: request.t('api.idempotencyKeyInvalid') }] });
  const keyed = key
    ? { key: `api:${request.user!.id}:${key}`, kind: `api.${operation.kind}` as const, userId: request.user!.id, recordId: operation.recordId, bodyHash: sha256(JSON.stringify([request.method, request.url, request.headers['if-match'] ?? '', request.body ?? null])) }
    : null;
  const earlier = requestKeys.replayOf(keyed);
  if (earlier) return send(reply.header('Idempotent-Replayed', 'true'), { status: earlier.status as 200 | 201, body: earlier.body as WriteAnswer['body'], ...(earlier.location ? { location: earlier.location } : {}) });
  const answer = await act();
  if (answer === null) return reply;
  const written = answer;
  requestKeys.remember(keyed, operation.recordType, { status: written.status, location: written.location ?? '', id: written.body.id, version: written.body.version, body: written.body });
  return send(reply, written);
}

function send(reply: FastifyReply, answer: WriteAnswer): FastifyReply {
  if (answer.location) reply.header('Location', answer.location);
  return reply.code(answer.status).header('ETag', etagOf(answer.body.version)).send(answer.body);
}
