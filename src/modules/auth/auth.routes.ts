import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { asText } from '../../lib/forms.js';
import { localPath } from '../../lib/paths.js';
import { DEVICE_COOKIE, SESSION_COOKIE } from '../../plugins/auth.js';
import { systemActor } from '../../access/actor.js';
import { readUserForm } from '../users/index.js';
import type { FieldErrors } from '../../lib/forms.js';

const loginBodySchema = z.object({
  email: z.string().max(1000).catch(''),
  password: z.string().max(1000).catch(''),
  next: z.string().max(2000).catch(''),
  remember: z.literal('1').optional().catch(undefined),
});

const loginQuerySchema = z.object({ next: z.string().max(2000).optional().catch(undefined) });
const setupQuerySchema = z.object({ token: z.string().max(200).optional().catch(undefined) });

export default async function authRoutes(app: FastifyInstance): Promise<void> {
  const users = app.services.users;

  function signInRequest(request: FastifyRequest, email: string, password: string, remember: boolean) {
    return {
      email,
      password,
      remember,
      ip: request.ip,
      userAgent: String(request.headers['user-agent'] ?? ''),
      deviceToken: request.cookies[DEVICE_COOKIE],
      previousToken: request.cookies[SESSION_COOKIE],
    };
  }

  app.get('/login', { config: { public: true } }, async (request, reply) => {
    const { next } = loginQuerySchema.parse(request.query ?? {});
    if (request.user) return reply.redirect(localPath(next), 303);
    return reply.render('auth/login', { maxHours: app.config.SESSION_MAX_HOURS, email: '', next: localPath(next, ''), remember: false, error: null });
  });

  app.post('/login', { config: { public: true } }, async (request, reply) => {
    const form = loginBodySchema.parse(request.body ?? {});
    const email = form.email.trim().slice(0, 200);
    const next = localPath(form.next, '');
    const remember = form.remember === '1';
    const result = await app.services.auth.signIn(signInRequest(request, email, form.password, remember));
    if (result.outcome === 'locked') {
      const minutes = Math.ceil(result.retryAfterSeconds / 60);
      return reply
        .code(429)
        .header('Retry-After', String(result.retryAfterSeconds))
        .render('auth/login', { maxHours: app.config.SESSION_MAX_HOURS, email, next, remember, error: request.t('auth.locked', { minutes }) });
    }
    if (result.outcome === 'invalid') {
      return reply.code(401).render('auth/login', { maxHours: app.config.SESSION_MAX_HOURS, email, next, remember, error: request.t('auth.invalid') });
    }
    reply.startSession(result.token, result.deviceToken, remember).rotateCsrf();
    return reply.seeOther(next || '/');
  });

  app.post('/logout', { config: { permission: 'app.use' } }, async (request, reply) => {
    app.services.auth.signOut(request.actor, request.sessionId!);
    // The browser drops what it cached of signed-in pages, so Back shows nothing of them.
    return reply.endSessionCookies().rotateCsrf().header('Clear-Site-Data', '"cache"').seeOther('/login');
  });

  /** First run only: with the token printed in the log, create the first administrator. */
  function setupAllowed(token: unknown): boolean {
    return app.setup.token !== null && typeof token === 'string' && token === app.setup.token && users.countUsers() === 0;
  }

  app.get('/setup', { config: { public: true } }, async (request, reply) => {
    const { token } = setupQuerySchema.parse(request.query ?? {});
    if (!setupAllowed(token)) return reply.renderError(403, { key: 'setup.refused' });
    return reply.render('auth/setup', { token, values: readUserForm({}), errors: {} as FieldErrors });
  });

  app.post('/setup', { config: { public: true } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const token = asText(body.token);
    if (!setupAllowed(token)) return reply.renderError(403, { key: 'setup.refused' });
    const values = { ...readUserForm(body), role: 'admin', areaId: '' };
    const errors: FieldErrors = {};
    if (values.password !== asText(body.passwordConfirm)) errors.passwordConfirm = [{ key: 'errors.password.mismatch' }];
    const result = Object.keys(errors).length === 0 ? await users.createUser(systemActor('setup'), values) : { ok: false as const, errors };
    if (!result.ok) return reply.code(422).render('auth/setup', { token, values: { ...values, password: '' }, errors: result.errors });
    app.setup.token = null;
    const signIn = await app.services.auth.signIn(signInRequest(request, values.email, values.password, false));
    if (signIn.outcome === 'ok') reply.startSession(signIn.token, signIn.deviceToken, false).rotateCsrf();
    return reply.flash('setup.done').seeOther('/');
  });
}
