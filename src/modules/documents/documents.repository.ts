import { and, eq, sql } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { roundResultDocuments } from '../../../db/schema/index.js';

export type ResultDocumentRow = typeof roundResultDocuments.$inferSelect;
export type ResultDocumentWrite = Omit<ResultDocumentRow, 'roundId' | 'version' | 'createdAt' | 'updatedAt'>;

export function documentsRepository(db: AppDatabase) {
  return {
    findByRound(roundId: number): ResultDocumentRow | undefined {
      return db.select().from(roundResultDocuments).where(eq(roundResultDocuments.roundId, roundId)).get();
    },

    insert(roundId: number, write: ResultDocumentWrite, at: string): void {
      db.insert(roundResultDocuments)
        .values({ ...write, roundId, createdAt: at, updatedAt: at })
        .run();
    },

    /** Updates only when the stored version is the one the form was loaded with; false means someone else saved first. */
    update(roundId: number, expectedVersion: number, write: ResultDocumentWrite, at: string): boolean {
      const result = db
        .update(roundResultDocuments)
        .set({ ...write, updatedAt: at, version: sql`${roundResultDocuments.version} + 1` })
        .where(and(eq(roundResultDocuments.roundId, roundId), eq(roundResultDocuments.version, expectedVersion)))
        .run();
      return result.changes > 0;
    },
  };
}
