import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import type { AppConfig } from './config.js';
import authPlugin from './plugins/auth.js';
import backupsPlugin from './plugins/backups.js';
import csrfPlugin from './plugins/csrf.js';
import dbPlugin from './plugins/db.js';
import errorsPlugin, { plainErrorPage } from './plugins/errors.js';
import i18nPlugin from './plugins/i18n.js';
import rateLimitsPlugin from './plugins/rate-limits.js';
import securityPlugin from './plugins/security.js';
import secretsPlugin from './plugins/secrets.js';
import staticPlugin from './plugins/static.js';
import viewPlugin from './plugins/view.js';
import modules from './modules/index.js';
import { seedSampleRounds } from '../db/seed.js';
import { roundsService } from './modules/rounds/rounds.service.js';

/** The largest file one upload may carry. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export interface AppOptions {
  config: AppConfig;
  /** A fixed clock for tests. */
  now?: () => Date;
  /** Called with every SQL statement executed (tests count a page's statements). */
  onStatement?: (sql: string) => void;
}

/**
 * Server settings shared by the process entry and the tests: limits, timeouts, the proxies to believe about
 * the client's address, and the app's own page for requests refused before routing.
 */
export function serverOptions(config: AppConfig): FastifyServerOptions {
  return {
    bodyLimit: 1024 * 1024,
    connectionTimeout: 30_000,
    requestTimeout: 60_000,
    trustProxy: config.TRUST_PROXY,
    frameworkErrors: (_error, _request, reply) => {
      (reply as unknown as FastifyReply).code(400).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(plainErrorPage(400));
    },
    clientErrorHandler: (error, socket) => {
      if (!socket.writable) return socket.destroy(error);
      const status = (error as { code?: string }).code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const body = plainErrorPage(status === 431 ? 431 : 400);
      socket.end(
        `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
      );
    },
  };
}

/** The whole app as a plugin: cross-cutting plugins first, then the feature modules. It never listens. */
export async function app(instance: FastifyInstance, options: AppOptions): Promise<void> {
  await instance.register(dbPlugin, { config: options.config, now: options.now, onStatement: options.onStatement });
  await instance.register(cookie);
  await instance.register(secretsPlugin);
  await instance.register(formbody, { bodyLimit: 1024 * 1024 });
  // Uploads (photos, scans, CSV imports): one file of at most 10 MB per request, read into memory with the
  // form's fields so the CSRF check sees the token like any other form.
  await instance.register(multipart, {
    attachFieldsToBody: true,
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 50, fieldSize: 100_000, parts: 60 },
    throwFileSizeLimit: true,
  });
  await instance.register(securityPlugin);
  await instance.register(i18nPlugin);
  await instance.register(viewPlugin);
  await instance.register(errorsPlugin);
  await instance.register(staticPlugin);
  await instance.register(authPlugin);
  await instance.register(rateLimitsPlugin);
  await instance.register(csrfPlugin);
  await instance.register(backupsPlugin);
  await instance.register(modules);
  if (options.config.SAMPLE_DATA) {
    const { db, catalog, now, log } = instance;
    seedSampleRounds(db, catalog, roundsService({ db, catalog, now }), log);
  }
}

export default fp(app, { name: 'app' });
