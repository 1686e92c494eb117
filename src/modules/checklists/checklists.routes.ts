import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ConflictError } from '../../lib/errors.js';
import { idParamsSchema as params } from '../../lib/params.js';
import { z } from 'zod';
import { formText } from '../../lib/forms.js';
import { checklistCodes, draftFormSchema, isChecklistCode, publicationFormSchema, severities, VENUE_CHECKLIST } from './checklists.service.js';

/** Which checklist a new version is for (the venue checklist when not said, as the page sent before). */
const newVersionSchema = z.object({ code: formText.transform((code) => (isChecklistCode(code) ? code : VENUE_CHECKLIST)) });

/** /admin/checklists: versions of the venue and supervision checklists; a new version is an edited copy, published once. */
export default async function checklistsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.checklists;
  const config = { permission: 'checklists.manage' as const };

  /** The confirmation step before a version is published (see views/partials/_confirm.eta). */
  function confirmPublication(request: FastifyRequest, reply: FastifyReply, id: number) {
    const checklist = service.get(id);
    return reply.render('confirm/show', {
      question: request.t('checklists.publishConfirm'),
      record: `${request.lang === 'en' ? checklist.titleEn : checklist.titleVi} (v${checklist.version})`,
      action: `/admin/checklists/${id}/publication`,
      fields: {},
      confirmLabel: request.t('checklists.publish'),
      back: `/admin/checklists/${id}`,
    });
  }

  app.get('/', { config }, async (_request, reply) => {
    return reply.render('checklists/index', { groups: checklistCodes.map((code) => ({ code, templates: service.list(code) })) });
  });

  app.post('/', { config }, async (request, reply) => {
    return reply.seeOther(`/admin/checklists/${service.startDraft(request.actor, newVersionSchema.parse(request.body ?? {}).code)}`);
  });

  app.get('/:id', { config, schema: { params } }, async (request, reply) => {
    const checklist = service.get(request.params.id);
    return reply.render('checklists/show', { checklist, severities, values: null, errors: {} });
  });

  app.post('/:id', { config, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const form = draftFormSchema.parse(request.body ?? {});
    const values = form.draft;
    try {
      const result = service.saveDraft(request.actor, id, values);
      if (!result.ok) return reply.code(422).render('checklists/show', { checklist: service.get(id), severities, values, errors: result.errors });
      // "Save and publish" publishes what was just saved, so no edit is lost; unconfirmed, the draft is saved and publishing is asked.
      if (form.publish && !form.confirmed) return confirmPublication(request, reply, id);
      if (form.publish) {
        service.publish(request.actor, id);
        return reply.flash('checklists.published').seeOther(`/admin/checklists/${id}`);
      }
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      return reply.code(409).render('checklists/show', { checklist: service.get(id), severities, values, errors: { _form: [{ key: 'error.409.body' }] } });
    }
    return reply.flash('checklists.saved').seeOther(`/admin/checklists/${id}`);
  });

  app.post('/:id/publication', { config, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    if (publicationFormSchema.parse(request.body ?? {}).confirm !== 'yes' && service.get(id).status === 'draft') return confirmPublication(request, reply, id);
    service.publish(request.actor, id);
    return reply.flash('checklists.published').seeOther(`/admin/checklists/${id}`);
  });
}
