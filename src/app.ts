import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import fp from 'fastify-plugin';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import type { AppConfig } from './config.js';
import authPlugin from './plugins/auth.js';
import compressPlugin from './plugins/compress.js';
import csrfPlugin from './plugins/csrf.js';
import dbPlugin from './plugins/db.js';
import errorsPlugin, { plainErrorHeaders, plainErrorPage } from './plugins/errors.js';
import i18nPlugin from './plugins/i18n.js';
import rateLimitsPlugin from './plugins/rate-limits.js';
import securityPlugin from './plugins/security.js';
import staticPlugin from './plugins/static.js';
import viewPlugin from './plugins/view.js';
import modules from './modules/index.js';
import { findingTitle } from './modules/findings/index.js';
import { seedSampleRounds } from './seeds/sample-rounds.js';
import { seedSampleVictims } from './seeds/sample-victims.js';
import { buildServices, type Services } from './services.js';

/** The largest file one upload may carry. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export interface AppOptions {
  config: AppConfig;
  /** A fixed clock for tests. */
  now?: () => Date;
  /** Services to use instead of those the composition root builds (tests). */
  services?: Partial<Services>;
  /** Called with every SQL statement executed (tests count a page's statements). */
  onStatement?: (sql: string) => void;
  /** Set when the app is one of several worker processes (WORKERS > 1): the shared first-run token. */
  setup?: { token: string; announce: boolean };
}

/**
 * Server settings shared by the process entry and the tests: limits, timeouts, the proxies to believe about
 * the client's address, and the app's own page for requests refused before routing.
 */
export function serverOptions(config: AppConfig): FastifyServerOptions {
  return {
    bodyLimit: 1024 * 1024,
    connectionTimeout: 30_000,
    // A whole request may take five minutes: an unreduced 10 MB photo sent without JavaScript over weak 3G
    // (400 kbit/s) needs about 200 s. Headers must still arrive within Node's 60 s (headersTimeout).
    requestTimeout: 300_000,
    trustProxy: config.TRUST_PROXY,
    frameworkErrors: (_error, _request, reply) => {
      (reply as unknown as FastifyReply).code(400).headers(plainErrorHeaders).send(plainErrorPage());
    },
    clientErrorHandler: (error, socket) => {
      if (!socket.writable) return socket.destroy(error);
      const status = (error as { code?: string }).code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const body = plainErrorPage();
      const headers = Object.entries(plainErrorHeaders).map(([name, value]) => `${name}: ${value}\r\n`).join('');
      socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    },
  };
}

/** The whole app as a plugin: cross-cutting plugins first, then the feature modules. It never listens. */
export async function app(instance: FastifyInstance, options: AppOptions): Promise<void> {
  // Route params and query strings are checked by their zod schemas (`schema: { params, querystring }`).
  instance.setValidatorCompiler(validatorCompiler);
  instance.setSerializerCompiler(serializerCompiler);
  await instance.register(dbPlugin, { config: options.config, now: options.now, onStatement: options.onStatement });
  const services: Services = { ...buildServices({ db: instance.db, config: options.config, now: instance.now }), ...options.services };
  instance.decorate('services', services);
  instance.decorate('catalog', services.catalog);
  services.checklists.seed();
  await instance.register(cookie);
  await instance.register(formbody, { bodyLimit: 1024 * 1024 });
  // Uploads (photos, scans, CSV imports): one file of at most 10 MB per request, read into memory with the
  // form's fields so the CSRF check sees the token like any other form.
  await instance.register(multipart, {
    attachFieldsToBody: true,
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 50, fieldSize: 100_000, parts: 60 },
    throwFileSizeLimit: true,
  });
  // Before any route, so every route's answer is compressed.
  await instance.register(compressPlugin);
  await instance.register(securityPlugin);
  await instance.register(i18nPlugin);
  await instance.register(staticPlugin);
  await instance.register(viewPlugin, { helpers: { findingTitle } });
  await instance.register(errorsPlugin);
  await instance.register(authPlugin, { auth: services.auth, bearer: (secret, ip) => services.tokens.authenticate(secret, ip), countUsers: () => services.users.countUsers(), setup: options.setup });
  await instance.register(rateLimitsPlugin);
  await instance.register(csrfPlugin);
  await instance.register(modules);
  if (options.config.SAMPLE_DATA) {
    seedSampleRounds(instance.db, services, instance.log);
    seedSampleVictims(instance.db, services, instance.log);
  }
}

export default fp(app, { name: 'app' });
