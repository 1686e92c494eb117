import { describe, expect, it } from 'vitest';
import { and, sql } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { checks } from '../../../db/schema/index.js';
import { countsAsFact } from '../../../db/conditions.js';
import { areaColumnInScope, WHOLE_PROVINCE } from '../../../src/access/scope.js';

const dialect = new SQLiteSyncDialect();
const render = (fragment: ReturnType<typeof sql>) => {
  const { sql: text, params } = dialect.sqlToQuery(fragment);
  return { sql: text, params };
};

describe('conditions shared by built and hand-written queries', () => {
  it('limits a drizzle column and a hand-written column to the same areas, and nothing for the whole province', () => {
    const scope = { all: false as const, areaIds: [3, 7] };
    expect(render(sql`${areaColumnInScope(checks.areaId, scope)}`)).toEqual({ sql: '"checks"."area_id" in (?, ?)', params: [3, 7] });
    expect(render(sql`where ${and(sql`c.visit_date > ${'2025-01-01'}`, areaColumnInScope(sql`c.area_id`, scope))}`)).toEqual({ sql: 'where (c.visit_date > ? and c.area_id in (?, ?))', params: ['2025-01-01', 3, 7] });
    expect(areaColumnInScope(checks.areaId, WHOLE_PROVINCE)).toBeUndefined();
    expect(render(sql`${areaColumnInScope(sql`c.area_id`, { all: false, areaIds: [] })}`).params).toEqual([-1]);
  });

  it('names "approved and not replaced by an amendment" once, for the table and for an alias', () => {
    expect(render(countsAsFact(checks)).sql).toBe(`("checks"."status" = 'approved' and "checks"."superseded_by_id" is null)`);
    expect(render(countsAsFact('c')).sql).toBe(`("c"."status" = 'approved' and "c"."superseded_by_id" is null)`);
  });
});
