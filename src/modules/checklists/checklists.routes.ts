import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { readDraftForm, severities } from './checklists.service.js';

const idParams = z.object({ id: z.coerce.number().int().positive().max(2 ** 31) });

function parseId(params: unknown): number {
  const parsed = idParams.safeParse(params);
  if (!parsed.success) throw new NotFoundError('checklist');
  return parsed.data.id;
}

/** /admin/checklists: versions of the inspection checklist; a new version is an edited copy, published once. */
export default async function checklistsRoutes(app: FastifyInstance): Promise<void> {
  const service = app.services.checklists;
  const config = { permission: 'checklists.manage' as const };

  app.get('/', { config }, async (_request, reply) => {
    return reply.render('checklists/index', { templates: service.list() });
  });

  app.post('/', { config }, async (request, reply) => {
    return reply.seeOther(`/admin/checklists/${service.startDraft(request.actor)}`);
  });

  app.get('/:id', { config }, async (_request, reply) => {
    const checklist = service.get(parseId(_request.params));
    return reply.render('checklists/show', { checklist, severities, values: null, errors: {} });
  });

  app.post('/:id', { config }, async (request, reply) => {
    const id = parseId(request.params);
    const values = readDraftForm(request.body);
    try {
      const result = service.saveDraft(request.actor, id, values);
      if (!result.ok) return reply.code(422).render('checklists/show', { checklist: service.get(id), severities, values, errors: result.errors });
      // "Save and publish" publishes what was just saved, so no edit is lost.
      if ((request.body as Record<string, unknown> | undefined)?.publish === '1') {
        service.publish(request.actor, id);
        return reply.flash('checklists.published').seeOther(`/admin/checklists/${id}`);
      }
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      return reply.code(409).render('checklists/show', { checklist: service.get(id), severities, values, errors: { _form: [{ key: 'error.409.body' }] } });
    }
    return reply.flash('checklists.saved').seeOther(`/admin/checklists/${id}`);
  });

  app.post('/:id/publication', { config }, async (request, reply) => {
    const id = parseId(request.params);
    service.publish(request.actor, id);
    return reply.flash('checklists.published').seeOther(`/admin/checklists/${id}`);
  });
}
