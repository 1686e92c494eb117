import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { roles } from '../../../db/schema/index.js';
import { asText, type FieldErrors } from '../../lib/forms.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import type { MessageKey } from '../../i18n/index.js';
import { readUserForm, userIdParamsSchema, userListQuerySchema, type UserFormValues } from './users.schemas.js';
import { usersService, type PublicUser } from './users.service.js';

function parseId(params: unknown): number {
  const parsed = userIdParamsSchema.safeParse(params);
  if (!parsed.success) throw new NotFoundError('user');
  return parsed.data.id;
}

/** Account management for admins: /admin/users. */
export async function adminUsersRoutes(app: FastifyInstance): Promise<void> {
  const service = usersService({ db: app.db, catalog: app.catalog, now: app.now });
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

/** The signed-in person's own page: password and language. */
export async function profileRoutes(app: FastifyInstance): Promise<void> {
  const service = usersService({ db: app.db, catalog: app.catalog, now: app.now });
  const config = { permission: 'app.use' as const };

  function profileData(request: FastifyRequest) {
    const account = service.findById(request.user!.id);
    const area = account.areaId === null ? null : app.catalog.byId.get(account.areaId);
    return { account, area };
  }

  app.get('/', { config }, async (request, reply) => {
    return reply.render('users/profile', { ...profileData(request), errors: {} });
  });

  app.post('/password', { config }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const result = await service.changeOwnPassword(request.actor, request.sessionId!, {
      currentPassword: asText(body.currentPassword),
      password: asText(body.password),
      passwordConfirm: asText(body.passwordConfirm),
    });
    if (!result.ok) return reply.code(422).render('users/profile', { ...profileData(request), errors: result.errors });
    return reply.flash('profile.passwordChanged').seeOther('/profile');
  });
}
