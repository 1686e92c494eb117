import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkStatuses } from '../../../db/schema/index.js';
import { ConflictError, NotFoundError, StateError } from '../../lib/errors.js';
import { asText, type FieldErrors } from '../../lib/forms.js';
import { uploadedFile } from '../../lib/uploads.js';
import type { Message } from '../../i18n/index.js';
import { scopeIncludes } from '../../access/scope.js';
import { roundsRepository } from '../rounds/index.js';
import { usersRepository } from '../users/index.js';
import { attachmentParamsSchema, checkListQuerySchema, idParamsSchema, readReportForm, readStartForm, reviewSchema, type CheckListQuery, type ReportFormValues, type StartReportValues } from './inspections.schemas.js';
import { MAX_ATTACHMENTS, type ReportDetail } from './inspections.service.js';

function parseId(params: unknown): number {
  const parsed = idParamsSchema.safeParse(params);
  if (!parsed.success) throw new NotFoundError('check');
  return parsed.data.id;
}

function listQueryString(query: CheckListQuery, page: number): string {
  const params = new URLSearchParams();
  for (const key of ['round', 'area', 'status', 'inspector', 'from', 'to', 'violations', 'campaign', 'current'] as const) {
    const value = query[key];
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export default async function inspectionsRoutes(app: FastifyInstance): Promise<void> {
  const service = app.services.inspections;
  const rounds = roundsRepository(app.db);
  const users = usersRepository(app.db);
  const venues = app.services.venues;
  const read = { permission: 'checks.read' as const };
  const file = { permission: 'checks.file' as const };
  const review = { permission: 'checks.review' as const };

  function loadRound(request: FastifyRequest) {
    const round = rounds.findById(parseId(request.params), request.actor.scope);
    if (!round) throw new NotFoundError('round');
    return round;
  }

  /** The start form; the venue list is rendered on the server too, so it works without JavaScript. */
  function renderStart(request: FastifyRequest, reply: FastifyReply, values: StartReportValues, errors: FieldErrors, q = '') {
    const round = loadRound(request);
    const areaIds = rounds.areaIdsByRound([round.id]).get(round.id) ?? [];
    const venueOptions = venues.searchInAreas(request.actor, areaIds, q);
    const venueId = Number(values.venueId);
    // A venue named in the address shows only if this person may see it and it is in the round's areas.
    const related = new Set(areaIds.flatMap((id) => app.catalog.relatedAreas(id)));
    const found = Number.isInteger(venueId) && venueId > 0 ? venues.findByIds([venueId])[0] : undefined;
    const chosen = found && scopeIncludes(request.actor.scope, found.areaId) && related.has(found.areaId) ? found : undefined;
    return reply.render('checks/new', { round, values, errors, chosen, venueOptions, q });
  }

  /** The report page: the form for its inspector while it is a draft, the read-only record otherwise. */
  function renderReport(reply: FastifyReply, detail: ReportDetail, extra: { values?: ReportFormValues; errors?: FieldErrors; savedInPart?: boolean; alert?: Message; typedComment?: string; conflict?: Message; conflictDetails?: unknown; reviewErrors?: FieldErrors; attachmentErrors?: FieldErrors; findingErrors?: FieldErrors; findingValues?: unknown } = {}) {
    return reply.render('checks/show', {
      savedInPart: extra.savedInPart ?? false,
      alert: extra.alert,
      typedComment: extra.typedComment ?? '',
      detail,
      values: extra.values ?? service.formValuesOf(detail),
      errors: extra.errors ?? {},
      conflict: extra.conflict,
      conflictDetails: extra.conflictDetails,
      reviewErrors: extra.reviewErrors ?? {},
      attachmentErrors: extra.attachmentErrors ?? {},
      maxAttachments: MAX_ATTACHMENTS,
      findingErrors: extra.findingErrors ?? {},
      findingValues: extra.findingValues ?? {},
    });
  }

  app.get('/rounds/:id/checks/new', { config: file }, async (request, reply) => {
    const round = loadRound(request);
    if (!service.canFileInRound(request.actor, round.id)) return reply.renderError(403, { key: 'checks.notOnTeam' });
    const query = request.query as Record<string, unknown>;
    const q = asText(query.q).slice(0, 200);
    const key = asText(query.submissionKey);
    const venueId = /^\d{1,9}$/.test(asText(query.venue)) ? asText(query.venue) : '';
    return renderStart(
      request,
      reply,
      { venueId, visitDate: asText(query.visitDate), visitTime: asText(query.visitTime), submissionKey: /^[0-9a-f-]{36}$/.test(key) ? key : randomUUID(), reinspection: asText(query.reinspection) === '1' ? '1' : '' },
      {},
      q,
    );
  });

  app.post('/rounds/:id/checks', { config: file }, async (request, reply) => {
    const round = loadRound(request);
    const values = readStartForm(request.body);
    const result = service.startReport(request.actor, round.id, values);
    if (!result.ok) return renderStart(request, reply.code(422), values, result.errors);
    return reply.seeOther(`/checks/${result.value.id}`);
  });

  app.get('/checks', { config: read }, async (request, reply) => {
    const query = checkListQuerySchema.parse(request.query ?? {});
    const page = service.listReports(request.actor, query);
    const filtered = Object.entries(query).some(([key, value]) => key !== 'page' && value !== undefined && value !== '');
    const data = { page, query, filtered, pageLink: (number: number) => `/checks${listQueryString(query, number)}` };
    if (request.isHtmx && request.htmxTarget === 'checks-results') return reply.render('checks/_results', data);
    const inScope = (area: { id: number }) => scopeIncludes(request.actor.scope, area.id);
    return reply.render('checks/index', {
      ...data,
      statuses: checkStatuses,
      districts: app.catalog.districts.filter(inScope),
      communes: app.catalog.communes.filter(inScope),
      inspectors: users.activeNames().filter((user) => user.role !== 'auditor'),
      roundOptions: rounds.options(request.actor.scope, 200),
    });
  });

  app.get('/checks/:id', { config: read }, async (request, reply) => {
    return renderReport(reply, service.getReport(request.actor, parseId(request.params)));
  });

  app.post('/checks/:id', { config: file }, async (request, reply) => {
    const id = parseId(request.params);
    const detail = service.getReport(request.actor, id);
    const values = readReportForm(request.body, detail.items.map((item) => item.code), detail.confirmations.map((row) => row.finding.id));
    const intent = asText((request.body as Record<string, unknown> | undefined)?.intent) === 'submit' ? 'submit' : 'save';
    try {
      const result = service.saveReport(request.actor, id, values, intent, detail);
      if (!result.ok && 'savedInPart' in result) {
        const saved = service.getReport(request.actor, id);
        return renderReport(reply.code(422), saved, { values: { ...values, version: String(result.version) }, errors: result.errors, savedInPart: true });
      }
      if (!result.ok) return renderReport(reply.code(422), detail, { values, errors: result.errors });
      return reply.flash(result.value.submitted ? 'checks.submitted' : 'checks.saved').seeOther(`/checks/${id}`);
    } catch (error) {
      if (error instanceof ConflictError) {
        const fresh = service.getReport(request.actor, id);
        const conflictDetails = service.conflictDetails(request.actor, id, values);
        return renderReport(reply.code(409), fresh, { values: { ...values, version: String(fresh.check.version) }, conflict: error.userMessage, conflictDetails });
      }
      throw error;
    }
  });

  app.post('/checks/:id/review', { config: review }, async (request, reply) => {
    const id = parseId(request.params);
    const parsed = reviewSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      service.getReport(request.actor, id);
      return reply.renderError(400);
    }
    try {
      const result = service.review(request.actor, id, parsed.data.decision, parsed.data.comment, parsed.data.version);
      if (!result.ok) return renderReport(reply.code(422), service.getReport(request.actor, id), { reviewErrors: result.errors, typedComment: parsed.data.comment });
    } catch (error) {
      if (error instanceof ConflictError || error instanceof StateError) {
        // Shown at the top: once someone else has reviewed the report, the review panel is gone.
        return renderReport(reply.code(409), service.getReport(request.actor, id), { alert: error.userMessage, typedComment: parsed.data.comment });
      }
      throw error;
    }
    return reply.flash(parsed.data.decision === 'approve' ? 'checks.approved' : 'checks.returned').seeOther(`/checks/${id}`);
  });

  app.post('/checks/:id/amendments', { config: review }, async (request, reply) => {
    const id = parseId(request.params);
    const amendmentId = service.amend(request.actor, id);
    return reply.flash('checks.amendmentStarted').seeOther(`/checks/${amendmentId}`);
  });

  app.post('/checks/:id/attachments', { config: file }, async (request, reply) => {
    const id = parseId(request.params);
    const upload = uploadedFile(request.body);
    let errors: FieldErrors = {};
    if (!upload) errors = { file: [{ key: 'errors.attachment.none' }] };
    else {
      const result = await service.addAttachment(request.actor, id, { filename: upload.filename, content: await upload.toBuffer() });
      if (!result.ok) errors = result.errors;
    }
    const detail = service.getReport(request.actor, id);
    const status = Object.keys(errors).length > 0 ? 422 : 200;
    if (request.isHtmx) return reply.code(status).render('checks/_attachments', { detail, attachmentErrors: errors, maxAttachments: MAX_ATTACHMENTS });
    if (status === 422) return renderReport(reply.code(422), detail, { attachmentErrors: errors });
    return reply.flash('checks.attachmentAdded').seeOther(`/checks/${id}#attachments`);
  });

  app.post('/checks/:id/attachments/:attachmentId/delete', { config: file }, async (request, reply) => {
    const params = attachmentParamsSchema.safeParse(request.params);
    if (!params.success) throw new NotFoundError('attachment');
    service.removeAttachment(request.actor, params.data.id, params.data.attachmentId);
    const detail = service.getReport(request.actor, params.data.id);
    if (request.isHtmx) return reply.render('checks/_attachments', { detail, attachmentErrors: {}, maxAttachments: MAX_ATTACHMENTS });
    return reply.seeOther(`/checks/${params.data.id}#attachments`);
  });

  for (const thumbnail of [false, true]) {
    app.get(`/checks/:id/attachments/:attachmentId${thumbnail ? '/thumbnail' : ''}`, { config: read }, async (request, reply) => {
      const params = attachmentParamsSchema.safeParse(request.params);
      if (!params.success) throw new NotFoundError('attachment');
      const found = service.attachmentFile(request.actor, params.data.id, params.data.attachmentId, thumbnail);
      if (!fs.existsSync(found.path)) throw new NotFoundError('attachment file');
      const type = thumbnail ? 'image/jpeg' : found.attachment.mimeType;
      return reply
        .header('Content-Type', type)
        .header('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(found.attachment.originalName)}`)
        // Evidence: no copy kept by the browser or anything between it and the server.
        .header('Cache-Control', 'private, no-store')
        .header('X-Content-Type-Options', 'nosniff')
        // The browser's own image and PDF viewers use inline styles; the file itself runs no script.
        .header('Content-Security-Policy', "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'")
        .send(fs.createReadStream(found.path));
    });
  }

  /** A finding outside the checklist, from the report's page; refused, the page comes back with the form as typed. */
  app.post('/checks/:id/findings', { config: file }, async (request, reply) => {
    const id = parseId(request.params);
    const result = service.addFinding(request.actor, id, request.body);
    if (!result.ok) return renderReport(reply.code(422), service.getReport(request.actor, id), { findingErrors: result.errors, findingValues: request.body });
    return reply.flash('findings.added').seeOther(`/findings/${result.value.id}`);
  });
}
