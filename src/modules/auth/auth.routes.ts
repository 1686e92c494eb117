import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { addFieldError, hasErrors, parseForm } from '../../lib/forms.js';
import { localPath } from '../../lib/paths.js';
import { DEVICE_COOKIE, SESSION_COOKIE } from '../../plugins/auth.js';
import { systemActor } from '../../access/actor.js';
import { newUserSchema, setupFormSchema } from '../users/index.js';
import type { FieldErrors } from '../../lib/forms.js';
import { loginFormSchema, loginQuerySchema, setupQuerySchema } from './auth.schemas.js';

export default async function authRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
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

  app.get('/login', { config: { public: true }, schema: { querystring: loginQuerySchema } }, async (request, reply) => {
    const { next } = request.query;
    if (request.user) return reply.redirect(localPath(next), 303);
    return reply.render('auth/login', { maxHours: app.config.SESSION_MAX_HOURS, email: '', next: localPath(next, ''), remember: false, error: null });
  });

  app.post('/login', { config: { public: true } }, async (request, reply) => {
    const form = loginFormSchema.parse(request.body ?? {});
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
  function setupAllowed(token: string | undefined): boolean {
    return app.setup.token !== null && token !== undefined && token === app.setup.token && users.countUsers() === 0;
  }

  app.get('/setup', { config: { public: true }, schema: { querystring: setupQuerySchema } }, async (request, reply) => {
    const { token } = request.query;
    if (!setupAllowed(token)) return reply.renderError(403, { key: 'setup.refused' });
    return reply.render('auth/setup', { token, values: setupFormSchema.parse({}), errors: {} as FieldErrors });
  });

  app.post('/setup', { config: { public: true } }, async (request, reply) => {
    const form = setupFormSchema.parse(request.body ?? {});
    const token = form.token;
    if (!setupAllowed(token)) return reply.renderError(403, { key: 'setup.refused' });
    const values = { ...form, role: 'admin', areaId: '' };
    const errors: FieldErrors = {};
    if (values.password !== values.passwordConfirm) addFieldError(errors, 'passwordConfirm', 'errors.password.mismatch');
    const parsed = hasErrors(errors) ? { ok: false as const, errors } : parseForm(newUserSchema, values);
    const result = parsed.ok ? await users.createUser(systemActor('setup'), parsed.value, values.submissionKey) : parsed;
    if (!result.ok) return reply.code(422).render('auth/setup', { token, values: { ...values, password: '', passwordConfirm: '' }, errors: result.errors });
    app.setup.token = null;
    const signIn = await app.services.auth.signIn(signInRequest(request, values.email, values.password, false));
    if (signIn.outcome === 'ok') reply.startSession(signIn.token, signIn.deviceToken, false).rotateCsrf();
    return reply.flash('setup.done').seeOther('/');
  });
}
