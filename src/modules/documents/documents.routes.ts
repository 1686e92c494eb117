import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { can } from '../../access/permissions.js';
import { renderAdminDocumentDocx, renderAdminDocumentPdf } from '../../lib/admin-document/index.js';
import { ConflictError } from '../../lib/errors.js';
import { parseForm, type FieldErrors } from '../../lib/forms.js';
import { idParamsSchema as params } from '../../lib/params.js';
import type { Message } from '../../i18n/index.js';
import { resultFormSchema, resultInputSchema, type ResultFormValues } from './documents.schemas.js';
import type { ResultDetails } from './documents.service.js';

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** /rounds/:id/result: a completed round's result document, its details form and its PDF and DOCX. */
export default async function documentsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.documents;
  const read = { permission: 'reports.read' as const };

  function renderPage(request: FastifyRequest, reply: FastifyReply, roundId: number, values: ResultFormValues | null, errors: FieldErrors = {}, extra: { conflict?: Message } = {}) {
    const { round, details } = service.resultPage(request.actor, roundId);
    const canSave = can(request.actor.role, 'rounds.write');
    return reply.render('documents/result', {
      round,
      details: details satisfies ResultDetails,
      values: values ?? service.formValuesOf(details),
      errors,
      canSave,
      ...extra,
    });
  }

  app.get('/:id/result', { config: read, schema: { params } }, async (request, reply) => {
    return renderPage(request, reply, request.params.id, null);
  });

  app.post('/:id/result', { config: { permission: 'rounds.write' }, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const values = resultFormSchema.parse(request.body ?? {});
    service.resultPage(request.actor, id); // 404 or 409 before the form is read
    const parsed = parseForm(resultInputSchema, values);
    if (!parsed.ok) return renderPage(request, reply.code(422), id, values, parsed.errors);
    try {
      service.saveDetails(request.actor, id, parsed.value, /^\d{1,9}$/.test(values.version) ? Number(values.version) : -1);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      // Keep what this person typed, on the current version, so saving again is a knowing choice.
      const current = service.resultPage(request.actor, id).details;
      return renderPage(request, reply.code(409), id, { ...values, version: String(current.version) }, {}, { conflict: error.userMessage });
    }
    return reply.flash('documents.saved').seeOther(`/rounds/${id}/result`);
  });

  for (const format of ['pdf', 'docx'] as const) {
    app.get(`/:id/result.${format}`, { config: { ...read, export: true }, schema: { params } }, async (request, reply) => {
      const { round, document } = service.resultDocument(request.actor, request.params.id);
      service.recordDownload(request.actor, round, format);
      reply
        .header('Content-Type', format === 'pdf' ? 'application/pdf' : DOCX_TYPE)
        .header('Content-Disposition', `attachment; filename="bao-cao-ket-qua-dot-${round.id}.${format}"`)
        .header('Cache-Control', 'no-store')
        .header('X-Offline', 'never');
      if (format === 'pdf') return reply.send(await renderAdminDocumentPdf(document));
      return reply.send(await renderAdminDocumentDocx(document));
    });
  }
}
