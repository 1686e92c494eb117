import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { checks } from './schema/index.js';

/** The columns of a visit-report table (the table itself or an alias of it) that decide whether it is a fact. */
export interface ReportStatusColumns {
  status: SQLWrapper;
  supersededById: SQLWrapper;
}

/**
 * A visit report counts as a fact in figures only when it is approved and not replaced by an approved amendment.
 * Pass the checks table (or an alias of it), or the alias name a hand-written query gives it (`'c'` for
 * `from checks c`). Usable in `.where()` and inside `sql` templates alike.
 */
export function countsAsFact(reports: ReportStatusColumns | string = checks): SQL {
  const table = typeof reports === 'string' ? alias(checks, reports) : reports;
  return sql`(${table.status} = 'approved' and ${table.supersededById} is null)`;
}
