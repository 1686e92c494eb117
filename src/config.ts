import { isIP } from 'node:net';
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
  SAMPLE_DATA: booleanFromEnv.optional(),
  /** Minutes without a request after which a session ends. */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(60 * 24 * 30).default(720),
  /** Hours after signing in when a session ends however active it is. */
  SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  /** true when the app is served over HTTPS (behind a proxy): cookies are then sent only over HTTPS. Required in production. */
  COOKIE_SECURE: booleanFromEnv.optional(),
  /**
   * The proxies in front of the app whose X-Forwarded-For is believed for the client's address: `false` (none,
   * the default), or their addresses / CIDR ranges separated by commas (`loopback` for a proxy on this machine).
   * A hop count is not accepted: it cannot tell a proxy from a client that sends the header itself.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .default('false')
    .transform((value, context): false | string => {
      if (value === '' || value === 'false') return false;
      const parts = value.split(',').map((part) => part.trim());
      const named = new Set(['loopback', 'linklocal', 'uniquelocal']);
      if (parts.every((part) => named.has(part) || isIP(part.split('/')[0]!) !== 0)) return parts.join(',');
      context.addIssue({ code: 'custom', message: 'TRUST_PROXY must be false, or the proxies’ addresses or CIDR ranges separated by commas (e.g. 10.0.0.5 or loopback)' });
      return z.NEVER;
    }),
  /** Requests a minute one address may send to the pages open without signing in; a quarter of it, per person, for exports. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
  /** Requests a minute one JSON API token may send (past it: 429 with Retry-After). */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(300),
  /**
   * Processes serving the port (node:cluster), all on the same SQLite file in WAL mode; the daily backup runs
   * in one of them. 1 (the default) is a single process. More helps only with more CPU cores than 1.
   */
  WORKERS: z.coerce.number().int().min(1).max(32).default(1),
  /** Make a backup into DATA_DIR/backups once a day while the server runs. */
  DAILY_BACKUPS: booleanFromEnv.default(true),
  /** How many daily backups to keep. */
  BACKUP_KEEP: z.coerce.number().int().min(1).max(365).default(14),
  /**
   * Let webhook endpoints be on this machine or a private network (127.0.0.1, 10.x, 192.168.x, fc00::/7, …).
   * Off in production, so an admin's URL cannot make the server call its own internal services; on otherwise.
   */
  WEBHOOK_ALLOW_PRIVATE: booleanFromEnv.optional(),
  /** Send webhook deliveries from a timer while the server runs (every process; each delivery is claimed once). */
  WEBHOOK_DELIVERY: booleanFromEnv.default(true),
  /**
   * The mail server for reminder emails, as a URL: smtp://user:password@host:587 (STARTTLS when offered),
   * smtps://… for TLS from the start. Unset (the default): no email is sent and nothing else changes.
   */
  SMTP_URL: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : undefined))
    .refine((value) => value === undefined || /^smtps?:\/\/[^\s]+$/.test(value), 'SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.vn:587'),
  /** The sender of reminder emails. */
  MAIL_FROM: z.string().trim().min(3).default('Phong chong mua ban nguoi <no-reply@localhost>'),
  /** Fastify log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Language for people who have not chosen one: vi or en. */
  DEFAULT_LANG: z.enum(['vi', 'en']).default('vi'),
});

export type AppConfig = Omit<z.infer<typeof configSchema>, 'COOKIE_SECURE' | 'SAMPLE_DATA' | 'WEBHOOK_ALLOW_PRIVATE'> & {
  COOKIE_SECURE: boolean;
  SAMPLE_DATA: boolean;
  WEBHOOK_ALLOW_PRIVATE: boolean;
  databaseFile: string;
};

/** Parses the environment once; throws a readable message listing every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const production = result.data.NODE_ENV === 'production';
  // A production server must be told whether it sits behind HTTPS: guessing wrong either leaks the session
  // cookie over plain HTTP or makes signing in impossible.
  if (production && result.data.COOKIE_SECURE === undefined) {
    throw new Error('Invalid configuration:\n  COOKIE_SECURE: must be set to true or false when NODE_ENV=production (true when served over HTTPS)');
  }
  const dataDir = path.resolve(result.data.DATA_DIR);
  return {
    ...result.data,
    COOKIE_SECURE: result.data.COOKIE_SECURE ?? false,
    // Sample history is for trying the app, never loaded into a production database unless asked for.
    SAMPLE_DATA: result.data.SAMPLE_DATA ?? !production,
    WEBHOOK_ALLOW_PRIVATE: result.data.WEBHOOK_ALLOW_PRIVATE ?? !production,
    DATA_DIR: dataDir,
    databaseFile: path.join(dataDir, 'app.db'),
  };
}
