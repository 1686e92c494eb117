import { eq } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { formSubmissions } from '../../../db/schema/index.js';
import { ConflictError } from '../../lib/errors.js';

/** A create form's one-time key: a random UUID put in the form when it is first shown. */
export const submissionKeyPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function formKeysRepository(db: AppDatabase) {
  return {
    /**
     * The record an earlier submission with this key created, if any. A key already used by another person or
     * for another kind of form is refused (409): keys are made per form, so that is never an honest repeat.
     */
    find(key: string, userId: number | null, recordType: string): number | undefined {
      const row = db
        .select({ recordId: formSubmissions.recordId, userId: formSubmissions.userId, recordType: formSubmissions.recordType })
        .from(formSubmissions)
        .where(eq(formSubmissions.key, key))
        .get();
      if (!row) return undefined;
      if (row.userId !== userId || row.recordType !== recordType) throw new ConflictError({ key: 'errors.submissionKey.used' });
      return row.recordId;
    },

    remember(key: string, userId: number | null, recordType: string, recordId: number, at: string): void {
      db.insert(formSubmissions).values({ key, userId, recordType, recordId, createdAt: at }).run();
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
