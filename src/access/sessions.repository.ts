import { and, count, desc, eq, gte, inArray, lt, min, max, ne, sql } from 'drizzle-orm';
import type { AppDatabase } from '../../db/client.js';
import { knownDevices, loginAttempts, sessions, users } from '../../db/schema/index.js';

export type SessionRow = typeof sessions.$inferSelect;

/** How many attempts, the oldest and the newest, among those matched. */
export interface AttemptCount {
  n: number;
  oldest: string | null;
  newest: string | null;
}

export function sessionsRepository(db: AppDatabase) {
  const withUser = db.select({ session: sessions, user: users }).from(sessions).innerJoin(users, eq(users.id, sessions.userId)).where(eq(sessions.id, sql.placeholder('id'))).prepare();
  const attemptStats = { n: count(), oldest: min(loginAttempts.at), newest: max(loginAttempts.at) };

  return {
    create(row: typeof sessions.$inferInsert): void {
      db.insert(sessions).values(row).run();
    },

    /** The session and its user in one query (on every request: built once). */
    findWithUser(id: string) {
      return withUser.get({ id });
    },

    /** A person's sessions, most recently used first (for their profile page). */
    listForUser(userId: number): SessionRow[] {
      return db.select().from(sessions).where(eq(sessions.userId, userId)).orderBy(desc(sessions.lastSeenAt)).limit(100).all();
    },

    touch(id: string, at: string): void {
      db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, id)).run();
    },

    delete(id: string): void {
      db.delete(sessions).where(eq(sessions.id, id)).run();
    },

    /** Ends some of a user's sessions (only theirs, whatever ids are given); returns how many ended. */
    deleteSomeForUser(userId: number, ids: string[]): number {
      if (ids.length === 0) return 0;
      return db.delete(sessions).where(and(eq(sessions.userId, userId), inArray(sessions.id, ids))).run().changes;
    },

    /** Ends every session of a user, except (optionally) the one making the change. */
    deleteForUser(userId: number, exceptId?: string): number {
      return db
        .delete(sessions)
        .where(exceptId ? and(eq(sessions.userId, userId), ne(sessions.id, exceptId)) : eq(sessions.userId, userId))
        .run().changes;
    },

    /** Removes sessions idle since `idleCutoff` or started before `startCutoff`. */
    deleteExpired(idleCutoff: string, startCutoff: string): void {
      db.delete(sessions).where(sql`${sessions.lastSeenAt} < ${idleCutoff} or ${sessions.createdAt} < ${startCutoff}`).run();
    },

    /** Whether this browser's device token belongs to the account (and notes its use). */
    isKnownDevice(tokenHash: string, userId: number): boolean {
      return db.select({ n: count() }).from(knownDevices).where(and(eq(knownDevices.tokenHash, tokenHash), eq(knownDevices.userId, userId))).get()!.n > 0;
    },

    rememberDevice(tokenHash: string, userId: number, at: string): void {
      db.insert(knownDevices)
        .values({ tokenHash, userId, createdAt: at, lastUsedAt: at })
        .onConflictDoUpdate({ target: [knownDevices.tokenHash, knownDevices.userId], set: { lastUsedAt: at } })
        .run();
    },

    deleteDevicesUnusedSince(cutoff: string): void {
      db.delete(knownDevices).where(lt(knownDevices.lastUsedAt, cutoff)).run();
    },

    /** Attempts on an account from one known device since a moment. */
    attemptsFromDevice(accountKey: string, device: string, since: string): AttemptCount {
      return db.select(attemptStats).from(loginAttempts).where(and(eq(loginAttempts.accountKey, accountKey), eq(loginAttempts.device, device), gte(loginAttempts.at, since))).get()!;
    },

    /** Attempts on an account from anywhere but its known devices since a moment, and those among them from one address. */
    attemptsFromElsewhere(accountKey: string, ip: string, since: string): { account: AttemptCount; pair: AttemptCount } {
      const elsewhere = and(eq(loginAttempts.accountKey, accountKey), eq(loginAttempts.device, ''), gte(loginAttempts.at, since));
      return {
        account: db.select(attemptStats).from(loginAttempts).where(elsewhere).get()!,
        pair: db.select(attemptStats).from(loginAttempts).where(and(elsewhere, eq(loginAttempts.ip, ip))).get()!,
      };
    },

    /** Attempts from one address on any account, not from a known device, since a moment. */
    attemptsFromAddress(ip: string, since: string): AttemptCount {
      return db.select(attemptStats).from(loginAttempts).where(and(eq(loginAttempts.ip, ip), eq(loginAttempts.device, ''), gte(loginAttempts.at, since))).get()!;
    },

    reserveAttempt(row: { accountKey: string; ip: string; device: string; at: string }): number {
      return db.insert(loginAttempts).values({ ...row, state: 'pending' }).returning({ id: loginAttempts.id }).get().id;
    },

    failAttempt(id: number): void {
      db.update(loginAttempts).set({ state: 'failed' }).where(eq(loginAttempts.id, id)).run();
    },

    /** After a success: the attempt and the earlier failures from the same place (the person's own typos) go. */
    clearAttempts(id: number, accountKey: string, ip: string, device: string): void {
      db.delete(loginAttempts).where(eq(loginAttempts.id, id)).run();
      db.delete(loginAttempts)
        .where(and(eq(loginAttempts.accountKey, accountKey), eq(loginAttempts.device, device), device === '' ? eq(loginAttempts.ip, ip) : sql`1`))
        .run();
    },

    deleteAttemptsBefore(cutoff: string): void {
      db.delete(loginAttempts).where(lt(loginAttempts.at, cutoff)).run();
    },
  };
}
