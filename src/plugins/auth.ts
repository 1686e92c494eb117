import { randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import '@fastify/cookie';
import type { users } from '../../db/schema/index.js';
import type { Actor } from '../access/actor.js';
import { can, type Permission } from '../access/permissions.js';
import { translator, type MessageKey } from '../i18n/index.js';
import { outboxRefusal, sendProblem } from './errors.js';

const readMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without signing in (sign-in, first-run setup, health check). */
    public?: boolean;
    /** What the signed-in user must be allowed to do; a route with neither this nor `public` is refused. */
    permission?: Permission;
  }
  interface FastifyReply {
    /** Sets the cookies of a new session: a browser-session cookie unless the person asked to be remembered. */
    startSession(token: string, deviceToken: string, remember: boolean): FastifyReply;
    endSessionCookies(): FastifyReply;
  }
  interface FastifyInstance {
    /** The one-time first-run token while the app has no users; null afterwards. */
    setup: { token: string | null };
    /** Every route with its access rule, as declared (read by the access tests). */
    declaredRoutes: Array<{ method: string; url: string; permission?: Permission; public?: boolean }>;
  }
  interface FastifyRequest {
    user: SignedInUser | null;
    /** The bearer token a JSON API request is made with (its account is `user`); null otherwise. */
    apiToken: { id: number; access: 'read' | 'write' } | null;
    /** Why a JSON API request's bearer token was refused ('invalid', 'expired', 'revoked', 'disabled'). */
    apiRefusal: string | null;
    sessionId: string | null;
    /** The signed-in user as services see them; set on every route that is not public. */
    actor: Actor;
  }
}

type SignedInUser = typeof users.$inferSelect;

/** What a bearer token of the JSON API resolves to (the tokens service, built by the composition root). */
export type BearerResult = { ok: true; user: SignedInUser; token: { id: number; access: 'read' | 'write' }; actor: Actor } | { ok: false; reason: string };

/** What this plugin needs of the sign-in service (built by the composition root). */
export interface AuthPluginOptions {
  /** Checks a JSON API bearer token (`/api/…` requests are authenticated by it alone, never by a cookie). */
  bearer: (secret: string, ip: string) => BearerResult;
  auth: {
    resume(token: string | undefined): { user: SignedInUser; session: { id: string } } | null;
    actorFor(user: SignedInUser, ip: string): Actor;
    sweep(): void;
  };
  countUsers(): number;
  /**
   * When the app runs as several processes: the first-run token they all accept (made by the supervising
   * process), and whether this one prints the setup link (one does).
   */
  setup?: { token: string; announce: boolean };
}

export const SESSION_COOKIE = 'sid';
/** A long-lived random token naming this browser, so its person's own sign-ins are never locked by others' guesses. */
export const DEVICE_COOKIE = 'device';
const DEVICE_COOKIE_DAYS = 180;

/** Signs people in from the session cookie and checks every route's declared permission before its handler. */
export default fp(
  async (app, options: AuthPluginOptions) => {
    const { config } = app;
    const service = options.auth;
    const cookieBase = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: config.COOKIE_SECURE };
    app.decorate('setup', { token: null as string | null });
    app.decorate('declaredRoutes', []);
    // Fail closed at start-up: a route that declares neither `public` nor a permission is a programming error.
    app.addHook('onRoute', (route) => {
      const config = (route.config ?? {}) as { public?: boolean; permission?: Permission };
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (methods.every((method) => method === 'HEAD')) return;
      if (!config.public && !config.permission) throw new Error(`Route ${methods.join(',')} ${route.url} declares neither public nor a permission`);
      for (const method of methods) app.declaredRoutes.push({ method, url: route.url, ...config });
    });
    app.decorateRequest('user', null);
    app.decorateRequest('sessionId', null);
    app.decorateRequest('apiToken', null);
    app.decorateRequest('apiRefusal', null);
    app.decorateRequest('actor', null as unknown as Actor);

    app.decorateReply('startSession', function (this: FastifyReply, token: string, deviceToken: string, remember: boolean) {
      // Never longer than the session itself may last; without "remember", gone when the browser closes.
      const lifetime = remember ? { maxAge: Math.min(config.SESSION_MAX_HOURS * 60, config.SESSION_IDLE_MINUTES) * 60 } : {};
      this.setCookie(SESSION_COOKIE, token, { ...cookieBase, ...lifetime });
      return this.setCookie(DEVICE_COOKIE, deviceToken, { ...cookieBase, maxAge: DEVICE_COOKIE_DAYS * 24 * 3600 });
    });
    app.decorateReply('endSessionCookies', function (this: FastifyReply) {
      return this.clearCookie(SESSION_COOKIE, { path: '/' });
    });

    app.addHook('onReady', async () => {
      service.sweep();
      if (options.countUsers() === 0) {
        app.setup.token = options.setup?.token ?? randomBytes(24).toString('base64url');
        if (options.setup && !options.setup.announce) return;
        const host = app.config.HOST === '0.0.0.0' ? '127.0.0.1' : app.config.HOST;
        app.log.warn(`No accounts yet. Create the first administrator at http://${host}:${app.config.PORT}/setup?token=${app.setup.token}`);
      }
    });

    app.addHook('onRequest', async (request) => {
      // The JSON API is authenticated by its bearer token only: a session cookie sent along is ignored, so a
      // page open in a browser can never make an API call on its person's behalf (and the API needs no CSRF token).
      if (request.isApi) {
        const header = request.headers.authorization;
        if (header === undefined) return;
        const match = /^Bearer +(\S+) *$/i.exec(header);
        const result = match ? options.bearer(match[1]!, request.ip) : ({ ok: false, reason: 'invalid' } as const);
        if (!result.ok) {
          request.apiRefusal = result.reason;
          return;
        }
        request.user = result.user;
        request.actor = result.actor;
        request.apiToken = result.token;
        return;
      }
      const resumed = service.resume(request.cookies[SESSION_COOKIE]);
      if (!resumed) return;
      request.user = resumed.user;
      request.sessionId = resumed.session.id;
      request.actor = service.actorFor(resumed.user, request.ip);
      if (resumed.user.lang) {
        request.lang = resumed.user.lang;
        request.t = translator(resumed.user.lang);
      }
    });

    function toSignIn(request: FastifyRequest, reply: FastifyReply) {
      const next = request.method === 'GET' ? request.url : '/';
      const location = next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
      if (request.isHtmx) return reply.code(401).header('HX-Redirect', location).send('');
      // The outbox keeps the item and asks the person to sign in; it comes back to the outbox page.
      if (request.isOutbox) return outboxRefusal(reply, 401, { reason: 'signIn', location: `/login?next=${encodeURIComponent('/outbox')}` });
      return reply.redirect(location, 303);
    }

    // Before validation, so a person refused a route is told so (or sent to sign in) whatever its params hold.
    app.addHook('preValidation', async (request, reply) => {
      const config = request.routeOptions.config;
      if (config.public || request.is404 || request.url.startsWith('/static/')) return;
      if (request.isApi) {
        if (!request.user) {
          const challenge = request.apiRefusal ? 'Bearer realm="api", error="invalid_token"' : 'Bearer realm="api"';
          return sendProblem(reply.header('WWW-Authenticate', challenge), 401, { detail: request.t(`api.unauthorized.${request.apiRefusal ?? 'missing'}` as MessageKey) });
        }
        if (!config.permission || !can(request.user.role, config.permission)) return reply.renderError(403);
        if (!readMethods.has(request.method) && request.apiToken?.access !== 'write') return reply.renderError(403, { key: 'api.forbidden.readOnly' });
        return;
      }
      if (!request.user) return toSignIn(request, reply);
      if (!config.permission || !can(request.user.role, config.permission)) return reply.renderError(403);
    });
  },
  { name: 'auth', dependencies: ['db', 'i18n', 'view', 'errors', '@fastify/cookie'] },
);
