import path from 'node:path';
import fp from 'fastify-plugin';
import { ensurePrivateFolder, openDatabase, type AppDatabase } from '../../db/client.js';
import { runMigrations } from '../../db/migrate.js';
import { seedAdministrativeUnits } from '../../db/seed.js';
import type { AppConfig } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: AppDatabase;
    config: AppConfig;
    /** The clock every service reads, replaceable in tests. */
    now: () => Date;
  }
}

/**
 * Makes the data directory and the folders the app writes into (uploads, backups) private, opens the database,
 * applies migrations, loads the administrative units once, and closes the file on shutdown.
 */
export default fp(
  async (app, options: { config: AppConfig; now?: () => Date; onStatement?: (sql: string) => void }) => {
    const dataDir = options.config.DATA_DIR;
    for (const folder of [dataDir, path.join(dataDir, 'uploads'), path.join(dataDir, 'backups')]) ensurePrivateFolder(folder);
    const db = openDatabase(options.config.databaseFile, { verbose: options.onStatement });
    runMigrations(db);
    seedAdministrativeUnits(db, app.log);
    app.decorate('config', options.config);
    app.decorate('db', db);
    app.decorate('now', options.now ?? (() => new Date()));
    app.addHook('onClose', async () => {
      db.$client.close();
    });
  },
  { name: 'db' },
);
