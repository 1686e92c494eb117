import { and, desc, eq } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { apiTokens } from '../../../db/schema/index.js';

export type TokenRow = typeof apiTokens.$inferSelect;

export function tokensRepository(db: AppDatabase) {
  return {
    insert(row: typeof apiTokens.$inferInsert): number {
      return db.insert(apiTokens).values(row).returning({ id: apiTokens.id }).get().id;
    },

    findByHash(tokenHash: string): TokenRow | undefined {
      return db.select().from(apiTokens).where(eq(apiTokens.tokenHash, tokenHash)).get();
    },

    findForUser(userId: number, id: number): TokenRow | undefined {
      return db.select().from(apiTokens).where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId))).get();
    },

    /** A person's tokens, newest first (revoked ones too, so the list says when each ended). */
    listForUser(userId: number): TokenRow[] {
      return db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.id)).limit(200).all();
    },

    revoke(id: number, at: string): boolean {
      return db.update(apiTokens).set({ revokedAt: at }).where(and(eq(apiTokens.id, id))).run().changes > 0;
    },

    touch(id: number, at: string, ip: string): void {
      db.update(apiTokens).set({ lastUsedAt: at, lastUsedIp: ip }).where(eq(apiTokens.id, id)).run();
    },
  };
}
