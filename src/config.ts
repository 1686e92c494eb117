import path from 'node:path';
import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const configSchema = z.object({
  /** development | production | test; production caches templates and static files. */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** TCP port the server listens on. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Address the server binds to; 0.0.0.0 to accept connections from other machines. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Directory for the SQLite database, uploads and backups. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** Province the app serves, by its code from 1 July 2025 (14 = Sơn La, 80 = Tây Ninh). */
  PROVINCE_CODE: z.string().regex(/^\d{2}$/, 'PROVINCE_CODE must be two digits, e.g. 14').default('14'),
  /** Load the 2021–2025 sample rounds on first start (only for Sơn La). */
  SAMPLE_DATA: booleanFromEnv.default(true),
  /** Minutes without a request after which a session ends. */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(60 * 24 * 30).default(720),
  /** true when the app is served over HTTPS (behind a proxy): cookies are then sent only over HTTPS. */
  COOKIE_SECURE: booleanFromEnv.default(false),
  /** Make a backup into DATA_DIR/backups once a day while the server runs. */
  DAILY_BACKUPS: booleanFromEnv.default(true),
  /** How many daily backups to keep. */
  BACKUP_KEEP: z.coerce.number().int().min(1).max(365).default(14),
  /** Fastify log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Language for people who have not chosen one: vi or en. */
  DEFAULT_LANG: z.enum(['vi', 'en']).default('vi'),
});

export type AppConfig = z.infer<typeof configSchema> & { databaseFile: string };

/** Parses the environment once; throws a readable message listing every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const dataDir = path.resolve(result.data.DATA_DIR);
  return { ...result.data, DATA_DIR: dataDir, databaseFile: path.join(dataDir, 'app.db') };
}
