import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from './config.js';
import authPlugin from './plugins/auth.js';
import backupsPlugin from './plugins/backups.js';
import csrfPlugin from './plugins/csrf.js';
import dbPlugin from './plugins/db.js';
import errorsPlugin from './plugins/errors.js';
import i18nPlugin from './plugins/i18n.js';
import securityPlugin from './plugins/security.js';
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
}

/** The whole app as a plugin: cross-cutting plugins first, then the feature modules. It never listens. */
export async function app(instance: FastifyInstance, options: AppOptions): Promise<void> {
  await instance.register(dbPlugin, { config: options.config, ...(options.now ? { now: options.now } : {}) });
  await instance.register(cookie);
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
  await instance.register(csrfPlugin);
  await instance.register(backupsPlugin);
  await instance.register(modules);
  if (options.config.SAMPLE_DATA) {
    const { db, catalog, now, log } = instance;
    seedSampleRounds(db, catalog, roundsService({ db, catalog, now }), log);
  }
}

export default fp(app, { name: 'app' });
