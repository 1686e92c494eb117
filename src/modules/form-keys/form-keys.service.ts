import type { AppDatabase } from '../../../db/client.js';
import { nowIso } from '../../lib/dates.js';
import { formKeysRepository, type KeyedRequest, type StoredOutcome } from './form-keys.repository.js';

/**
 * Safe replays of report writes: a request sent again with its one-time key (a reply lost on a weak link, a
 * phone's outbox sending again) is answered with what the first one answered, and writes nothing; the same key
 * with anything else is refused (422). Only successful handlings are kept, so a refused one runs again.
 */
export function requestKeysService({ db, now = () => new Date() }: { db: AppDatabase; now?: () => Date }) {
  const repository = formKeysRepository(db);
  return {
    /** The first answer to this request, if it was handled before (throws `RequestKeyReusedError` on a misuse). */
    replayOf(request: KeyedRequest | null): StoredOutcome | undefined {
      return request ? repository.replayOf(request) : undefined;
    },

    /** Keeps a successful handling's answer; call right after its write, with nothing awaited in between. */
    remember(request: KeyedRequest | null, recordType: string, outcome: StoredOutcome): StoredOutcome {
      if (request) repository.rememberOutcome(request, recordType, outcome, nowIso(now()));
      return outcome;
    },
  };
}

export type RequestKeysService = ReturnType<typeof requestKeysService>;
