import { and, eq, gte, lt, ne, sql } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { loginFailures, sessions, users } from '../../../db/schema/index.js';

export function sessionsRepository(db: AppDatabase) {
  const withUser = db.select({ session: sessions, user: users }).from(sessions).innerJoin(users, eq(users.id, sessions.userId)).where(eq(sessions.id, sql.placeholder('id'))).prepare();

  return {
    create(row: typeof sessions.$inferInsert): void {
      db.insert(sessions).values(row).run();
    },

    /** The session and its user in one query (on every request: built once). */
    findWithUser(id: string) {
      return withUser.get({ id });
    },

    touch(id: string, at: string): void {
      db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, id)).run();
    },

    delete(id: string): void {
      db.delete(sessions).where(eq(sessions.id, id)).run();
    },

    /** Ends every session of a user, except (optionally) the one making the change. */
    deleteForUser(userId: number, exceptId?: string): void {
      db.delete(sessions)
        .where(exceptId ? and(eq(sessions.userId, userId), ne(sessions.id, exceptId)) : eq(sessions.userId, userId))
        .run();
    },

    deleteIdleBefore(cutoff: string): void {
      db.delete(sessions).where(lt(sessions.lastSeenAt, cutoff)).run();
    },

    addLoginFailure(email: string, ip: string, at: string): void {
      db.insert(loginFailures).values({ email, ip, at }).run();
    },

    /** Failed sign-ins since a moment, for an account and for an address. */
    countFailuresSince(email: string, ip: string, since: string): { byEmail: number; byIp: number } {
      const byEmail = db
        .select({ n: sql<number>`count(*)` })
        .from(loginFailures)
        .where(and(eq(loginFailures.email, email), gte(loginFailures.at, since)))
        .get()!.n;
      const byIp = db
        .select({ n: sql<number>`count(*)` })
        .from(loginFailures)
        .where(and(eq(loginFailures.ip, ip), gte(loginFailures.at, since)))
        .get()!.n;
      return { byEmail, byIp };
    },

    deleteFailuresBefore(cutoff: string): void {
      db.delete(loginFailures).where(lt(loginFailures.at, cutoff)).run();
    },
  };
}
