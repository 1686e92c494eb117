import { randomBytes } from 'node:crypto';
import type { AppDatabase } from '../../../db/client.js';
import { inTransaction } from '../../../db/transaction.js';
import { nowIso } from '../../lib/dates.js';
import type { AreaCatalog } from '../../areas/index.js';
import type { UserRow } from '../users/index.js';
import { usersRepository } from '../users/index.js';
import type { Actor } from '../../access/actor.js';
import { decoyHash, verifyPassword, type PasswordCheck } from '../../access/passwords.js';
import { scopeOfArea } from '../../access/scope.js';
import { sessionsRepository, type SessionRow } from '../../access/sessions.repository.js';
import { accountKeyOf, loginThrottle, sha256, type AttemptSource } from '../../access/throttle.js';
import type { AuditService } from '../audit/index.js';

/** Known devices not used for this long are forgotten. */
const DEVICE_DAYS = 180;

export type SignInResult =
  | { outcome: 'ok'; token: string; user: UserRow; deviceToken: string }
  | { outcome: 'invalid' }
  | { outcome: 'locked'; retryAfterSeconds: number };


export interface SignInRequest {
  email: string;
  password: string;
  ip: string;
  userAgent: string;
  /** The browser's device token (cookie), if it has one. */
  deviceToken?: string | undefined;
  /** The session the browser signed in with before, ended by this sign-in. */
  previousToken?: string | undefined;
  remember?: boolean;
}

function minutesBefore(date: Date, minutes: number): string {
  return new Date(date.getTime() - minutes * 60_000).toISOString();
}

const validToken = (token: string | undefined): token is string => typeof token === 'string' && token.length > 0 && token.length <= 100;

export interface AuthServiceDeps {
  db: AppDatabase;
  catalog: AreaCatalog;
  idleMinutes: number;
  maxHours: number;
  audit: AuditService;
  now?: () => Date;
}

export function authService({ db, catalog, idleMinutes, maxHours, audit, now = () => new Date() }: AuthServiceDeps) {
  const sessions = sessionsRepository(db);
  const users = usersRepository(db);
  const throttle = loginThrottle(db, now);

  function actorFor(user: UserRow, ip: string): Actor {
    return { userId: user.id, name: user.name, role: user.role, areaId: user.areaId, scope: scopeOfArea(user.areaId, catalog), ip };
  }

  /** Someone who typed an email no account has: the audit trail keeps a hash of it, never the text (it may be a password). */
  function anonymous(accountKey: string, ip: string): Actor {
    return { userId: null, name: `? ${accountKey.slice(0, 12)}`, role: 'auditor', areaId: null, scope: { all: false, areaIds: [] }, ip };
  }

  function sourceOf(accountKey: string, user: UserRow | undefined, ip: string, deviceToken: string | undefined): AttemptSource {
    const hash = validToken(deviceToken) ? sha256(deviceToken) : '';
    return { accountKey, ip, device: user && hash && sessions.isKnownDevice(hash, user.id) ? hash : '' };
  }

  /** A session ends when idle too long, past its absolute lifetime, or when the account is disabled. */
  function expired(session: SessionRow, user: UserRow, at: Date): boolean {
    return session.lastSeenAt < minutesBefore(at, idleMinutes) || session.createdAt <= minutesBefore(at, maxHours * 60) || user.disabledAt !== null;
  }

  return {
    actorFor,

    /**
     * Checks a sign-in. Each guess is reserved with the throttle before the password is verified, so guesses
     * sent at once are limited like guesses sent one by one. A success starts a new session, ends the one the
     * browser had, and remembers the browser as a known device of the account.
     */
    async signIn(input: SignInRequest): Promise<SignInResult> {
      const email = input.email.trim().toLowerCase().slice(0, 200);
      const accountKey = accountKeyOf(email);
      const user = users.findByEmail(email);
      const source = sourceOf(accountKey, user, input.ip, input.deviceToken);
      const reservation = throttle.reserve(source);
      if (!reservation.ok) return { outcome: 'locked', retryAfterSeconds: reservation.retryAfterSeconds };

      let valid = false;
      try {
        valid = user ? await verifyPassword(input.password, user.passwordHash) : (await verifyPassword(input.password, await decoyHash), false);
      } finally {
        if (!valid || !user || user.disabledAt !== null) throttle.failed(reservation.id);
      }
      if (!user || !valid || user.disabledAt !== null) {
        inTransaction(db, () => {
          audit.record(user ? actorFor(user, input.ip) : anonymous(accountKey, input.ip), {
            action: 'login_failed',
            recordType: 'user',
            recordId: user?.id ?? null,
            changes: user ? { email, reason: user.disabledAt ? 'disabled' : 'wrong_password' } : { reason: 'unknown_email' },
          });
        });
        return { outcome: 'invalid' };
      }

      const token = randomBytes(32).toString('base64url');
      const deviceToken = validToken(input.deviceToken) ? input.deviceToken : randomBytes(32).toString('base64url');
      inTransaction(db, () => {
        const moment = nowIso(now());
        throttle.succeeded(reservation.id, source);
        if (validToken(input.previousToken)) sessions.delete(sha256(input.previousToken));
        sessions.create({ id: sha256(token), userId: user.id, createdAt: moment, lastSeenAt: moment, ip: input.ip, userAgent: input.userAgent.slice(0, 300), remember: input.remember === true });
        sessions.rememberDevice(sha256(deviceToken), user.id, moment);
        audit.record(actorFor(user, input.ip), { action: 'login', recordType: 'user', recordId: user.id });
      });
      return { outcome: 'ok', token, user, deviceToken };
    },

    /**
     * Checks a signed-in person's current password (before changing it), limited and audited like a sign-in,
     * so a session left open is no way to guess the password.
     */
    async checkCurrentPassword(actor: Actor, user: UserRow, password: string, deviceToken: string | undefined): Promise<PasswordCheck> {
      const accountKey = accountKeyOf(user.email);
      const source = sourceOf(accountKey, user, actor.ip, deviceToken);
      const reservation = throttle.reserve(source);
      if (!reservation.ok) return { outcome: 'locked', retryAfterSeconds: reservation.retryAfterSeconds };
      let valid = false;
      try {
        valid = await verifyPassword(password, user.passwordHash);
      } finally {
        if (!valid) throttle.failed(reservation.id);
      }
      if (!valid) {
        inTransaction(db, () => audit.record(actor, { action: 'password_check_failed', recordType: 'user', recordId: user.id, changes: { reason: 'wrong_password' } }));
        return { outcome: 'wrong' };
      }
      throttle.succeeded(reservation.id, source);
      return { outcome: 'ok' };
    },

    /**
     * The signed-in user for a session cookie, or null when the session is unknown, has ended, or the account
     * is disabled. The last-seen time is written at most once a minute so reading pages stays cheap.
     */
    resume(token: string | undefined): { user: UserRow; session: SessionRow } | null {
      if (!validToken(token)) return null;
      const id = sha256(token);
      const found = sessions.findWithUser(id);
      if (!found) return null;
      const at = now();
      if (expired(found.session, found.user, at)) {
        sessions.delete(id);
        return null;
      }
      if (found.session.lastSeenAt < minutesBefore(at, 1)) sessions.touch(id, nowIso(at));
      return found;
    },

    /** A person's own sessions, newest use first. */
    sessionsOf(userId: number): SessionRow[] {
      const at = now();
      return sessions.listForUser(userId).filter((session) => session.lastSeenAt >= minutesBefore(at, idleMinutes) && session.createdAt > minutesBefore(at, maxHours * 60));
    },

    /** Ends some of the person's own sessions (`'others'`: every one but the current). */
    endSessions(actor: Actor, currentId: string, which: string[] | 'others'): number {
      if (actor.userId === null) return 0;
      const userId = actor.userId;
      return inTransaction(db, () => {
        const ended = which === 'others' ? sessions.deleteForUser(userId, currentId) : sessions.deleteSomeForUser(userId, which);
        if (ended > 0) audit.record(actor, { action: 'session_end', recordType: 'user', recordId: userId, changes: { sessions: ended, current: which !== 'others' && which.includes(currentId) } });
        return ended;
      });
    },

    signOut(actor: Actor, sessionId: string): void {
      inTransaction(db, () => {
        sessions.delete(sessionId);
        audit.record(actor, { action: 'logout', recordType: 'user', recordId: actor.userId });
      });
    },

    /** Removes ended sessions, old attempts and forgotten devices (called now and then, not on every request). */
    sweep(): void {
      const at = now();
      sessions.deleteExpired(minutesBefore(at, idleMinutes), minutesBefore(at, maxHours * 60));
      sessions.deleteDevicesUnusedSince(minutesBefore(at, DEVICE_DAYS * 24 * 60));
      throttle.sweep();
    },
  };
}

export type AuthService = ReturnType<typeof authService>;
