import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { parseForm, type FieldErrors } from '../../lib/forms.js';
import { accountParamsSchema, accountTokenParamsSchema, tokenFormSchema, tokenInputSchema, tokenLifetimes, tokenParamsSchema, type TokenFormValues } from './tokens.schemas.js';

const blankForm = (): TokenFormValues => ({ name: '', access: 'read', days: '90', submissionKey: randomUUID() });

function renderNew(reply: FastifyReply, action: string, back: string, values: TokenFormValues, errors: FieldErrors, account: { name: string } | null) {
  return reply.render('tokens/new', { action, back, values, errors, lifetimes: tokenLifetimes, account });
}

/** A person's own API tokens: /profile/tokens (listed on /profile). */
export async function profileTokensRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.tokens;
  const config = { permission: 'app.use' as const };

  app.get('/new', { config }, async (_request, reply) => renderNew(reply, '/profile/tokens', '/profile#tokens', blankForm(), {}, null));

  app.post('/', { config }, async (request, reply) => {
    const values = tokenFormSchema.parse(request.body ?? {});
    const parsed = parseForm(tokenInputSchema, values);
    if (!parsed.ok) return renderNew(reply.code(422), '/profile/tokens', '/profile#tokens', values, parsed.errors, null);
    const made = service.create(request.actor, request.user!.id, 'personal', parsed.value, values.submissionKey);
    if (!made.secret) return reply.flash('tokens.alreadyCreated').seeOther('/profile#tokens');
    return reply.render('tokens/created', { secret: made.secret, name: parsed.value.name, back: '/profile#tokens' });
  });

  app.post('/:tokenId/revoke', { config, schema: { params: tokenParamsSchema } }, async (request, reply) => {
    service.revoke(request.actor, request.user!.id, request.params.tokenId);
    return reply.flash('tokens.revoked').seeOther('/profile#tokens');
  });
}

/** Service tokens an admin makes for an account (a system's own account, with its role and area): /admin/users/:id/tokens. */
export async function adminTokensRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.tokens;
  const users = app.services.users;
  const config = { permission: 'users.manage' as const };

  app.get('/:id/tokens/new', { config, schema: { params: accountParamsSchema } }, async (request, reply) => {
    const account = users.findById(request.params.id);
    return renderNew(reply, `/admin/users/${account.id}/tokens`, `/admin/users/${account.id}#tokens`, blankForm(), {}, account);
  });

  app.post('/:id/tokens', { config, schema: { params: accountParamsSchema } }, async (request, reply) => {
    const account = users.findById(request.params.id);
    const values = tokenFormSchema.parse(request.body ?? {});
    const parsed = parseForm(tokenInputSchema, values);
    if (!parsed.ok) return renderNew(reply.code(422), `/admin/users/${account.id}/tokens`, `/admin/users/${account.id}#tokens`, values, parsed.errors, account);
    const made = service.create(request.actor, account.id, 'service', parsed.value, values.submissionKey);
    if (!made.secret) return reply.flash('tokens.alreadyCreated').seeOther(`/admin/users/${account.id}#tokens`);
    return reply.render('tokens/created', { secret: made.secret, name: parsed.value.name, back: `/admin/users/${account.id}#tokens` });
  });

  app.post('/:id/tokens/:tokenId/revoke', { config, schema: { params: accountTokenParamsSchema } }, async (request, reply) => {
    service.revoke(request.actor, request.params.id, request.params.tokenId);
    return reply.flash('tokens.revoked').seeOther(`/admin/users/${request.params.id}#tokens`);
  });
}
