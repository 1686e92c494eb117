import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { preparedByShape, type Bind } from '../../../db/prepared.js';
import { campaigns, roundAreas, rounds, roundStatusChanges, roundTeamMembers } from '../../../db/schema/index.js';
import { linkedAreasInScope, type AreaScope } from '../../access/scope.js';
import type { RoundKind, RoundPurpose, RoundStatus, TeamRole } from './rounds.schemas.js';

export type RoundRow = typeof rounds.$inferSelect;
export type TeamMemberRow = typeof roundTeamMembers.$inferSelect;
export type StatusChangeRow = typeof roundStatusChanges.$inferSelect;

export interface RoundListFilter {
  /** The areas the user may see: always applied. */
  scope: AreaScope;
  /** Normalised words that must all appear in the round's search text. */
  words: string[];
  /** Round must cover one of these areas. */
  areaIds?: number[];
  /** Round must overlap this date range (YYYY-MM-DD, inclusive). */
  overlaps?: { from: string; to: string };
  status?: RoundStatus;
  kind?: RoundKind;
  /** Rounds whose purpose includes this one ('both' includes either). */
  purpose?: RoundPurpose;
  startFrom?: string;
  startTo?: string;
  held?: boolean;
  campaignId?: number;
}

export interface RoundWrite {
  title: string;
  decisionNumber: string;
  kind: RoundKind;
  purpose: RoundPurpose;
  startDate: string;
  endDate: string;
  leadAgency: string;
  objectives: string;
  campaignId: number | null;
  searchText: string;
  areaIds: number[];
  team: Array<{ fullName: string; agency: string; teamRole: TeamRole; userId: number | null }>;
}

function likeAll(words: string[], bind: Bind): SQL[] {
  return words.map((word) => sql`${rounds.searchText} like ${bind(`%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)} escape '\\'`);
}

function roundInScope(scope: AreaScope, bind?: Bind): SQL | undefined {
  return linkedAreasInScope(roundAreas, roundAreas.roundId, roundAreas.areaId, rounds.id, scope, bind);
}

export function roundsRepository(db: AppDatabase) {
  /** The list's filters, every value bound (the list, its count and the options are prepared once per shape). */
  function conditions(filter: RoundListFilter, bind: Bind): SQL | undefined {
    const parts: SQL[] = [...likeAll(filter.words, bind)];
    const inScope = roundInScope(filter.scope, bind);
    if (inScope) parts.push(inScope);
    if (filter.status) parts.push(eq(rounds.status, bind(filter.status)));
    if (filter.kind) parts.push(eq(rounds.kind, bind(filter.kind)));
    if (filter.purpose) parts.push(filter.purpose === 'both' ? eq(rounds.purpose, bind('both')) : inArray(rounds.purpose, [bind(filter.purpose), bind('both')]));
    if (filter.startFrom) parts.push(sql`${rounds.startDate} >= ${bind(filter.startFrom)}`);
    if (filter.startTo) parts.push(sql`${rounds.startDate} <= ${bind(filter.startTo)}`);
    if (filter.held) parts.push(sql`${rounds.status} in ('in_progress', 'completed')`);
    if (filter.campaignId) parts.push(eq(rounds.campaignId, bind(filter.campaignId)));
    if (filter.overlaps) {
      parts.push(sql`${rounds.startDate} <= ${bind(filter.overlaps.to)}`, sql`${rounds.endDate} >= ${bind(filter.overlaps.from)}`);
    }
    if (filter.areaIds) {
      const ids = filter.areaIds.length > 0 ? filter.areaIds : [-1];
      parts.push(
        sql`exists (select 1 from ${roundAreas} where ${roundAreas.roundId} = ${rounds.id} and ${inArray(roundAreas.areaId, ids.map(bind))})`,
      );
    }
    return parts.length > 0 ? and(...parts) : undefined;
  }

  function replaceChildren(roundId: number, write: RoundWrite): void {
    db.delete(roundAreas).where(eq(roundAreas.roundId, roundId)).run();
    db.delete(roundTeamMembers).where(eq(roundTeamMembers.roundId, roundId)).run();
    if (write.areaIds.length > 0) {
      db.insert(roundAreas)
        .values(write.areaIds.map((areaId) => ({ roundId, areaId })))
        .run();
    }
    if (write.team.length > 0) {
      db.insert(roundTeamMembers)
        .values(write.team.map((member, position) => ({ roundId, position, ...member })))
        .run();
    }
  }

  // Read on every report page and save: built once.
  const teamById = db.select().from(roundTeamMembers).where(eq(roundTeamMembers.roundId, sql.placeholder('roundId'))).orderBy(asc(roundTeamMembers.position)).prepare();
  // The list page's queries, prepared once per shape of their filters.
  const newestFirst = [desc(rounds.startDate), desc(rounds.id)];
  const listShapes = preparedByShape((where) => db.select().from(rounds).where(where).orderBy(...newestFirst).limit(sql.placeholder('limit')).offset(sql.placeholder('offset')).prepare());
  const optionShapes = preparedByShape((where) => db.select({ id: rounds.id, title: rounds.title, startDate: rounds.startDate }).from(rounds).where(where).orderBy(...newestFirst).limit(sql.placeholder('limit')).prepare());
  const countShapes = preparedByShape((where) => db.select({ total: sql<number>`count(*)` }).from(rounds).where(where).prepare());
  const areaShapes = preparedByShape((where) => db.select().from(roundAreas).where(where).prepare());
  const byIdShapes = preparedByShape((where) => db.select().from(rounds).where(where).prepare());
  const yearShapes = preparedByShape((where) => db.select({ first: sql<string | null>`min(${rounds.startDate})`, last: sql<string | null>`max(${rounds.endDate})` }).from(rounds).where(where).prepare());

  return {
    /** One page of rounds, newest first, and the total for the filter. */
    list(filter: RoundListFilter, limit: number, offset: number): RoundRow[] {
      const { query, params } = listShapes((bind) => conditions(filter, bind));
      return query.all({ ...params, limit, offset });
    },

    /** The newest rounds a person may see, as a filter's options (id, title, start date only). */
    options(scope: AreaScope, limit: number): Array<{ id: number; title: string; startDate: string }> {
      const { query, params } = optionShapes((bind) => conditions({ scope, words: [] }, bind));
      return query.all({ ...params, limit });
    },

    count(filter: RoundListFilter): number {
      const { query, params } = countShapes((bind) => conditions(filter, bind));
      return query.get(params)?.total ?? 0;
    },

    /** The areas of many rounds in one query (never one query per row). */
    areaIdsByRound(roundIds: number[]): Map<number, number[]> {
      const result = new Map<number, number[]>();
      if (roundIds.length === 0) return result;
      const { query, params } = areaShapes((bind) => inArray(roundAreas.roundId, roundIds.map(bind)));
      const rows = query.all(params);
      for (const row of rows) {
        if (!result.has(row.roundId)) result.set(row.roundId, []);
        result.get(row.roundId)!.push(row.areaId);
      }
      return result;
    },

    /** A round the scope can see, or undefined (so another area's round answers 404). */
    findById(id: number, scope: AreaScope): RoundRow | undefined {
      const { query, params } = byIdShapes((bind) => and(eq(rounds.id, bind(id)), roundInScope(scope, bind)));
      return query.get(params);
    },

    /** Which of these rounds the scope can see, by the same rule as every other round query. */
    visibleIds(roundIds: number[], scope: AreaScope): Set<number> {
      if (roundIds.length === 0) return new Set();
      const rows = db
        .select({ id: rounds.id })
        .from(rounds)
        .where(and(inArray(rounds.id, roundIds), roundInScope(scope)))
        .all();
      return new Set(rows.map((row) => row.id));
    },

    teamOf(roundId: number): TeamMemberRow[] {
      return teamById.all({ roundId });
    },

    historyOf(roundId: number): StatusChangeRow[] {
      return db
        .select()
        .from(roundStatusChanges)
        .where(eq(roundStatusChanges.roundId, roundId))
        .orderBy(asc(roundStatusChanges.changedAt), asc(roundStatusChanges.id))
        .all();
    },

    /** Rounds (not cancelled) over the dates that cover one of these areas. */
    overlapping(from: string, to: string, areaIds: number[], excludeId: number | null): RoundRow[] {
      if (areaIds.length === 0) return [];
      return db
        .select()
        .from(rounds)
        .where(
          and(
            sql`${rounds.startDate} <= ${to}`,
            sql`${rounds.endDate} >= ${from}`,
            sql`${rounds.status} != 'cancelled'`,
            excludeId ? sql`${rounds.id} != ${excludeId}` : undefined,
            sql`exists (select 1 from ${roundAreas} where ${roundAreas.roundId} = ${rounds.id} and ${inArray(roundAreas.areaId, areaIds)})`,
          ),
        )
        .limit(20)
        .all();
    },

    /** Rounds (not cancelled) over the dates whose team lists this person (by account, or by name without one). */
    overlappingForMember(from: string, to: string, member: { userId: number | null; fullName: string }, excludeId: number | null): RoundRow[] {
      const match = member.userId !== null ? sql`${roundTeamMembers.userId} = ${member.userId}` : sql`${roundTeamMembers.fullName} = ${member.fullName}`;
      return db
        .select()
        .from(rounds)
        .where(
          and(
            sql`${rounds.startDate} <= ${to}`,
            sql`${rounds.endDate} >= ${from}`,
            sql`${rounds.status} != 'cancelled'`,
            excludeId ? sql`${rounds.id} != ${excludeId}` : undefined,
            sql`exists (select 1 from ${roundTeamMembers} where ${roundTeamMembers.roundId} = ${rounds.id} and ${match})`,
          ),
        )
        .limit(20)
        .all();
    },

    /** Rounds planned or in progress whose team lists this account. */
    openForUser(userId: number, scope: AreaScope): RoundRow[] {
      return db
        .select()
        .from(rounds)
        .where(
          and(
            inArray(rounds.status, ['planned', 'in_progress']),
            sql`exists (select 1 from ${roundTeamMembers} where ${roundTeamMembers.roundId} = ${rounds.id} and ${roundTeamMembers.userId} = ${userId})`,
            roundInScope(scope),
          ),
        )
        .orderBy(desc(rounds.startDate))
        .limit(20)
        .all();
    },

    yearRange(scope: AreaScope): { first: string | null; last: string | null } {
      const { query, params } = yearShapes((bind) => roundInScope(scope, bind));
      return query.get(params) ?? { first: null, last: null };
    },

    countByStatus(scope: AreaScope): Record<string, number> {
      const rows = db
        .select({ status: rounds.status, total: sql<number>`count(*)` })
        .from(rounds)
        .where(roundInScope(scope))
        .groupBy(rounds.status)
        .all();
      return Object.fromEntries(rows.map((row) => [row.status, row.total]));
    },

    insert(write: RoundWrite, extra: { status: RoundStatus; isSample: boolean; at: string }): number {
      const { areaIds: _areas, team: _team, ...columns } = write;
      const row = db
        .insert(rounds)
        .values({ ...columns, status: extra.status, isSample: extra.isSample, createdAt: extra.at, updatedAt: extra.at })
        .returning({ id: rounds.id })
        .get();
      replaceChildren(row.id, write);
      return row.id;
    },

    /** Updates only when the stored version is the one the form was loaded with; false means someone else saved first. */
    update(id: number, expectedVersion: number, write: RoundWrite, at: string): boolean {
      const { areaIds: _areas, team: _team, ...columns } = write;
      const result = db
        .update(rounds)
        .set({ ...columns, updatedAt: at, version: sql`${rounds.version} + 1` })
        .where(and(eq(rounds.id, id), eq(rounds.version, expectedVersion)))
        .run();
      if (result.changes === 0) return false;
      replaceChildren(id, write);
      return true;
    },

    setStatus(id: number, expectedVersion: number, status: RoundStatus, at: string): boolean {
      const result = db
        .update(rounds)
        .set({ status, updatedAt: at, version: sql`${rounds.version} + 1` })
        .where(and(eq(rounds.id, id), eq(rounds.version, expectedVersion)))
        .run();
      return result.changes > 0;
    },

    /** The period and status of the campaign a round is put in. */
    campaignPeriod(campaignId: number): { startDate: string; endDate: string; status: string } | undefined {
      return db.select({ startDate: campaigns.startDate, endDate: campaigns.endDate, status: campaigns.status }).from(campaigns).where(eq(campaigns.id, campaignId)).get();
    },

    addStatusChange(change: { roundId: number; fromStatus: RoundStatus | null; toStatus: RoundStatus; changedAt: string; note: string }): void {
      db.insert(roundStatusChanges).values(change).run();
    },
  };
}

export type RoundsRepository = ReturnType<typeof roundsRepository>;
