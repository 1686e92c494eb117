import { createHash } from 'node:crypto';
import type { AppDatabase } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { nowIso } from '../lib/dates.js';
import { sessionsRepository, type AttemptCount } from './sessions.repository.js';

/** Guesses at one password that are verified, per place they come from, within the window. */
export const MAX_GUESSES = 5;
export const GUESS_WINDOW_MINUTES = 15;
/** Failures from one address (on any accounts) before each further attempt from it must wait longer. */
export const ADDRESS_FREE_ATTEMPTS = 10;
const ADDRESS_MAX_DELAY_SECONDS = 300;

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The key attempts on an account are counted under: the typed email is never stored as such. */
export function accountKeyOf(email: string): string {
  return sha256(email.trim().toLowerCase());
}

export interface AttemptSource {
  accountKey: string;
  ip: string;
  /** The hash of the browser's device token when it is a known device of this account, else ''. */
  device: string;
}

export type Reservation = { ok: true; id: number } | { ok: false; retryAfterSeconds: number };

/**
 * Password guesses are limited where they come from, and the limit is taken before the password is checked
 * (a reservation), so a thousand guesses sent at once get no further than five sent one by one:
 * - from a browser where the person has signed in before (a known device): 5 per 15 minutes on that device,
 *   whatever happens elsewhere, so an attacker can never lock the rightful person out of their own machine;
 * - from anywhere else: 5 per 15 minutes per account and address, and 5 per 15 minutes per account from all
 *   such places together, so at most 5 guesses an account are ever checked in a window however they arrive;
 * - an address that failed on many accounts (password spraying) waits longer before each further attempt,
 *   but is never locked (many people share one office or proxy address).
 */
export function loginThrottle(db: AppDatabase, now: () => Date) {
  const repository = sessionsRepository(db);
  const windowMs = GUESS_WINDOW_MINUTES * 60_000;

  function secondsUntilFree(counted: AttemptCount, at: Date): number {
    return Math.max(1, Math.ceil((Date.parse(counted.oldest!) + windowMs - at.getTime()) / 1000));
  }

  return {
    /** Reserves one verification for this source, or says how long to wait. */
    reserve(source: AttemptSource): Reservation {
      return inTransaction(db, () => {
        const at = now();
        const since = new Date(at.getTime() - windowMs).toISOString();
        if (source.device) {
          const fromDevice = repository.attemptsFromDevice(source.accountKey, source.device, since);
          if (fromDevice.n >= MAX_GUESSES) return { ok: false, retryAfterSeconds: secondsUntilFree(fromDevice, at) };
        } else {
          const { account, pair } = repository.attemptsFromElsewhere(source.accountKey, source.ip, since);
          if (pair.n >= MAX_GUESSES) return { ok: false, retryAfterSeconds: secondsUntilFree(pair, at) };
          if (account.n >= MAX_GUESSES) return { ok: false, retryAfterSeconds: secondsUntilFree(account, at) };
          const fromAddress = repository.attemptsFromAddress(source.ip, since);
          if (fromAddress.n >= ADDRESS_FREE_ATTEMPTS) {
            const delay = Math.min(2 ** (fromAddress.n - ADDRESS_FREE_ATTEMPTS), ADDRESS_MAX_DELAY_SECONDS) * 1000;
            const wait = Date.parse(fromAddress.newest!) + delay - at.getTime();
            if (wait > 0) return { ok: false, retryAfterSeconds: Math.ceil(wait / 1000) };
          }
        }
        return { ok: true, id: repository.reserveAttempt({ ...source, at: nowIso(at) }) };
      });
    },

    failed(id: number): void {
      repository.failAttempt(id);
    },

    succeeded(id: number, source: AttemptSource): void {
      repository.clearAttempts(id, source.accountKey, source.ip, source.device);
    },

    sweep(): void {
      repository.deleteAttemptsBefore(new Date(now().getTime() - 4 * windowMs).toISOString());
    },
  };
}

export type LoginThrottle = ReturnType<typeof loginThrottle>;
