import csrf from '@fastify/csrf-protection';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyRequest {
    /** The CSRF token for forms on the page being rendered (hidden `_csrf` input and htmx header). */
    csrfToken(): string;
  }
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every state-changing request must carry a token tied to the browser's secret cookie: a hidden `_csrf` field
 * in forms, or the `x-csrf-token` header that htmx sends from the layout. Without it: 403, nothing written.
 */
export default fp(
  async (app) => {
    await app.register(csrf, {
      cookieKey: '_csrf',
      cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: app.config.COOKIE_SECURE },
      getToken: (request) => {
        const body = request.body as Record<string, unknown> | undefined;
        let fromBody = body && typeof body === 'object' ? body._csrf : undefined;
        // A multipart form's fields arrive as { value } objects.
        if (fromBody && typeof fromBody === 'object' && 'value' in fromBody) fromBody = (fromBody as { value: unknown }).value;
        const header = request.headers['x-csrf-token'];
        return typeof fromBody === 'string' ? fromBody : typeof header === 'string' ? header : undefined;
      },
    });

    app.decorateRequest('csrfToken', null as unknown as () => string);

    app.addHook('onRequest', async (request, reply) => {
      // One token per request, generated lazily by views; the secret cookie is set on the first page.
      let token: string | undefined;
      request.csrfToken = () => (token ??= reply.generateCsrf());
    });

    app.addHook('preHandler', (request, reply, done) => {
      if (!unsafeMethods.has(request.method)) return done();
      app.csrfProtection(request, reply, done);
    });
  },
  { name: 'csrf', dependencies: ['@fastify/cookie', 'auth'] },
);
