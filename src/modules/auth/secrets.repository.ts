import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { AppDatabase } from '../../../db/client.js';
import { appSecrets } from '../../../db/schema/index.js';

export function secretsRepository(db: AppDatabase) {
  return {
    /** The named secret, made (32 random bytes) and kept on first use, so restarts and other workers share it. */
    getOrCreate(name: string, at: string): string {
      db.insert(appSecrets).values({ name, value: randomBytes(32).toString('base64url'), createdAt: at }).onConflictDoNothing().run();
      return db.select({ value: appSecrets.value }).from(appSecrets).where(eq(appSecrets.name, name)).get()!.value;
    },
  };
}
