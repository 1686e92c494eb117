import { and, asc, eq, inArray, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { cappedCounter } from '../../../db/count.js';
import { preparedByShape, type Bind } from '../../../db/prepared.js';
import { venues, type VenueStatus } from '../../../db/schema/index.js';
import { escapeLike } from '../../lib/text.js';
import { todayInVietnam } from '../../lib/dates.js';
import { areaColumnInScope, type AreaScope } from '../../access/scope.js';

export type VenueRow = typeof venues.$inferSelect;
export type VenueWrite = Omit<VenueRow, 'id' | 'version' | 'registeredOn' | 'createdAt' | 'updatedAt'>;

export interface VenueListFilter {
  scope: AreaScope;
  words: string[];
  areaIds?: number[];
  kind?: string;
  status?: VenueStatus;
  /** Licence expiry before this date (YYYY-MM-DD). */
  expiredBefore?: string;
}

export function venuesRepository(db: AppDatabase) {
  /** The list's filters, every value bound (the list and its count are prepared once per shape). */
  function conditions(filter: VenueListFilter, bind: Bind): SQL | undefined {
    const parts: SQL[] = filter.words.map((word) => sql`${venues.searchText} like ${bind(`%${escapeLike(word)}%`)} escape '\\'`);
    const inScope = areaColumnInScope(venues.areaId, filter.scope, bind);
    if (inScope) parts.push(inScope);
    if (filter.areaIds) parts.push(inArray(venues.areaId, (filter.areaIds.length > 0 ? filter.areaIds : [-1]).map(bind)));
    if (filter.kind) parts.push(eq(venues.kind, bind(filter.kind)));
    if (filter.status) parts.push(eq(venues.status, bind(filter.status)));
    if (filter.expiredBefore) parts.push(lt(venues.licenceExpiry, bind(filter.expiredBefore)));
    return parts.length > 0 ? and(...parts) : undefined;
  }

  // The search text starts with the name without diacritics: "Karaoke Ánh Dương" sorts before "Karaoke Hoa Mai".
  const listShapes = preparedByShape((where) => db.select().from(venues).where(where).orderBy(asc(venues.searchText), asc(venues.id)).limit(sql.placeholder('limit')).offset(sql.placeholder('offset')).prepare());
  const countOf = cappedCounter(db, venues);
  // Read on every report page and save.
  const byIdShapes = preparedByShape((where) => db.select().from(venues).where(where).prepare());

  return {
    list(filter: VenueListFilter, limit: number, offset: number): VenueRow[] {
      const { query, params } = listShapes((bind) => conditions(filter, bind));
      return query.all({ ...params, limit, offset });
    },

    count(filter: VenueListFilter): number {
      return countOf((bind) => conditions(filter, bind));
    },

    findById(id: number, scope: AreaScope): VenueRow | undefined {
      const { query, params } = byIdShapes((bind) => and(eq(venues.id, bind(id)), areaColumnInScope(venues.areaId, scope, bind)));
      return query.get(params);
    },

    findByIds(ids: number[]): VenueRow[] {
      if (ids.length === 0) return [];
      return db.select().from(venues).where(inArray(venues.id, ids)).all();
    },

    /** A venue in the same area with the same normalised name and address (the likely duplicate). */
    findDuplicate(areaId: number, dedupeKey: string, exceptId?: number): VenueRow | undefined {
      return db
        .select()
        .from(venues)
        .where(and(eq(venues.areaId, areaId), eq(venues.dedupeKey, dedupeKey), exceptId ? ne(venues.id, exceptId) : undefined))
        .get();
    },

    /** Existing dedupe keys among these areas, for checking a whole import file at once. */
    dedupeKeysIn(areaIds: number[]): Set<string> {
      if (areaIds.length === 0) return new Set();
      const rows = db.select({ areaId: venues.areaId, key: venues.dedupeKey }).from(venues).where(inArray(venues.areaId, areaIds)).all();
      return new Set(rows.map((row) => `${row.areaId}|${row.key}`));
    },

    insert(write: VenueWrite, at: string): number {
      return db
        .insert(venues)
        .values({ ...write, registeredOn: todayInVietnam(new Date(at)), createdAt: at, updatedAt: at })
        .returning({ id: venues.id })
        .get().id;
    },

    update(id: number, expectedVersion: number, write: VenueWrite, at: string): boolean {
      return (
        db
          .update(venues)
          .set({ ...write, updatedAt: at, version: sql`${venues.version} + 1` })
          .where(and(eq(venues.id, id), eq(venues.version, expectedVersion)))
          .run().changes > 0
      );
    },

    /**
     * Venues in these areas registered by `registeredBy` (YYYY-MM-DD) and not closed, and the venues `alsoIds`
     * among them whatever their state (those already reported in a round).
     */
    countInAreas(areaIds: number[], registeredBy: string, alsoIds: number[] = []): number {
      if (areaIds.length === 0) return 0;
      const registered = sql`coalesce(${venues.registeredOn}, date(${venues.createdAt}, '+7 hours'))`;
      return db
        .select({ total: sql<number>`count(*)` })
        .from(venues)
        .where(
          and(
            inArray(venues.areaId, areaIds),
            or(and(ne(venues.status, 'closed'), sql`${registered} <= ${registeredBy}`), alsoIds.length > 0 ? inArray(venues.id, alsoIds) : undefined),
          ),
        )
        .get()!.total;
    },
  };
}
