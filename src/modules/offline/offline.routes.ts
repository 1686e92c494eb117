import crypto from 'node:crypto';
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { projectPath } from '../../lib/project-root.js';
import { bundleQuerySchema, localReportQuerySchema } from './offline.schemas.js';

/** The service worker's own files: imported by /sw.js, kept by the browser with it, so not precached again. */
const workerOnly = (url: string) => url.startsWith('/static/vendor/workbox/') || /^\/static\/js\/service-worker\./.test(url);
const offlinePageTemplate = projectPath('views/offline/offline.eta');

export default async function offlineRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.offline;

  /**
   * The service worker, at the root so it may answer every page of the app. Its body is a few lines naming the
   * static files to keep (content-hashed) and importing Workbox, idb and the worker's code by their hashed names:
   * any change to one of them changes this file, which is how a browser learns there is a new worker.
   */
  app.get('/sw.js', { config: { public: true } }, async (_request, reply) => {
    const precache = app.assetUrls().filter((url) => !workerOnly(url)).sort();
    const pageRevision = crypto
      .createHash('sha256')
      .update(precache.join('\n'))
      .update(fs.readFileSync(offlinePageTemplate))
      .digest('hex')
      .slice(0, 12);
    const config = { precache, offlinePage: '/offline', offlinePageRevision: pageRevision, workboxPath: '/static/vendor/workbox/' };
    const imports = [app.asset('vendor/workbox/workbox-sw.js'), app.asset('vendor/idb/idb.js'), app.asset('js/offline-core.js'), app.asset('js/service-worker.js')];
    const body = `self.OFFLINE_CONFIG = ${JSON.stringify(config)};\nimportScripts(${imports.map((url) => JSON.stringify(url)).join(', ')});\n`;
    return reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'no-cache').send(body);
  });

  app.get('/manifest.webmanifest', { config: { public: true } }, async (request, reply) => {
    const t = request.t;
    const manifest = {
      name: t('app.name'),
      short_name: t('offline.shortName'),
      description: t('app.tagline'),
      lang: request.lang,
      start_url: '/',
      scope: '/',
      display: 'standalone',
      theme_color: '#0172ad',
      background_color: '#ffffff',
      icons: [
        { src: app.asset('icons/icon-192.png'), sizes: '192x192', type: 'image/png' },
        { src: app.asset('icons/icon-512.png'), sizes: '512x512', type: 'image/png' },
        { src: app.asset('icons/maskable-512.png'), sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      ],
    };
    return reply.type('application/manifest+json; charset=utf-8').header('Cache-Control', 'no-cache').send(JSON.stringify(manifest));
  });

  /** The page shown for a page not kept on the phone while offline: no one's data, so it is kept at install. */
  app.get('/offline', { config: { public: true } }, async (_request, reply) => reply.render('offline/offline', {}));

  /** The outbox: a shell the phone fills from its own storage (nothing of it is on the server). */
  app.get('/outbox', { config: { permission: 'app.use' } }, async (_request, reply) => reply.render('offline/outbox', {}));

  /** The report form of a report started offline, built on the phone from the stored checklist. */
  app.get('/offline/report', { config: { permission: 'checks.file' }, schema: { querystring: localReportQuerySchema } }, async (_request, reply) =>
    reply.render('offline/report', {}),
  );

  /** Who is signed in and a fresh form token, for the outbox before it sends (never stored). */
  app.get('/offline/session', { config: { public: true } }, async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    if (!request.user) return { signedIn: false };
    return { signedIn: true, userId: request.user.id, csrfToken: request.csrfToken() };
  });

  app.get('/offline/bundle', { config: { permission: 'checks.file' }, schema: { querystring: bundleQuerySchema } }, async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    return service.bundle(request.actor, request.lang, request.query.round);
  });
}
