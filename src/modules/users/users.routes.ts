import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DEVICE_COOKIE } from '../../plugins/auth.js';
import { roles } from '../../../db/schema/index.js';
import { asText, type FieldErrors } from '../../lib/forms.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import type { MessageKey } from '../../i18n/index.js';
import { readUserForm, userIdParamsSchema, userListQuerySchema, type UserFormValues } from './users.schemas.js';
import { type PublicUser } from './users.service.js';

function parseId(params: unknown): number {
  const parsed = userIdParamsSchema.safeParse(params);
  if (!parsed.success) throw new NotFoundError('user');
  return parsed.data.id;
}

/** Account management for admins: /admin/users. */
export async function adminUsersRoutes(app: FastifyInstance): Promise<void> {
  const service = app.services.users;
  const config = { permission: 'users.manage' as const };
  const areaOptions = { districts: app.catalog.districts, communes: app.catalog.communes };

  function valuesOf(user: PublicUser): UserFormValues {
    return { email: user.email, name: user.name, role: user.role, areaId: user.areaId === null ? '' : String(user.areaId), password: '', version: String(user.version), submissionKey: '' };
  }

  function renderEdit(request: FastifyRequest, reply: FastifyReply, user: PublicUser, values: UserFormValues, errors: FieldErrors, extra: Record<string, unknown> = {}) {
    return reply.render('users/edit', { account: user, values, errors, roles, ...areaOptions, isSelf: request.user?.id === user.id, ...extra });
  }

  app.get('/', { config }, async (request, reply) => {
    const query = userListQuerySchema.parse(request.query ?? {});
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
    return reply.render('users/new', { values: { ...readUserForm({ role: 'inspector' }), submissionKey: randomUUID() }, errors: {}, roles, ...areaOptions });
  });

  app.post('/', { config }, async (request, reply) => {
    const values = readUserForm(request.body);
    const result = await service.createUser(request.actor, values);
    if (!result.ok) return reply.code(422).render('users/new', { values: { ...values, password: '' }, errors: result.errors, roles, ...areaOptions });
    return reply.flash('users.created').seeOther(`/admin/users/${result.value.id}`);
  });

  app.get('/:id', { config }, async (request, reply) => {
    const user = service.findById(parseId(request.params));
    return renderEdit(request, reply, user, valuesOf(user), {});
  });

  app.post('/:id', { config }, async (request, reply) => {
    const id = parseId(request.params);
    const values = readUserForm(request.body);
    try {
      const result = service.updateUser(request.actor, id, values);
      if (!result.ok) return renderEdit(request, reply.code(422), service.findById(id), values, result.errors);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const user = service.findById(id);
      return renderEdit(request, reply.code(409), user, { ...values, version: String(user.version) }, {}, { conflict: { key: 'error.409.body' } });
    }
    return reply.flash('users.updated').seeOther(`/admin/users/${id}`);
  });

  /** The account's disabled state as a sub-resource: a POST disables it, or re-enables it with enable=1. */
  app.post('/:id/disabled', { config }, async (request, reply) => {
    const id = parseId(request.params);
    const enable = asText((request.body as Record<string, unknown> | undefined)?.enable) === '1';
    service.setDisabled(request.actor, id, !enable);
    const flash: MessageKey = enable ? 'users.enabled' : 'users.disabled';
    return reply.flash(flash).seeOther(`/admin/users/${id}`);
  });

  app.post('/:id/password', { config }, async (request, reply) => {
    const id = parseId(request.params);
    const password = asText((request.body as Record<string, unknown> | undefined)?.password);
    const result = await service.resetPassword(request.actor, id, password);
    if (!result.ok) {
      const user = service.findById(id);
      return renderEdit(request, reply.code(422), user, valuesOf(user), result.errors);
    }
    return reply.flash('users.passwordReset').seeOther(`/admin/users/${id}`);
  });
}

const endSessionsSchema = z.object({
  /** One session (its id as listed), or every other one. */
  session: z.string().regex(/^[0-9a-f]{64}$/).optional().catch(undefined),
  others: z.literal('1').optional().catch(undefined),
});

const ownPasswordFormSchema = z.object({
  currentPassword: z.string().max(1000).catch(''),
  password: z.string().max(1000).catch(''),
  passwordConfirm: z.string().max(1000).catch(''),
});

/** The signed-in person's own page: password, sessions and language. */
export async function profileRoutes(app: FastifyInstance): Promise<void> {
  const service = app.services.users;
  const config = { permission: 'app.use' as const };

  function profileData(request: FastifyRequest) {
    const account = service.findById(request.user!.id);
    const area = account.areaId === null ? null : app.catalog.byId.get(account.areaId);
    const sessions = app.services.auth.sessionsOf(account.id).map((session) => ({ ...session, current: session.id === request.sessionId, device: describeDevice(session.userAgent) }));
    return { account, area, sessions };
  }

  app.get('/', { config }, async (request, reply) => {
    return reply.render('users/profile', { ...profileData(request), errors: {} });
  });

  app.post('/password', { config }, async (request, reply) => {
    const form = ownPasswordFormSchema.parse(request.body ?? {});
    const deviceToken = request.cookies[DEVICE_COOKIE];
    const result = await service.changeOwnPassword(request.actor, request.sessionId!, form, (user, password) => app.services.auth.checkCurrentPassword(request.actor, user, password, deviceToken));
    if (!result.ok) return reply.code(result.locked ? 429 : 422).render('users/profile', { ...profileData(request), errors: result.errors });
    return reply.flash('profile.passwordChanged').seeOther('/profile');
  });

  /** Ends one of the person's sessions, or all the others; ending the current one signs out here too. */
  app.post('/sessions/end', { config }, async (request, reply) => {
    const form = endSessionsSchema.parse(request.body ?? {});
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
