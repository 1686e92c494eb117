import { sql } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';

/** The health check's query: a real read of the database (throws when it cannot answer). */
export function healthRepository(db: AppDatabase) {
  return {
    probe(): void {
      db.get(sql`select count(*) from areas`);
    },
  };
}
