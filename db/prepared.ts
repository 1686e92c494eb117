import { is, Placeholder, sql, type SQL } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';

/** Stands for a value in a query's conditions: the value is bound when the prepared statement runs. */
export type Bind = (value: unknown) => Placeholder;

const dialect = new SQLiteSyncDialect();

/** How many shapes a list keeps: far more than its filter form can combine in practice. */
const SHAPES_KEPT = 200;

/**
 * Prepared statements for a query whose filters vary (a list page). The conditions are written with `bind(value)`
 * for every value, so their SQL text names the query's shape: which filters are set, how many areas, how many
 * words. Each shape is built with drizzle and prepared the first time it is asked, then reused for the life of
 * the process with the new values bound; building a query costs more than running most of these indexed ones.
 */
export function preparedByShape<Query>(build: (where: SQL | undefined) => Query): (conditions: (bind: Bind) => SQL | undefined) => { query: Query; params: Record<string, unknown> } {
  const shapes = new Map<string, Query>();
  return (conditions) => {
    const params: Record<string, unknown> = {};
    let count = 0;
    const where = conditions((value) => {
      const name = `p${count++}`;
      params[name] = value;
      return sql.placeholder(name);
    });
    const text = where ? dialect.sqlToQuery(where) : { sql: '', params: [] };
    // A value written straight into the conditions would be kept in the statement and reused for every request.
    if (!text.params.every((param) => is(param, Placeholder))) throw new Error(`A list query's value is not bound: ${text.sql}`);
    let query = shapes.get(text.sql);
    if (query === undefined) {
      if (shapes.size >= SHAPES_KEPT) shapes.delete(shapes.keys().next().value!);
      query = build(where);
      shapes.set(text.sql, query);
    }
    return { query, params };
  };
}
