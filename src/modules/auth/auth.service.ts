import { createHash, randomBytes } from 'node:crypto';
import type { AppDatabase } from '../../../db/client.js';
import { inTransaction } from '../../../db/transaction.js';
import { nowIso } from '../../lib/dates.js';
import type { AreaCatalog } from '../areas/areas.service.js';
import { auditService } from '../audit/audit.service.js';
import type { UserRow } from '../users/users.repository.js';
import { usersRepository } from '../users/users.repository.js';
import type { Actor } from './actor.js';
import { decoyHash, verifyPassword } from './passwords.js';
import { scopeOfArea } from './scope.js';
import { sessionsRepository } from './sessions.repository.js';

export const LOGIN_WINDOW_MINUTES = 15;
export const MAX_FAILED_LOGINS = 5;

export type SignInResult =
  | { outcome: 'ok'; token: string; user: UserRow }
  | { outcome: 'invalid' }
  | { outcome: 'locked' };

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function minutesBefore(date: Date, minutes: number): string {
  return new Date(date.getTime() - minutes * 60_000).toISOString();
}

export interface AuthServiceDeps {
  db: AppDatabase;
  catalog: AreaCatalog;
  idleMinutes: number;
  now?: () => Date;
}

export function authService({ db, catalog, idleMinutes, now = () => new Date() }: AuthServiceDeps) {
  const sessions = sessionsRepository(db);
  const users = usersRepository(db);
  const audit = auditService(db, now);

  function actorFor(user: UserRow, ip: string): Actor {
    return { userId: user.id, name: user.name, role: user.role, areaId: user.areaId, scope: scopeOfArea(user.areaId, catalog), ip };
  }

  function anonymous(email: string, ip: string): Actor {
    return { userId: null, name: email, role: 'auditor', areaId: null, scope: { all: false, areaIds: [] }, ip };
  }

  return {
    actorFor,

    /**
     * Checks a sign-in. After MAX_FAILED_LOGINS failures for the account or the address within the window,
     * further attempts are refused without looking at the password until the oldest failure leaves the window.
     */
    async signIn(emailTyped: string, password: string, ip: string, userAgent: string): Promise<SignInResult> {
      const email = emailTyped.trim().toLowerCase().slice(0, 200);
      const at = now();
      const recent = sessions.countFailuresSince(email, ip, minutesBefore(at, LOGIN_WINDOW_MINUTES));
      if (recent.byEmail >= MAX_FAILED_LOGINS || recent.byIp >= MAX_FAILED_LOGINS) return { outcome: 'locked' };

      const user = users.findByEmail(email);
      const valid = user ? await verifyPassword(password, user.passwordHash) : (await verifyPassword(password, await decoyHash), false);
      if (!user || !valid || user.disabledAt !== null) {
        inTransaction(db, () => {
          sessions.addLoginFailure(email, ip, nowIso(at));
          audit.record(user ? actorFor(user, ip) : anonymous(email, ip), {
            action: 'login_failed',
            recordType: 'user',
            recordId: user?.id ?? null,
            changes: { email, reason: !user ? 'unknown_email' : user.disabledAt ? 'disabled' : 'wrong_password' },
          });
        });
        return { outcome: 'invalid' };
      }

      const token = randomBytes(32).toString('base64url');
      inTransaction(db, () => {
        const moment = nowIso(at);
        sessions.create({ id: hashToken(token), userId: user.id, createdAt: moment, lastSeenAt: moment, ip, userAgent: userAgent.slice(0, 300) });
        audit.record(actorFor(user, ip), { action: 'login', recordType: 'user', recordId: user.id });
      });
      return { outcome: 'ok', token, user };
    },

    /**
     * The signed-in user for a session cookie, or null when the session is unknown, idle for too long, or the
     * account is disabled. The last-seen time is written at most once a minute so reading pages stays cheap.
     */
    resume(token: string | undefined): { user: UserRow; sessionId: string } | null {
      if (!token || token.length > 100) return null;
      const id = hashToken(token);
      const found = sessions.findWithUser(id);
      if (!found) return null;
      const at = now();
      if (found.session.lastSeenAt < minutesBefore(at, idleMinutes) || found.user.disabledAt !== null) {
        sessions.delete(id);
        return null;
      }
      if (found.session.lastSeenAt < minutesBefore(at, 1)) sessions.touch(id, nowIso(at));
      return { user: found.user, sessionId: id };
    },

    signOut(actor: Actor, sessionId: string): void {
      inTransaction(db, () => {
        sessions.delete(sessionId);
        audit.record(actor, { action: 'logout', recordType: 'user', recordId: actor.userId });
      });
    },

    /** Removes expired sessions and old failure records (called now and then, not on every request). */
    sweep(): void {
      const at = now();
      sessions.deleteIdleBefore(minutesBefore(at, idleMinutes));
      sessions.deleteFailuresBefore(minutesBefore(at, LOGIN_WINDOW_MINUTES * 4));
    },
  };
}

export type AuthService = ReturnType<typeof authService>;
