import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DEVICE_COOKIE } from '../../plugins/auth.js';
import { roles } from '../../../db/schema/index.js';
import { parseForm, type FieldErrors } from '../../lib/forms.js';
import { ConflictError } from '../../lib/errors.js';
import { idParamsSchema as params } from '../../lib/params.js';
import type { MessageKey } from '../../i18n/index.js';
import {
  disabledFormSchema,
  endSessionsFormSchema,
  newUserSchema,
  ownPasswordFormSchema,
  ownPasswordSchema,
  passwordResetFormSchema,
  passwordResetSchema,
  userFormSchema,
  userListQuerySchema,
  userUpdateSchema,
  type UserFormValues,
} from './users.schemas.js';
import { usersPolicy } from './users.policy.js';
import { type PublicUser } from './users.service.js';

/** Account management for admins: /admin/users. */
export async function adminUsersRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.users;
  const config = { permission: 'users.manage' as const };
  const areaOptions = { districts: app.catalog.districts, communes: app.catalog.communes };

  function valuesOf(user: PublicUser): UserFormValues {
    return { email: user.email, name: user.name, role: user.role, areaId: user.areaId === null ? '' : String(user.areaId), password: '', version: String(user.version), submissionKey: '' };
  }

  function renderEdit(request: FastifyRequest, reply: FastifyReply, user: PublicUser, values: UserFormValues, errors: FieldErrors, extra: Record<string, unknown> = {}) {
    return reply.render('users/edit', { account: user, values, errors, roles, ...areaOptions, tokens: app.services.tokens.listForUser(user.id), can: { enable: usersPolicy.canEnable(request.actor, user), disable: usersPolicy.canDisable(request.actor, user) }, ...extra });
  }

  app.get('/', { config, schema: { querystring: userListQuerySchema } }, async (request, reply) => {
    const query = request.query;
    const listed = service.listUsers(query);
    const page = { ...listed, items: listed.items.map((user) => ({ ...user, areaName: user.areaId === null ? null : (app.catalog.byId.get(user.areaId)?.name ?? null) })) };
    const data = {
      page,
      query,
      roles,
      pageLink: (number: number) => {
        const params = new URLSearchParams();
        if (query.q) params.set('q', query.q);
        if (query.role) params.set('role', query.role);
        if (query.status) params.set('status', query.status);
        if (number > 1) params.set('page', String(number));
        const text = params.toString();
        return `/admin/users${text ? `?${text}` : ''}`;
      },
    };
    if (request.isHtmx && request.htmxTarget === 'users-results') return reply.render('users/_results', data);
    return reply.render('users/index', data);
  });

  app.get('/new', { config }, async (_request, reply) => {
    return reply.render('users/new', { values: { ...userFormSchema.parse({ role: 'inspector' }), submissionKey: randomUUID() }, errors: {}, roles, ...areaOptions });
  });

  app.post('/', { config }, async (request, reply) => {
    const values = userFormSchema.parse(request.body ?? {});
    const parsed = parseForm(newUserSchema, values);
    const result = parsed.ok ? await service.createUser(request.actor, parsed.value, values.submissionKey) : parsed;
    if (!result.ok) return reply.code(422).render('users/new', { values: { ...values, password: '' }, errors: result.errors, roles, ...areaOptions });
    return reply.flash('users.created').seeOther(`/admin/users/${result.value.id}`);
  });

  app.get('/:id', { config, schema: { params } }, async (request, reply) => {
    const user = service.findById(request.params.id);
    return renderEdit(request, reply, user, valuesOf(user), {});
  });

  app.post('/:id', { config, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const values = userFormSchema.parse(request.body ?? {});
    try {
      const parsed = parseForm(userUpdateSchema, values);
      const result = parsed.ok ? service.updateUser(request.actor, id, parsed.value) : parsed;
      if (!result.ok) return renderEdit(request, reply.code(422), service.findById(id), values, result.errors);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const user = service.findById(id);
      return renderEdit(request, reply.code(409), user, { ...values, version: String(user.version) }, {}, { conflict: { key: 'error.409.body' } });
    }
    return reply.flash('users.updated').seeOther(`/admin/users/${id}`);
  });

  /** The account's disabled state as a sub-resource: a POST disables it, or re-enables it with enable=1. */
  app.post('/:id/disabled', { config, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const { enable } = disabledFormSchema.parse(request.body ?? {});
    service.setDisabled(request.actor, id, !enable);
    const flash: MessageKey = enable ? 'users.enabled' : 'users.disabled';
    return reply.flash(flash).seeOther(`/admin/users/${id}`);
  });

  app.post('/:id/password', { config, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const parsed = parseForm(passwordResetSchema, passwordResetFormSchema.parse(request.body ?? {}));
    const result = parsed.ok ? await service.resetPassword(request.actor, id, parsed.value) : parsed;
    if (!result.ok) {
      const user = service.findById(id);
      return renderEdit(request, reply.code(422), user, valuesOf(user), result.errors);
    }
    return reply.flash('users.passwordReset').seeOther(`/admin/users/${id}`);
  });
}

/** The signed-in person's own page: password, sessions and language. */
export async function profileRoutes(app: FastifyInstance): Promise<void> {
  const service = app.services.users;
  const config = { permission: 'app.use' as const };

  function profileData(request: FastifyRequest) {
    const account = service.findById(request.user!.id);
    const area = account.areaId === null ? null : app.catalog.byId.get(account.areaId);
    const sessions = app.services.auth.sessionsOf(account.id).map((session) => ({ ...session, current: session.id === request.sessionId, device: describeDevice(session.userAgent) }));
    return { account, area, sessions, tokens: app.services.tokens.listForUser(account.id) };
  }

  app.get('/', { config }, async (request, reply) => {
    return reply.render('users/profile', { ...profileData(request), errors: {} });
  });

  app.post('/password', { config }, async (request, reply) => {
    const form = ownPasswordFormSchema.parse(request.body ?? {});
    const deviceToken = request.cookies[DEVICE_COOKIE];
    const result = await service.changeOwnPassword(request.actor, request.sessionId!, parseForm(ownPasswordSchema, form), form.currentPassword, (user, password) => app.services.auth.checkCurrentPassword(request.actor, user, password, deviceToken));
    if (!result.ok) return reply.code(result.locked ? 429 : 422).render('users/profile', { ...profileData(request), errors: result.errors });
    return reply.flash('profile.passwordChanged').seeOther('/profile');
  });

  /** Ends one of the person's sessions, or all the others; ending the current one signs out here too. */
  app.post('/sessions/end', { config }, async (request, reply) => {
    const form = endSessionsFormSchema.parse(request.body ?? {});
    const current = request.sessionId!;
    if (form.others) {
      app.services.auth.endSessions(request.actor, current, 'others');
      return reply.flash('profile.sessionsEnded').seeOther('/profile#sessions');
    }
    if (!form.session) return reply.seeOther('/profile#sessions');
    app.services.auth.endSessions(request.actor, current, [form.session]);
    if (form.session === current) return reply.endSessionCookies().rotateCsrf().header('Clear-Site-Data', '"cache"').seeOther('/login');
    return reply.flash('profile.sessionEnded').seeOther('/profile#sessions');
  });
}

/** A short, readable name for a browser from its user agent ("Chrome trên Android"); never shown raw. */
function describeDevice(userAgent: string): { browser: string; system: string } {
  const browser = /Edg\//.test(userAgent) ? 'Edge' : /Firefox\//.test(userAgent) ? 'Firefox' : /OPR\/|Opera/.test(userAgent) ? 'Opera' : /Chrome\/|Chromium\/|CriOS/.test(userAgent) ? 'Chrome' : /Safari\//.test(userAgent) ? 'Safari' : '';
  const system = /Android/.test(userAgent) ? 'Android' : /iPhone|iPad|iOS/.test(userAgent) ? 'iOS' : /Windows/.test(userAgent) ? 'Windows' : /Mac OS X|Macintosh/.test(userAgent) ? 'macOS' : /Linux/.test(userAgent) ? 'Linux' : '';
  return { browser, system };
}
