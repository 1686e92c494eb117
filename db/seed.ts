import { eq } from 'drizzle-orm';
import type { AppDatabase } from './client.js';
import { appMeta } from './schema/index.js';
import { AREAS_VERSION, loadAdministrativeUnits } from './reference/load-areas.js';

interface Logger {
  info(message: string): void;
}

export function readMeta(db: AppDatabase, key: string): string | undefined {
  return db.select().from(appMeta).where(eq(appMeta.key, key)).get()?.value;
}

export function writeMeta(db: AppDatabase, key: string, value: string): void {
  db.insert(appMeta).values({ key, value }).onConflictDoUpdate({ target: appMeta.key, set: { value } }).run();
}

/** Loads the country's administrative units once (idempotent: a marker in app_meta records it). */
export function seedAdministrativeUnits(db: AppDatabase, log: Logger): void {
  if (readMeta(db, 'areas') === AREAS_VERSION) return;
  const started = performance.now();
  let count = 0;
  db.$client.transaction(() => {
    count = loadAdministrativeUnits(db.$client);
    writeMeta(db, 'areas', AREAS_VERSION);
  })();
  log.info(`Loaded ${count} administrative units in ${Math.round(performance.now() - started)} ms`);
}
