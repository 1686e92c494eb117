import csrf from '@fastify/csrf-protection';
import fp from 'fastify-plugin';
import { fieldValue } from '../lib/uploads.js';
import type { FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The CSRF token for forms on the page being rendered (hidden `_csrf` input and htmx header). */
    csrfToken(): string;
  }
  interface FastifyReply {
    /** Drops the browser's CSRF secret, so the next page starts a new one (at sign-in and sign-out). */
    rotateCsrf(): FastifyReply;
  }
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const CSRF_COOKIE = '_csrf';
/** What tokens are bound to: the session, or (before signing in) a fixed word, since an empty one never verifies. */
const boundTo = (request: FastifyRequest) => request.sessionId ?? 'signed-out';

/**
 * Every state-changing request must carry a token tied to the browser's secret cookie and to its session: a
 * hidden `_csrf` field in forms, or the `x-csrf-token` header that htmx sends from the layout. A token made
 * before signing in (or in another session) is refused. Without a valid token: 403, nothing written.
 */
export default fp(
  async (app) => {
    await app.register(csrf, {
      cookieKey: CSRF_COOKIE,
      cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: app.config.COOKIE_SECURE },
      csrfOpts: { hmacKey: app.services.secrets.csrfKey },
      getUserInfo: boundTo,
      getToken: (request) => {
        // The form field (urlencoded or multipart), else the header htmx sends.
        const fromBody = fieldValue(request.body, '_csrf');
        const header = request.headers['x-csrf-token'];
        return fromBody || (typeof header === 'string' ? header : undefined);
      },
    });

    app.decorateRequest('csrfToken', null as unknown as () => string);
    app.decorateReply('rotateCsrf', function (this: FastifyReply) {
      return this.clearCookie(CSRF_COOKIE, { path: '/' });
    });

    app.addHook('onRequest', async (request, reply) => {
      // One token per request, generated lazily by views; the secret cookie is set on the first page.
      let token: string | undefined;
      request.csrfToken = () => (token ??= reply.generateCsrf({ userInfo: boundTo(request) }));
    });

    app.addHook('preHandler', (request, reply, done) => {
      // The JSON API answers bearer tokens only, never cookies, so a forged cross-site request has nothing to ride on.
      if (!unsafeMethods.has(request.method) || request.isApi) return done();
      app.csrfProtection(request, reply, done);
    });
  },
  { name: 'csrf', dependencies: ['@fastify/cookie', 'auth'] },
);
