import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

/**
 * Pages a phone must never keep for offline work (its service worker and local storage skip any answer marked
 * `X-Offline: never`): findings with their follow-ups and referrals (which may describe a victim), the audit
 * trail, accounts, and summaries and exports.
 */
const NEVER_OFFLINE = ['/findings', '/follow-ups', '/audit', '/admin/users', '/reports'];

function neverOffline(url: string): boolean {
  const path = url.split('?')[0]!;
  return NEVER_OFFLINE.some((prefix) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}.`));
}

/** Security headers; the CSP allows only the app's own scripts and styles (no inline code anywhere). */
export default fp(
  async (app) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          // The service worker (/sw.js) and the web manifest: the app's own, as everything else.
          workerSrc: ["'self'"],
          manifestSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          objectSrc: ["'none'"],
        },
      },
      // The app may be served over plain HTTP inside a provincial network; HSTS is for the proxy in front of it.
      strictTransportSecurity: false,
      crossOriginEmbedderPolicy: false,
    });
    // Pages hold personal and sensitive data (and a form token): no browser or proxy keeps a copy, so Back
    // after signing out shows nothing and a shared computer's disk cache holds none of it. This covers every
    // answer that sets no rule of its own, whatever its type and status: pages, error and 422 pages, htmx
    // fragments, redirects, JSON. Routes that set their own rule (exports, evidence files, static files) keep it.
    app.addHook('onSend', async (request, reply, payload) => {
      if (!reply.hasHeader('cache-control')) reply.header('Cache-Control', 'no-store');
      if (neverOffline(request.url)) reply.header('X-Offline', 'never');
      return payload;
    });
  },
  { name: 'security' },
);
