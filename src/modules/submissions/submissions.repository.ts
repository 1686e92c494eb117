import { and, eq } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { formSubmissions } from '../../../db/schema/index.js';

/** A create form's one-time key: a random UUID put in the form when it is first shown. */
export const submissionKeyPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function submissionsRepository(db: AppDatabase) {
  return {
    /** The record an earlier submission with this key created (for this user), if any. */
    find(key: string, userId: number | null, recordType: string): number | undefined {
      const row = db
        .select({ recordId: formSubmissions.recordId, userId: formSubmissions.userId })
        .from(formSubmissions)
        .where(and(eq(formSubmissions.key, key), eq(formSubmissions.recordType, recordType)))
        .get();
      return row && row.userId === userId ? row.recordId : undefined;
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
  const repository = submissionsRepository(db);
  const valid = key && submissionKeyPattern.test(key) ? key : null;
  if (valid) {
    const earlier = repository.find(valid, userId, recordType);
    if (earlier !== undefined) return earlier;
  }
  const id = create();
  if (valid) repository.remember(valid, userId, recordType, id, at);
  return id;
}
