import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { formSubmissions } from '../../../db/schema/index.js';
import { ConflictError, RequestKeyReusedError } from '../../lib/errors.js';
import type { FieldErrors } from '../../lib/forms.js';
import type { MessageKey } from '../../i18n/index.js';

/** A create form's one-time key: a random UUID put in the form when it is first shown. */
export const submissionKeyPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The writes a request key can be used for: report forms, and JSON API writes (`api.<operation>`, `Idempotency-Key`). */
export type RequestKind = 'report.start' | 'report.save' | 'report.attach' | `api.${string}`;

/** A write sent with a one-time key: who sent it, for what, and a hash of what was sent (`requestHash`). */
export interface KeyedRequest {
  key: string;
  kind: RequestKind;
  userId: number | null;
  /** The record written to (the report); for a start, the round it is started in. */
  recordId: number;
  bodyHash: string;
}

/** What a successful handling answered, kept so a repeat is answered the same. */
export interface StoredOutcome {
  /** 303 (redirect), or 422 for a draft saved except for fields that did not read; 200 or 201 for a JSON API write. */
  status: 200 | 201 | 303 | 422;
  location: string;
  /** The record written (the report). */
  id: number;
  /** The report's version after the write. */
  version: number;
  flash?: { key: MessageKey; count?: number };
  /** An upload: the attachment it added. */
  attachmentId?: number;
  /** A draft saved in part: the messages of the fields kept as they were. */
  errors?: FieldErrors;
  /** A JSON API write: the body it answered with (replayed as it was). */
  body?: unknown;
}

/**
 * SHA-256 of a request's text fields (sorted by name, a repeated field's values in order; `_csrf` and the keys
 * themselves left out) and of the SHA-256 of each file's bytes.
 */
export function requestHash(fields: Record<string, string | string[]>, files: Buffer[] = []): string {
  const ignored = new Set(['_csrf', 'requestKey', 'submissionKey']);
  const entries = Object.keys(fields)
    .filter((name) => !ignored.has(name))
    .sort()
    .map((name) => {
      const value = fields[name]!;
      return [name, Array.isArray(value) ? value : [value]];
    });
  const fileHashes = files.map((file) => createHash('sha256').update(file).digest('hex'));
  return createHash('sha256').update(JSON.stringify({ fields: entries, files: fileHashes })).digest('hex');
}

export function formKeysRepository(db: AppDatabase) {
  const byKey = (key: string) => db.select().from(formSubmissions).where(eq(formSubmissions.key, key)).get();

  return {
    /**
     * The record an earlier submission with this key created, if any. A key already used by another person or
     * for another kind of form is refused (409): keys are made per form, so that is never an honest repeat.
     */
    find(key: string, userId: number | null, recordType: string): number | undefined {
      const row = byKey(key);
      if (!row) return undefined;
      if (row.userId !== userId || row.recordType !== recordType) throw new ConflictError({ key: 'errors.submissionKey.used' });
      return row.recordId;
    },

    remember(key: string, userId: number | null, recordType: string, recordId: number, at: string): void {
      db.insert(formSubmissions).values({ key, userId, recordType, recordId, createdAt: at }).run();
    },

    /**
     * What an earlier request with this key answered: undefined for a key not used yet. The same key with another
     * body, person, kind or record is refused (`RequestKeyReusedError`, 422) and nothing is written. A start key
     * stored before bodies were kept (no hash) is taken as the same request.
     */
    replayOf(request: KeyedRequest): StoredOutcome | undefined {
      const row = byKey(request.key);
      if (!row) return undefined;
      const sameKind = row.kind === request.kind || (row.kind === null && request.kind === 'report.start' && row.recordType === 'check');
      const sameRecord = request.kind === 'report.start' || row.recordId === request.recordId;
      const sameBody = row.bodyHash === null || row.bodyHash === request.bodyHash;
      if (row.userId !== request.userId || !sameKind || !sameRecord || !sameBody) throw new RequestKeyReusedError();
      if (row.outcome) return JSON.parse(row.outcome) as StoredOutcome;
      // A start kept before outcomes were stored: its answer was the report it created.
      return { status: 303, location: `/checks/${row.recordId}`, id: row.recordId, version: 1 };
    },

    /** Keeps the outcome of a successful handling; call in (or right after) the write's transaction. */
    rememberOutcome(request: KeyedRequest, recordType: string, outcome: StoredOutcome, at: string): void {
      db.insert(formSubmissions)
        .values({ key: request.key, userId: request.userId, recordType, recordId: request.kind === 'report.start' ? outcome.id : request.recordId, createdAt: at, kind: request.kind, bodyHash: request.bodyHash, outcome: JSON.stringify(outcome) })
        .run();
    },
  };
}

/**
 * Runs a create once per form: a repeated submission (double click, retry over a bad network) with the same
 * key gets the record the first one made. Call inside the create's transaction.
 */
export function onceFor(db: AppDatabase, key: string | undefined, userId: number | null, recordType: string, create: () => number, at: string): number {
  const repository = formKeysRepository(db);
  const valid = key && submissionKeyPattern.test(key) ? key : null;
  if (valid) {
    const earlier = repository.find(valid, userId, recordType);
    if (earlier !== undefined) return earlier;
  }
  const id = create();
  if (valid) repository.remember(valid, userId, recordType, id, at);
  return id;
}
