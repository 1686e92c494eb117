import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { venueStatuses } from '../../../db/schema/index.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { parseForm, type FieldErrors } from '../../lib/forms.js';
import { todayInVietnam } from '../../lib/dates.js';
import { idParamsSchema as params } from '../../lib/params.js';
import { fieldValue, uploadedFile } from '../../lib/uploads.js';
import { scopeIncludes } from '../../access/scope.js';
import { importTemplateCsv, venueImporter } from './venues.import.js';
import {
  importTokenParamsSchema,
  reinspectionQuerySchema,
  venueFormSchema,
  venueInputSchema,
  venueListQuerySchema,
  venueSearchQuerySchema,
  type VenueFormValues,
  type VenueListQuery,
} from './venues.schemas.js';

function listQueryString(query: VenueListQuery, page: number): string {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.area) params.set('area', String(query.area));
  if (query.kind) params.set('kind', query.kind);
  if (query.status) params.set('status', query.status);
  if (query.expired) params.set('expired', '1');
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export default async function venuesRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.venues;
  const checks = app.services.inspections;
  const importer = venueImporter({ service, catalog: app.catalog, dataDir: app.config.DATA_DIR });
  const rounds = app.services.rounds;
  const findings = app.services.findings;
  const followUps = app.services.followUps;

  /**
   * The venue's whole story, newest first: reports, findings, referrals, follow-ups and their status changes.
   * Events of one day are ordered by when they were recorded, newest first too.
   */
  function historyOf(request: FastifyRequest, venueId: number) {
    const reports = checks.reportsFor(request.actor, { venueId });
    const found = findings.listFindings(request.actor, { venue: venueId, page: 1 }).items;
    const linked = followUps.forFindings(found.map((finding) => finding.id));
    const measureOf = new Map(linked.map((followUp) => [followUp.id, followUp.measure]));
    const events: Array<{ date: string; order: string; kind: string; href: string; text: string; detail: string }> = [];
    const add = (event: (typeof events)[number]) => events.push(event);
    for (const report of reports) add({ date: report.visitDate, order: `${report.visitTime ?? ''}`, kind: 'report', href: `/checks/${report.id}`, text: request.t('checks.reportNumber', { id: report.id }), detail: request.t(`checkStatus.${report.status}` as never) });
    for (const finding of found) {
      add({ date: finding.visitDate, order: '', kind: 'finding', href: `/findings/${finding.id}`, text: finding.title, detail: request.t(`findingStatus.${finding.status}` as never) });
      if (finding.referredOn) add({ date: finding.referredOn, order: '', kind: 'referral', href: `/findings/${finding.id}`, text: finding.title, detail: finding.referralReference });
    }
    for (const followUp of linked) {
      add({ date: todayInVietnam(new Date(followUp.createdAt)), order: followUp.createdAt, kind: 'followUp', href: `/follow-ups/${followUp.id}`, text: followUp.measure, detail: request.t(`followUpStatus.open` as never) });
      if (followUp.verifiedAt) add({ date: todayInVietnam(new Date(followUp.verifiedAt)), order: followUp.verifiedAt, kind: 'verified', href: `/follow-ups/${followUp.id}`, text: followUp.measure, detail: '' });
    }
    // Verification has its own event above; every other status change is listed as it happened.
    for (const change of followUps.statusChangesOf(linked.map((followUp) => followUp.id))) {
      if (change.to === 'verified') continue;
      add({ date: todayInVietnam(new Date(change.at)), order: change.at, kind: 'followUpStatus', href: `/follow-ups/${change.recordId}`, text: measureOf.get(change.recordId) ?? '', detail: `${change.from ? request.t(`followUpStatus.${change.from}` as never) : ''} → ${request.t(`followUpStatus.${change.to}` as never)}` });
    }
    events.sort((a, b) => b.date.localeCompare(a.date) || b.order.localeCompare(a.order));
    return { reports, events, openFindings: found.filter((finding) => finding.status === 'open') };
  }

  /** Rounds a re-inspection of this venue can be filed in: open rounds covering its area that this person may file in. */
  function reinspectionRounds(request: FastifyRequest, areaId: number) {
    return rounds
      .roundsCovering(request.actor, app.catalog.relatedAreas(areaId), 50)
      .filter((round) => (round.status === 'planned' || round.status === 'in_progress') && checks.canFileInRound(request.actor, round.id));
  }
  const read = { permission: 'venues.read' as const };
  const write = { permission: 'venues.write' as const };
  const importing = { permission: 'venues.import' as const };

  function areaOptions(request: FastifyRequest) {
    const inScope = (area: { id: number }) => scopeIncludes(request.actor.scope, area.id);
    return { districts: app.catalog.districts.filter(inScope), communes: app.catalog.communes.filter(inScope) };
  }

  function renderForm(request: FastifyRequest, reply: FastifyReply, page: 'venues/new' | 'venues/edit', values: VenueFormValues, errors: FieldErrors, extra: Record<string, unknown> = {}) {
    return reply.render(page, { values, errors, statuses: venueStatuses, ...areaOptions(request), ...extra });
  }

  app.get('/', { config: read, schema: { querystring: venueListQuerySchema } }, async (request, reply) => {
    const query = request.query;
    const page = service.listVenues(request.actor, query);
    const filtered = Boolean(query.q || query.area || query.kind || query.status || query.expired);
    const data = { page, query, filtered, pageLink: (number: number) => `/venues${listQueryString(query, number)}` };
    if (request.isHtmx && request.htmxTarget === 'venues-results') return reply.render('venues/_results', data);
    return reply.render('venues/index', { ...data, ...areaOptions(request), statuses: venueStatuses });
  });

  /** Venues to pick from while filing a report in a round (search as you type). */
  app.get('/search', { config: read, schema: { querystring: venueSearchQuerySchema } }, async (request, reply) => {
    const query = request.query;
    const round = query.round ? rounds.findRound(request.actor, query.round) : undefined;
    if (!round) throw new NotFoundError('round');
    const picked = query.venueId !== query.chosen ? service.pickable(request.actor, round.areaIds, query.venueId) : undefined;
    const leaveOut = [query.chosen, picked?.id].filter((id): id is number => id !== undefined);
    return reply.render('venues/_picker', { ...service.searchInAreas(request.actor, round.areaIds, query.q, leaveOut), picked, q: query.q });
  });

  app.get('/new', { config: write }, async (request, reply) => {
    return renderForm(request, reply, 'venues/new', { ...venueFormSchema.parse({ status: 'operating' }), submissionKey: randomUUID() }, {});
  });

  app.post('/', { config: write }, async (request, reply) => {
    const values = venueFormSchema.parse(request.body ?? {});
    const earlier = service.createdWith(request.actor, values.submissionKey);
    if (earlier !== undefined) return reply.flash('venues.created').seeOther(`/venues/${earlier}`);
    const parsed = parseForm(venueInputSchema, values);
    const result = parsed.ok ? service.createVenue(request.actor, parsed.value, { submissionKey: values.submissionKey, confirmDuplicate: values.confirmDuplicate === '1' }) : parsed;
    if (!result.ok) return renderForm(request, reply.code(422), 'venues/new', values, result.errors, { duplicate: 'duplicate' in result ? result.duplicate : undefined });
    return reply.flash('venues.created').seeOther(`/venues/${result.id}`);
  });

  app.get('/import', { config: importing }, async (_request, reply) => {
    return reply.render('venues/import', { preview: null, error: null });
  });

  app.get('/import/template.csv', { config: importing }, async (_request, reply) => {
    return reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', 'attachment; filename="mau-nhap-co-so.csv"')
      .send(importTemplateCsv());
  });

  app.post('/import', { config: importing }, async (request, reply) => {
    const file = uploadedFile(request.body);
    if (!file) return reply.code(422).render('venues/import', { preview: null, error: { key: 'import.noFile' } });
    const result = importer.preview(request.actor, await file.toBuffer());
    if (!result.ok) return reply.code(422).render('venues/import', { preview: null, error: result.error });
    return reply.render('venues/import', { preview: result.preview, error: null, fileName: file.filename });
  });

  app.post('/import/:token', { config: importing, schema: { params: importTokenParamsSchema } }, async (request, reply) => {
    const { token } = request.params;
    if (fieldValue(request.body, 'cancel') === '1') {
      importer.cancel(request.actor, token);
      return reply.flash('import.cancelled').seeOther('/venues/import');
    }
    const written = importer.confirm(request.actor, token);
    if (written === null) return reply.code(409).render('venues/import', { preview: null, error: { key: 'import.expired' } });
    return reply.flash('venues.importedCount', written).seeOther('/venues');
  });

  app.get('/:id', { config: read, schema: { params } }, async (request, reply) => {
    const venue = service.getVenue(request.actor, request.params.id);
    const history = historyOf(request, venue.id);
    return reply.render('venues/show', { venue, can: service.abilities(request.actor), ...history, reinspectionRounds: history.openFindings.length > 0 ? reinspectionRounds(request, venue.areaId) : [] });
  });

  /** Starts a re-inspection of this venue in the chosen round (the report form lists its open findings). */
  app.get('/:id/reinspection', { config: { permission: 'checks.file' }, schema: { params, querystring: reinspectionQuerySchema } }, async (request, reply) => {
    const venue = service.getVenue(request.actor, request.params.id);
    const roundId = request.query.round;
    if (!reinspectionRounds(request, venue.areaId).some((round) => round.id === roundId)) throw new NotFoundError('round');
    return reply.redirect(`/rounds/${roundId}/checks/new?venue=${venue.id}&reinspection=1`, 303);
  });

  app.get('/:id/edit', { config: write, schema: { params } }, async (request, reply) => {
    const venue = service.getVenue(request.actor, request.params.id);
    return renderForm(request, reply, 'venues/edit', service.formValuesOf(venue), {}, { venue });
  });

  app.post('/:id', { config: write, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const values = venueFormSchema.parse(request.body ?? {});
    try {
      const parsed = parseForm(venueInputSchema, values);
      const result = parsed.ok ? service.updateVenue(request.actor, id, parsed.value, { expectedVersion: Number(values.version), confirmDuplicate: values.confirmDuplicate === '1' }) : parsed;
      if (!result.ok) return renderForm(request, reply.code(422), 'venues/edit', values, result.errors, { venue: service.getVenue(request.actor, id), duplicate: 'duplicate' in result ? result.duplicate : undefined });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const venue = service.getVenue(request.actor, id);
      return renderForm(request, reply.code(409), 'venues/edit', { ...values, version: String(venue.version) }, {}, { venue, conflict: error.userMessage });
    }
    return reply.flash('venues.updated').seeOther(`/venues/${id}`);
  });
}
