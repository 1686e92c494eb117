import { and, desc, eq, sql } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { checklistTemplates } from '../../../db/schema/index.js';

export type TemplateRow = typeof checklistTemplates.$inferSelect;

export function checklistsRepository(db: AppDatabase) {
  return {
    list(code: string): TemplateRow[] {
      return db.select().from(checklistTemplates).where(eq(checklistTemplates.code, code)).orderBy(desc(checklistTemplates.version)).all();
    },

    findById(id: number): TemplateRow | undefined {
      return db.select().from(checklistTemplates).where(eq(checklistTemplates.id, id)).get();
    },

    latestPublished(code: string): TemplateRow | undefined {
      return db
        .select()
        .from(checklistTemplates)
        .where(and(eq(checklistTemplates.code, code), eq(checklistTemplates.status, 'published')))
        .orderBy(desc(checklistTemplates.version))
        .get();
    },

    draft(code: string): TemplateRow | undefined {
      return db
        .select()
        .from(checklistTemplates)
        .where(and(eq(checklistTemplates.code, code), eq(checklistTemplates.status, 'draft')))
        .get();
    },

    nextVersion(code: string): number {
      const row = db.select({ max: sql<number | null>`max(${checklistTemplates.version})` }).from(checklistTemplates).where(eq(checklistTemplates.code, code)).get();
      return (row?.max ?? 0) + 1;
    },

    insert(row: Omit<TemplateRow, 'id' | 'revision'>): number {
      return db.insert(checklistTemplates).values(row).returning({ id: checklistTemplates.id }).get().id;
    },

    /** Only a draft changes, and only from the revision it was loaded at. */
    updateDraft(id: number, revision: number, changes: Partial<Pick<TemplateRow, 'body' | 'titleVi' | 'titleEn'>>): boolean {
      return (
        db
          .update(checklistTemplates)
          .set({ ...changes, revision: sql`${checklistTemplates.revision} + 1` })
          .where(and(eq(checklistTemplates.id, id), eq(checklistTemplates.status, 'draft'), eq(checklistTemplates.revision, revision)))
          .run().changes > 0
      );
    },

    publish(id: number, at: string): boolean {
      return (
        db
          .update(checklistTemplates)
          .set({ status: 'published', publishedAt: at })
          .where(and(eq(checklistTemplates.id, id), eq(checklistTemplates.status, 'draft')))
          .run().changes > 0
      );
    },
  };
}
