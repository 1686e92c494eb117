import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A heavy download (summaries, record exports): limited per person. */
    export?: boolean;
  }
}

/** Monitors poll these; static files come many to a page and are cheap. */
const unlimited = (url: string) => url.startsWith('/static/') || url === '/healthz' || url === '/ping';

/**
 * A general limit on requests that anyone can send without signing in (per address) and on exports (per
 * person) and on JSON API requests (per token), on top of the sign-in throttle, so no one can wear the server down with them. Past the limit: the
 * 429 page, with Retry-After.
 */
export default fp(
  async (app) => {
    const { RATE_LIMIT_PER_MINUTE: perMinute, API_RATE_LIMIT_PER_MINUTE: perToken } = app.config;
    const limited = (request: FastifyRequest) => {
      const config = request.routeOptions.config;
      return !unlimited(request.url) && (config.public === true || config.export === true || request.apiToken !== null);
    };
    await app.register(rateLimit, {
      global: true,
      // After authentication, so exports are counted per person.
      hook: 'preHandler',
      timeWindow: 60_000,
      max: (request) => (request.apiToken ? perToken : request.routeOptions.config.export ? Math.max(1, Math.ceil(perMinute / 4)) : perMinute),
      allowList: (request) => !limited(request),
      // A JSON API request counts against its token, wherever it comes from.
      keyGenerator: (request) => (request.apiToken ? `token:${request.apiToken.id}` : request.routeOptions.config.export && request.user ? `user:${request.user.id}` : `ip:${request.ip}`),
      errorResponseBuilder: (_request, context) => ({ statusCode: 429, retryAfter: Math.ceil(context.ttl / 1000) }),
    });
  },
  { name: 'rate-limits', dependencies: ['auth'] },
);
