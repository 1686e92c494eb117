import { and, asc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { users, type Role } from '../../../db/schema/index.js';
import { escapeLike } from '../../lib/text.js';
import { areaColumnInScope, type AreaScope } from '../../access/scope.js';

export type UserRow = typeof users.$inferSelect;

export interface UserListFilter {
  q?: string;
  role?: Role;
  status?: 'active' | 'disabled';
}

export function usersRepository(db: AppDatabase) {
  // A filter's options on the reports list: built once.
  function conditions(filter: UserListFilter): SQL | undefined {
    const parts: SQL[] = [];
    if (filter.q) {
      const pattern = `%${escapeLike(filter.q.toLowerCase())}%`;
      parts.push(or(sql`${users.email} like ${pattern} escape '\\'`, sql`lower(${users.name}) like ${pattern} escape '\\'`)!);
    }
    if (filter.role) parts.push(eq(users.role, filter.role));
    if (filter.status === 'active') parts.push(isNull(users.disabledAt));
    if (filter.status === 'disabled') parts.push(sql`${users.disabledAt} is not null`);
    return parts.length > 0 ? and(...parts) : undefined;
  }

  return {
    findById(id: number): UserRow | undefined {
      return db.select().from(users).where(eq(users.id, id)).get();
    },

    findByEmail(email: string): UserRow | undefined {
      return db.select().from(users).where(eq(users.email, email.toLowerCase())).get();
    },

    count(filter: UserListFilter = {}): number {
      return db.select({ total: sql<number>`count(*)` }).from(users).where(conditions(filter)).get()?.total ?? 0;
    },

    list(filter: UserListFilter, limit: number, offset: number): UserRow[] {
      return db.select().from(users).where(conditions(filter)).orderBy(asc(users.name), asc(users.id)).limit(limit).offset(offset).all();
    },

    /**
     * Active accounts of these roles that a person with this scope may pick, by name: those whose own area lies
     * within the scope (an account of the whole province is of no one district), everyone for a province-wide scope.
     */
    activeInScope(
      roles: readonly Role[],
      scope: AreaScope,
      options: { ids?: number[]; limit?: number } = {},
    ): Array<{ id: number; name: string; email: string; role: Role; areaId: number | null }> {
      const { ids, limit = 2000 } = options;
      if (ids && ids.length === 0) return [];
      return db
        .select({ id: users.id, name: users.name, email: users.email, role: users.role, areaId: users.areaId })
        .from(users)
        .where(and(isNull(users.disabledAt), inArray(users.role, [...roles]), areaColumnInScope(users.areaId, scope), ids ? inArray(users.id, ids) : undefined))
        .orderBy(asc(users.name), asc(users.id))
        .limit(limit)
        .all();
    },

    /** Active accounts among these ids, by name (for people already named on a record). */
    activeByIds(ids: number[]): Array<{ id: number; name: string; email: string }> {
      if (ids.length === 0) return [];
      return db
        .select({ id: users.id, name: users.name, email: users.email })
        .from(users)
        .where(and(isNull(users.disabledAt), inArray(users.id, ids)))
        .orderBy(asc(users.name), asc(users.id))
        .all();
    },

    countActiveAdmins(): number {
      return db
        .select({ total: sql<number>`count(*)` })
        .from(users)
        .where(and(eq(users.role, 'admin'), isNull(users.disabledAt)))
        .get()!.total;
    },

    insert(row: Omit<UserRow, 'id' | 'version'>): number {
      return db.insert(users).values(row).returning({ id: users.id }).get().id;
    },

    /** Updates when the version still matches; false when someone else saved first. */
    update(id: number, expectedVersion: number, changes: Partial<Omit<UserRow, 'id' | 'version'>>): boolean {
      const result = db
        .update(users)
        .set({ ...changes, version: sql`${users.version} + 1` })
        .where(and(eq(users.id, id), eq(users.version, expectedVersion)))
        .run();
      return result.changes > 0;
    },
  };
}

export type UsersRepository = ReturnType<typeof usersRepository>;
