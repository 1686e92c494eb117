import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { checkStatuses } from '../../../db/schema/index.js';
import { ConflictError, NotFoundError, StateError } from '../../lib/errors.js';
import { formatDate, todayInVietnam } from '../../lib/dates.js';
import { hasErrors, parseForm, type FieldErrors } from '../../lib/forms.js';
import { idParamsSchema as params } from '../../lib/params.js';
import { textFields, uploadedFile } from '../../lib/uploads.js';
import { requestHash, submissionKeyPattern, type KeyedRequest, type RequestKind, type StoredOutcome } from '../form-keys/index.js';
import type { Message } from '../../i18n/index.js';
import { scopeIncludes } from '../../access/scope.js';
import { findingFormSchema, newFindingSchema, type FindingFormValues } from '../findings/index.js';
import {
  attachmentParamsSchema,
  checkListQuerySchema,
  newReportQuerySchema,
  reportFormSchema,
  reportQuerySchema,
  reportInput,
  reviewSchema,
  startFormSchema,
  startReportInput,
  type CheckListQuery,
  type ReportFormValues,
  type StartReportValues,
} from './inspections.schemas.js';
import type { AttachmentRow } from './inspections.repository.js';
import { MAX_ATTACHMENTS, type FieldConflict, type ReportDetail } from './inspections.service.js';

function listQueryString(query: CheckListQuery, page: number): string {
  const params = new URLSearchParams();
  for (const key of ['round', 'area', 'level', 'status', 'inspector', 'from', 'to', 'violations', 'campaign', 'current'] as const) {
    const value = query[key];
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * A report write's one-time key as sent (`requestKey`, or a start form's `submissionKey`), with the hash of what was
 * sent (text fields and the file's bytes); null without a key, as from old pages and scripts.
 */
async function keyedRequest(request: FastifyRequest, kind: RequestKind, recordId: number): Promise<KeyedRequest | null> {
  const fields = textFields(request.body);
  const named = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string) : '');
  const key = [named('requestKey'), kind === 'report.start' ? named('submissionKey') : ''].find((candidate) => submissionKeyPattern.test(candidate));
  if (!key) return null;
  const upload = uploadedFile(request.body);
  const files = upload ? [await upload.toBuffer()] : [];
  return { key, kind, userId: request.actor.userId, recordId, bodyHash: requestHash(fields, files) };
}

/** Field messages in the person's language, as the outbox shows them. */
function translatedErrors(request: FastifyRequest, errors: FieldErrors): Record<string, string[]> {
  return Object.fromEntries(Object.entries(errors).map(([field, messages]) => [field, messages.map((message) => request.t(message.key, message.params))]));
}

/**
 * The answer to a report write that was done (now, or before: `replayed`): JSON for the phone's outbox; for a
 * browser, the redirect with its one-time message.
 */
function answerDone(request: FastifyRequest, reply: FastifyReply, outcome: StoredOutcome, replayed: boolean) {
  // The outbox opens the location next (when the person is on the page): its flash is said there.
  if (outcome.flash) reply.flash(outcome.flash.key, outcome.flash.count);
  if (request.isOutbox) {
    const { id, location, version, attachmentId } = outcome;
    return reply.code(200).send({ ok: true, id, location, version, replayed, ...(attachmentId === undefined ? {} : { attachmentId }) });
  }
  return reply.seeOther(outcome.location);
}

/** A write refused for its fields: JSON for the outbox, else the page with the form as typed (`page`). */
function answerInvalid(request: FastifyRequest, reply: FastifyReply, errors: FieldErrors, location: string, page: () => FastifyReply, savedInPart?: { version: number }) {
  if (!request.isOutbox) return page();
  return reply.code(422).send({ ok: false, reason: 'invalid', errors: translatedErrors(request, errors), location, ...(savedInPart ? { savedInPart: true, version: savedInPart.version } : {}) });
}

export default async function inspectionsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.inspections;
  const rounds = app.services.rounds;
  const venues = app.services.venues;
  const requestKeys = app.services.requestKeys;
  const read = { permission: 'checks.read' as const };
  const file = { permission: 'checks.file' as const };
  const review = { permission: 'checks.review' as const };

  /** The start form; the venue list is rendered on the server too, so it works without JavaScript. */
  function renderStart(request: FastifyRequest, reply: FastifyReply, roundId: number, values: StartReportValues, errors: FieldErrors, q = '') {
    const round = rounds.getRound(request.actor, roundId);
    const areaIds = round.areas.map((area) => area.id);
    const venueId = Number(values.venueId);
    // A venue named in the address shows only if this person may see it and it is in the round's areas; above
    // the list, and not again in it.
    const chosen = venues.pickable(request.actor, areaIds, Number.isInteger(venueId) && venueId > 0 ? venueId : undefined);
    const venueOptions = venues.searchInAreas(request.actor, areaIds, q, chosen ? [chosen.id] : []);
    return reply.render('checks/new', { round, values, errors, chosen, venueOptions, q });
  }

  /** The report page: the form for its inspector while it is a draft, the read-only record otherwise. */
  function renderReport(reply: FastifyReply, detail: ReportDetail, extra: { values?: ReportFormValues; errors?: FieldErrors; savedInPart?: boolean; alert?: Message; typedComment?: string; conflict?: Message; conflictDetails?: FieldConflict[]; reviewErrors?: FieldErrors; attachmentErrors?: FieldErrors; findingErrors?: FieldErrors; findingValues?: FindingFormValues; marked?: string[]; removing?: AttachmentRow } = {}) {
    return reply.render('checks/show', {
      // A new key for each page: the next press of any of its buttons is a new write.
      requestKey: randomUUID(),
      marked: extra.marked ?? [],
      removing: extra.removing,
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

  app.get('/rounds/:id/checks/new', { config: file, schema: { params, querystring: newReportQuerySchema } }, async (request, reply) => {
    const round = rounds.getRound(request.actor, request.params.id);
    if (!service.canFileInRound(request.actor, round.id)) return reply.renderError(403, { key: round.purpose === 'supervision' ? 'checks.notVenueRound' : 'checks.notOnTeam' });
    const query = request.query;
    // The visit is usually today (in Vietnam): pre-filled when today is within the round's dates.
    const today = todayInVietnam(app.now());
    const visitDate = query.visitDate || (today >= round.startDate && today <= round.endDate ? formatDate(today) : '');
    const values = { venueId: query.venue, visitDate, visitTime: query.visitTime, submissionKey: randomUUID(), requestKey: '', reinspection: query.reinspection };
    return renderStart(request, reply, round.id, values, {}, query.q);
  });

  /** Filing a visit report starts here: form as typed → typed input → the service (scope, team, venue, dates) → the draft. */
  app.post('/rounds/:id/checks', { config: file, schema: { params } }, async (request, reply) => {
    const round = rounds.getRound(request.actor, request.params.id);
    const values = startFormSchema.parse(request.body ?? {});
    const keyed = await keyedRequest(request, 'report.start', round.id);
    const result = service.startReport(request.actor, round.id, startReportInput(values), keyed?.bodyHash);
    if (!result.ok) return answerInvalid(request, reply, result.errors, `/rounds/${round.id}/checks/new`, () => renderStart(request, reply.code(422), round.id, values, result.errors));
    const { id, replayed } = result.value;
    // A start makes the report at its first version; a repeat answers as the first did.
    return answerDone(request, reply, { status: 303, location: `/checks/${id}`, id, version: 1 }, replayed);
  });

  app.get('/checks', { config: read, schema: { querystring: checkListQuerySchema } }, async (request, reply) => {
    const query = request.query;
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
      ...service.filterChoices(request.actor),
    });
  });

  app.get('/checks/:id', { config: read, schema: { params, querystring: reportQuerySchema } }, async (request, reply) => {
    const detail = service.getReport(request.actor, request.params.id);
    // Items just marked compliant without JavaScript: their section offers to undo it.
    const marked = request.query.marked.filter((code) => detail.items.some((item) => item.code === code));
    // A file whose remove button was pressed without JavaScript: the attachments ask before it goes.
    const removing = detail.can.removeAttachment ? detail.attachments.find((attachment) => attachment.id === request.query.remove) : undefined;
    // A draft its inspector may edit is kept by the phone's service worker once the phone is prepared, so a report
    // started after "prepare" still opens when the signal goes.
    if (detail.can.edit) reply.header('X-Offline', 'keep');
    return renderReport(reply, detail, { marked, removing });
  });

  /** The chosen file of a report form or an upload form, stored as evidence; the messages if it was refused. */
  async function attach(request: FastifyRequest, id: number): Promise<{ errors: FieldErrors; attachmentId?: number }> {
    const upload = uploadedFile(request.body);
    if (!upload) return { errors: { file: [{ key: 'errors.attachment.none' }] } };
    const content = await upload.toBuffer();
    if (upload.file?.truncated) return { errors: { file: [{ key: 'errors.attachment.tooBig' }] } };
    const result = await service.addAttachment(request.actor, id, { filename: upload.filename, content });
    return result.ok ? { errors: {}, attachmentId: result.value.id } : { errors: result.errors };
  }

  /**
   * The file of a report form sent with a key, attached once: the file is kept even when the save with it is refused
   * (stale), so sending the same form again must not attach it a second time.
   */
  async function attachOnce(request: FastifyRequest, id: number, keyed: KeyedRequest | null): Promise<FieldErrors> {
    const fileKey = keyed && { ...keyed, key: `${keyed.key}/file`, kind: 'report.attach' as const };
    if (requestKeys.replayOf(fileKey)) return {};
    const { errors, attachmentId } = await attach(request, id);
    if (attachmentId !== undefined) requestKeys.remember(fileKey, 'check', { status: 303, location: `/checks/${id}#attachments`, id, version: 0, attachmentId });
    return errors;
  }

  /**
   * Saving or submitting a report: its form (named after its items) as typed → typed input → the service. The same
   * form, sent as multipart with a file, saves the draft and attaches the file, so nothing typed is lost to an upload
   * without JavaScript; a section's "mark the rest compliant" (and its undo) is a draft save with those answers set,
   * and a file's remove button saves the draft, then asks (a second press confirms).
   */
  app.post(
    '/checks/:id',
    {
      // Every field of the report (two per item) fits, and a file over the limit is said beside the upload, the
      // answers sent with it being saved all the same.
      config: { ...file, multipartOptions: { limits: { fields: 400, parts: 410 }, throwFileSizeLimit: false } as never },
      schema: { params },
    },
    async (request, reply) => {
      const { id } = request.params;
      // Sent before with this key: answered as then, nothing written again.
      const keyed = await keyedRequest(request, 'report.save', id);
      const earlier = requestKeys.replayOf(keyed);
      if (earlier?.status === 422) return answerSavedInPart(request, reply, id, earlier);
      if (earlier) return answerDone(request, reply, earlier, true);
      const detail = service.getReport(request.actor, id);
      const form = reportFormSchema(
        detail.items.map((item) => item.code),
        detail.confirmations.map((row) => row.finding.id),
      ).parse(textFields(request.body));
      const { action, resolution } = form;
      // From the conflict page: the fields the person took from the saved report instead of what was typed.
      const values = resolution.takeServer.length > 0 ? service.withServerValues(detail, form.values, resolution.takeServer) : form.values;
      let changed: string[] = [];
      let section = '';
      if (action.kind === 'markRemaining') {
        changed = detail.items.filter((item) => item.category === action.category && !values.answers[item.code]?.answer).map((item) => item.code);
        for (const code of changed) values.answers[code]!.answer = 'compliant';
        section = action.category;
      } else if (action.kind === 'unmark') {
        changed = action.codes.filter((code) => values.answers[code]?.answer === 'compliant');
        for (const code of changed) values.answers[code]!.answer = '';
        section = detail.items.find((item) => item.code === action.codes[0])?.category ?? '';
      }
      // Attached first (only to a report this person may still edit; the save checks it again): a save refused as
      // stale still keeps the file, which a browser cannot send again without it being chosen anew.
      const attachmentErrors = action.kind === 'attach' && detail.can.edit ? await attachOnce(request, id, keyed) : {};
      const location = `/checks/${id}`;
      try {
        const result = service.saveReport(request.actor, id, reportInput(values, form.intent, form.confirmed, resolution.resolved), detail);
        if (!result.ok && 'savedInPart' in result) {
          // Written all the same: kept, so a repeat is not taken for someone else's change.
          const outcome = requestKeys.remember(keyed, 'check', { status: 422, location, id, version: result.version, errors: result.errors });
          return answerSavedInPart(request, reply, id, outcome, { values, attachmentErrors });
        }
        if (!result.ok) return answerInvalid(request, reply, result.errors, location, () => renderReport(reply.code(422), detail, { values, errors: result.errors, attachmentErrors }));
        if (hasErrors(attachmentErrors)) {
          // The answers were saved, the file refused: kept like a draft saved in part.
          requestKeys.remember(keyed, 'check', { status: 422, location: `/checks/${id}#attachments`, id, version: result.value.version, errors: attachmentErrors });
          return answerInvalid(request, reply, attachmentErrors, location, () => renderReport(reply.code(422), service.getReport(request.actor, id), { attachmentErrors }), { version: result.value.version });
        }
        const done = (to: string, flash?: StoredOutcome['flash']) =>
          answerDone(request, reply, requestKeys.remember(keyed, 'check', { status: 303, location: to, id, version: result.value.version, ...(flash ? { flash } : {}) }), false);
        if (action.kind === 'attach') return done(`/checks/${id}#attachments`, { key: 'checks.savedAndAttached' });
        if (action.kind === 'markRemaining') return done(`/checks/${id}?marked=${changed.join('.')}#section-${encodeURIComponent(section)}`, { key: 'checks.markedRemaining', count: changed.length });
        if (action.kind === 'removeAttachment' && !action.confirmed) return done(`/checks/${id}?remove=${action.attachmentId}#attachments`);
        if (action.kind === 'removeAttachment') {
          service.removeAttachment(request.actor, id, action.attachmentId);
          return done(`/checks/${id}#attachments`, { key: 'checks.attachmentRemoved' });
        }
        if (action.kind === 'unmark') return done(`/checks/${id}#section-${encodeURIComponent(section)}`, { key: 'checks.unmarked', count: changed.length });
        return done(location, { key: result.value.submitted ? 'checks.submitted' : 'checks.saved' });
      } catch (error) {
        if (error instanceof ConflictError) {
          // Someone else saved it meanwhile: the history names the fields that differ; nothing is overwritten.
          const conflictDetails = service.recordConflict(request.actor, id, values);
          if (request.isOutbox) {
            return reply.code(409).send({ ok: false, reason: 'conflict', message: request.t(error.userMessage.key, error.userMessage.params), location, conflictUrl: `/checks/${id}/conflict` });
          }
          const fresh = service.getReport(request.actor, id);
          return renderReport(reply.code(409), fresh, { values: { ...values, version: String(fresh.check.version) }, conflict: error.userMessage, conflictDetails, attachmentErrors });
        }
        throw error;
      }
    },
  );

  /**
   * A draft saved except for the fields that did not read (422): the page with those fields' messages, or JSON for
   * the outbox; a repeat answers the same, with the form as sent.
   */
  function answerSavedInPart(request: FastifyRequest, reply: FastifyReply, id: number, outcome: StoredOutcome, typed?: { values: ReportFormValues; attachmentErrors: FieldErrors }) {
    const errors = outcome.errors ?? {};
    return answerInvalid(request, reply, errors, outcome.location, () => {
      const saved = service.getReport(request.actor, id);
      const values = typed?.values ?? sentValues(request, saved);
      return renderReport(reply.code(422), saved, { values: { ...values, version: String(outcome.version) }, errors, savedInPart: true, attachmentErrors: typed?.attachmentErrors ?? {} });
    }, { version: outcome.version });
  }

  /** The report form's values as sent in this request. */
  function sentValues(request: FastifyRequest, detail: ReportDetail): ReportFormValues {
    return reportFormSchema(
      detail.items.map((item) => item.code),
      detail.confirmations.map((row) => row.finding.id),
    ).parse(textFields(request.body)).values;
  }

  /**
   * The conflict page: a report form as the phone kept it (with the version it was based on), shown field by field
   * beside the saved report, with a choice per field and the values editable; saving goes through POST /checks/:id
   * at the current version. It writes nothing.
   */
  app.post(
    '/checks/:id/conflict',
    { config: { ...file, multipartOptions: { limits: { fields: 400, parts: 410 } } as never }, schema: { params } },
    async (request, reply) => {
      const { id } = request.params;
      const detail = service.getReport(request.actor, id);
      const values = sentValues(request, detail);
      const conflicts = service.conflictDetails(request.actor, id, values);
      return reply.render('checks/conflict', { detail, values, conflicts, requestKey: randomUUID() });
    },
  );

  app.post('/checks/:id/review', { config: review, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
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

  app.post('/checks/:id/amendments', { config: review, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const amendmentId = service.amend(request.actor, id);
    return reply.flash('checks.amendmentStarted').seeOther(`/checks/${amendmentId}`);
  });

  app.post('/checks/:id/attachments', { config: file, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const keyed = await keyedRequest(request, 'report.attach', id);
    const earlier = requestKeys.replayOf(keyed);
    const { errors, attachmentId } = earlier ? { errors: {}, attachmentId: earlier.attachmentId } : await attach(request, id);
    const detail = service.getReport(request.actor, id);
    if (hasErrors(errors)) {
      if (request.isHtmx && !request.isOutbox) return reply.code(422).render('checks/_attachments', { detail, attachmentErrors: errors, maxAttachments: MAX_ATTACHMENTS, requestKey: randomUUID() });
      return answerInvalid(request, reply, errors, `/checks/${id}`, () => renderReport(reply.code(422), detail, { attachmentErrors: errors }));
    }
    const outcome = earlier ?? requestKeys.remember(keyed, 'check', { status: 303, location: `/checks/${id}#attachments`, id, version: detail.check.version, flash: { key: 'checks.attachmentAdded' }, ...(attachmentId === undefined ? {} : { attachmentId }) });
    if (request.isHtmx && !request.isOutbox) return reply.render('checks/_attachments', { detail, attachmentErrors: {}, maxAttachments: MAX_ATTACHMENTS, requestKey: randomUUID() });
    return answerDone(request, reply, outcome, Boolean(earlier));
  });

  app.post('/checks/:id/attachments/:attachmentId/delete', { config: file, schema: { params: attachmentParamsSchema } }, async (request, reply) => {
    const { id, attachmentId } = request.params;
    service.removeAttachment(request.actor, id, attachmentId);
    const detail = service.getReport(request.actor, id);
    if (request.isHtmx) return reply.render('checks/_attachments', { detail, attachmentErrors: {}, maxAttachments: MAX_ATTACHMENTS, requestKey: randomUUID() });
    return reply.flash('checks.attachmentRemoved').seeOther(`/checks/${id}#attachments`);
  });

  for (const thumbnail of [false, true]) {
    app.get(`/checks/:id/attachments/:attachmentId${thumbnail ? '/thumbnail' : ''}`, { config: read, schema: { params: attachmentParamsSchema } }, async (request, reply) => {
      const found = service.attachmentFile(request.actor, request.params.id, request.params.attachmentId, thumbnail);
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
  app.post('/checks/:id/findings', { config: file, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    service.authorizeFinding(request.actor, id);
    const values = findingFormSchema.parse(request.body ?? {});
    const parsed = parseForm(newFindingSchema, values);
    if (!parsed.ok) return renderReport(reply.code(422), service.getReport(request.actor, id), { findingErrors: parsed.errors, findingValues: values });
    const result = service.addFinding(request.actor, id, parsed.value);
    return reply.flash('findings.added').seeOther(`/findings/${result.id}`);
  });
}
