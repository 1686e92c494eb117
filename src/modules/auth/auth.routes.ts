import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { asText } from '../../lib/forms.js';
import { SESSION_COOKIE } from '../../plugins/auth.js';
import { systemActor } from './actor.js';
import { usersService } from '../users/users.service.js';
import { readUserForm } from '../users/users.schemas.js';
import type { FieldErrors } from '../../lib/forms.js';

/** Only a path on this site may be returned to after signing in (no open redirect). */
export function localPath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  return value;
}

const loginQuerySchema = z.object({ next: z.string().max(2000).optional().catch(undefined) });
const setupQuerySchema = z.object({ token: z.string().max(200).optional().catch(undefined) });

export default async function authRoutes(app: FastifyInstance): Promise<void> {
  const users = usersService({ db: app.db, catalog: app.catalog, now: app.now });

  function startSession(reply: FastifyReply, token: string) {
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: app.config.COOKIE_SECURE,
      maxAge: app.config.SESSION_IDLE_MINUTES * 60,
    });
  }

  app.get('/login', { config: { public: true } }, async (request, reply) => {
    const { next } = loginQuerySchema.parse(request.query ?? {});
    if (request.user) return reply.redirect(localPath(next), 303);
    return reply.render('auth/login', { email: '', next: localPath(next, ''), error: null });
  });

  app.post('/login', { config: { public: true } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const email = asText(body.email);
    const next = localPath(asText(body.next), '');
    const result = await app.auth.signIn(email, asText(body.password), request.ip, String(request.headers['user-agent'] ?? ''));
    if (result.outcome === 'locked') {
      return reply.code(429).render('auth/login', { email, next, error: request.t('auth.locked') });
    }
    if (result.outcome === 'invalid') {
      return reply.code(401).render('auth/login', { email, next, error: request.t('auth.invalid') });
    }
    startSession(reply, result.token);
    return reply.seeOther(next || '/');
  });

  app.post('/logout', { config: { permission: 'app.use' } }, async (request, reply) => {
    app.auth.signOut(request.actor, request.sessionId!);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.seeOther('/login');
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
    const signIn = await app.auth.signIn(values.email, values.password, request.ip, String(request.headers['user-agent'] ?? ''));
    if (signIn.outcome === 'ok') startSession(reply, signIn.token);
    return reply.flash('setup.done').seeOther('/');
  });
}
