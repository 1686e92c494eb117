import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { app as appPlugin, serverOptions } from '../../src/app.js';
import { loadConfig, type AppConfig } from '../../src/config.js';

export interface TestApp {
  app: FastifyInstance;
  config: AppConfig;
  close(): Promise<void>;
}

/**
 * Builds the app in-process on a fresh, migrated database in its own temporary data directory; `onStatement`
 * hears every SQL statement the app executes.
 */
export async function buildTestApp(options: { env?: Record<string, string>; now?: () => Date; onStatement?: (sql: string) => void } = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcmbn-test-'));
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SAMPLE_DATA: 'false', DAILY_BACKUPS: 'false', WEBHOOK_DELIVERY: 'false', RATE_LIMIT_PER_MINUTE: '100000', DATA_DIR: dataDir, ...options.env });
  const app = Fastify({ ...serverOptions(config), logger: false });
  await app.register(appPlugin, { config, now: options.now, onStatement: options.onStatement });
  await app.ready();
  return {
    app,
    config,
    async close() {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Encodes form fields the way a browser does; an array sends the field once per value. */
export function formBody(fields: Record<string, string | number | Array<string | number> | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item));
  }
  return params.toString();
}

export const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
export const htmxHeaders = (target: string) => ({ 'hx-request': 'true', 'hx-target': target });
