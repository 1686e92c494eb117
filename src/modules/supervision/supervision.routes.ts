import fs from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { recommendationStatuses } from '../../../db/schema/index.js';
import { ConflictError, NotFoundError, StateError } from '../../lib/errors.js';
import { formatDate, REFORM_DATE, todayInVietnam } from '../../lib/dates.js';
import type { FieldErrors } from '../../lib/forms.js';
import { idParamsSchema as params } from '../../lib/params.js';
import { projectPath } from '../../lib/project-root.js';
import type { Message } from '../../i18n/index.js';
import { can } from '../../access/permissions.js';
import { scopeIncludes } from '../../access/scope.js';
import {
  commentFormSchema,
  recommendationFormSchema,
  recommendationListQuerySchema,
  recommendationParamsSchema,
  recordFormSchema,
  recordInput,
  reviewSchema,
  startFormSchema,
  startQuerySchema,
  statusFormSchema,
  verificationFormSchema,
  type RecommendationFormValues,
  type RecommendationListQuery,
  type RecordFormValues,
  type StartFormValues,
} from './supervision.schemas.js';
import type { RecordDetail } from './supervision.service.js';

/** Addressees offered for a recommendation (typed freely): db/reference/recommendation-addressees.json. */
const addressees = (JSON.parse(fs.readFileSync(projectPath('db/reference/recommendation-addressees.json'), 'utf8')) as { agencies: Array<{ code: string; vi: string; en: string }> }).agencies;

const emptyRecommendation: RecommendationFormValues = { body: '', addressee: '', addresseeAreaId: '', dueDate: '' };

function listQueryString(query: RecommendationListQuery, page: number): string {
  const search = new URLSearchParams();
  for (const key of ['status', 'overdue', 'area'] as const) if (query[key] !== undefined) search.set(key, String(query[key]));
  if (page > 1) search.set('page', String(page));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * Supervision records (biên bản giám sát) of a round's areas, their recommendations and the area pages: filed
 * from a round's page, drafted, submitted, reviewed and amended as visit reports are.
 */
export default async function supervisionRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.supervision;
  const rounds = app.services.rounds;
  const read = { permission: 'supervision.read' as const };
  const file = { permission: 'supervision.file' as const };
  const review = { permission: 'supervision.review' as const };
  const areaName = (id: number | null) => (id === null ? '' : (app.catalog.byId.get(id)?.name ?? ''));

  function renderStart(request: FastifyRequest, reply: FastifyReply, roundId: number, values: StartFormValues, errors: FieldErrors) {
    const round = rounds.getRound(request.actor, roundId);
    const section = service.forRound(request.actor, round);
    return reply.render('supervision/new', { round, values, errors, areas: section.areas.filter((entry) => entry.canStart) });
  }

  function renderRecord(
    request: FastifyRequest,
    reply: FastifyReply,
    detail: RecordDetail,
    extra: { values?: RecordFormValues; errors?: FieldErrors; conflict?: Message; alert?: Message; reviewErrors?: FieldErrors; typedComment?: string; recommendationErrors?: FieldErrors; recommendationValues?: RecommendationFormValues } = {},
  ) {
    const level = detail.record.visitDate < REFORM_DATE ? 'district' : 'commune';
    const inScope = (area: { id: number }) => scopeIncludes(request.actor.scope, area.id) || request.actor.scope.all;
    return reply.render('supervision/show', {
      detail,
      values: extra.values ?? service.formValuesOf(detail),
      errors: extra.errors ?? {},
      conflict: extra.conflict,
      alert: extra.alert,
      reviewErrors: extra.reviewErrors ?? {},
      typedComment: extra.typedComment ?? '',
      recommendationErrors: extra.recommendationErrors ?? {},
      recommendationValues: extra.recommendationValues ?? emptyRecommendation,
      addressees,
      addresseeAreas: (level === 'district' ? app.catalog.districts : app.catalog.communes).filter(inScope),
      today: service.today(),
      areaName,
    });
  }

  app.get('/rounds/:id/supervision/new', { config: file, schema: { params, querystring: startQuerySchema } }, async (request, reply) => {
    const round = rounds.getRound(request.actor, request.params.id);
    if (!service.canFileInRound(request.actor, round.id)) return reply.renderError(403, { key: round.purpose === 'venue_check' ? 'supervision.notSupervisionRound' : 'checks.notOnTeam' });
    const today = todayInVietnam(app.now());
    const visitDate = today >= round.startDate && today <= round.endDate ? formatDate(today) : '';
    return renderStart(request, reply, round.id, { areaId: request.query.area, visitDate }, {});
  });

  app.post('/rounds/:id/supervision', { config: file, schema: { params } }, async (request, reply) => {
    const round = rounds.getRound(request.actor, request.params.id);
    const values = startFormSchema.parse(request.body ?? {});
    const result = service.startRecord(request.actor, round.id, values);
    if (!result.ok) return renderStart(request, reply.code(422), round.id, values, result.errors);
    return reply.flash('supervision.started').seeOther(`/supervision/${result.value.id}`);
  });

  app.get('/supervision/:id', { config: read, schema: { params } }, async (request, reply) => {
    return renderRecord(request, reply, service.getRecord(request.actor, request.params.id));
  });

  /** Saving or submitting a record: its form (named after its items) as typed → typed input → the service. */
  app.post('/supervision/:id', { config: { ...file, multipartOptions: { limits: { fields: 400, parts: 410 } } as never }, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const detail = service.getRecord(request.actor, id);
    const form = recordFormSchema(detail.items.map((item) => item.code)).parse(request.body ?? {});
    try {
      const result = service.saveRecord(request.actor, id, recordInput(form.values, form.intent), detail);
      if (!result.ok) return renderRecord(request, reply.code(422), detail, { values: form.values, errors: result.errors });
      return reply.flash(result.value.submitted ? 'supervision.submitted' : 'supervision.saved').seeOther(`/supervision/${id}`);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      // Someone else saved it meanwhile: what was typed stays on the form, at the current version, to save knowingly.
      const fresh = service.getRecord(request.actor, id);
      return renderRecord(request, reply.code(409), fresh, { values: { ...form.values, version: String(fresh.record.version) }, conflict: error.userMessage });
    }
  });

  app.post('/supervision/:id/review', { config: review, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const parsed = reviewSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      service.getRecord(request.actor, id);
      return reply.renderError(400);
    }
    try {
      const result = service.review(request.actor, id, parsed.data.decision, parsed.data.comment, parsed.data.version);
      if (!result.ok) return renderRecord(request, reply.code(422), service.getRecord(request.actor, id), { reviewErrors: result.errors, typedComment: parsed.data.comment });
    } catch (error) {
      if (error instanceof ConflictError || error instanceof StateError) {
        return renderRecord(request, reply.code(409), service.getRecord(request.actor, id), { alert: error.userMessage, typedComment: parsed.data.comment });
      }
      throw error;
    }
    return reply.flash(parsed.data.decision === 'approve' ? 'supervision.approved' : 'supervision.returned').seeOther(`/supervision/${id}`);
  });

  app.post('/supervision/:id/amendments', { config: review, schema: { params } }, async (request, reply) => {
    const amendmentId = service.amend(request.actor, request.params.id);
    return reply.flash('supervision.amendmentStarted').seeOther(`/supervision/${amendmentId}`);
  });

  app.post('/supervision/:id/recommendations', { config: file, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const values = recommendationFormSchema.parse(request.body ?? {});
    const result = service.addRecommendation(request.actor, id, values);
    if (!result.ok) return renderRecord(request, reply.code(422), service.getRecord(request.actor, id), { recommendationErrors: result.errors, recommendationValues: values });
    return reply.flash('recommendations.added').seeOther(`/supervision/${id}#recommendations`);
  });

  app.post('/supervision/:id/recommendations/:recommendationId/delete', { config: file, schema: { params: recommendationParamsSchema } }, async (request, reply) => {
    const { id, recommendationId } = request.params;
    service.removeRecommendation(request.actor, id, recommendationId);
    return reply.flash('recommendations.removed').seeOther(`/supervision/${id}#recommendations`);
  });

  app.get('/recommendations', { config: read, schema: { querystring: recommendationListQuerySchema } }, async (request, reply) => {
    const query = request.query;
    const page = service.listRecommendations(request.actor, query);
    const filtered = Boolean(query.status || query.overdue || query.area);
    const data = { page, query, filtered, areaName, pageLink: (number: number) => `/recommendations${listQueryString(query, number)}` };
    if (request.isHtmx && request.htmxTarget === 'recommendations-results') return reply.render('supervision/_recommendations', data);
    const inScope = (area: { id: number }) => scopeIncludes(request.actor.scope, area.id);
    return reply.render('supervision/recommendations', { ...data, statuses: recommendationStatuses, districts: app.catalog.districts.filter(inScope), communes: app.catalog.communes.filter(inScope) });
  });

  function renderRecommendation(request: FastifyRequest, reply: FastifyReply, id: number, extra: { errors?: FieldErrors; alert?: Message; typed?: { note?: string; body?: string } } = {}) {
    return reply.render('supervision/recommendation', { ...service.getRecommendation(request.actor, id), areaName, today: service.today(), errors: extra.errors ?? {}, alert: extra.alert, typed: extra.typed ?? {} });
  }

  app.get('/recommendations/:id', { config: read, schema: { params } }, async (request, reply) => {
    return renderRecommendation(request, reply, request.params.id);
  });

  app.post('/recommendations/:id/status', { config: { permission: 'recommendations.progress' }, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const form = statusFormSchema.parse(request.body ?? {});
    const version = /^\d{1,9}$/.test(form.version) ? Number(form.version) : undefined;
    // Done is said once the work is over: asked first without JavaScript (a dialog with it).
    if (form.to === 'done' && form.confirm !== 'yes') {
      const shown = service.getRecommendation(request.actor, id);
      if (shown.can.nextStatuses.includes('done')) {
        return reply.render('confirm/show', {
          question: request.t('recommendations.doneConfirm'),
          record: shown.recommendation.body.slice(0, 200),
          action: `/recommendations/${id}/status`,
          fields: { to: 'done', version: form.version },
          confirmLabel: request.t('recommendationAction.done'),
          back: `/recommendations/${id}`,
        });
      }
    }
    try {
      service.changeRecommendationStatus(request.actor, id, form.to, version);
    } catch (error) {
      if (!(error instanceof ConflictError) && !(error instanceof StateError)) throw error;
      return renderRecommendation(request, reply.code(409), id, { alert: error.userMessage });
    }
    return reply.flash('recommendations.statusChanged').seeOther(`/recommendations/${id}`);
  });

  app.post('/recommendations/:id/verification', { config: { permission: 'recommendations.manage' }, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const form = verificationFormSchema.parse(request.body ?? {});
    const version = /^\d{1,9}$/.test(form.version) ? Number(form.version) : undefined;
    try {
      const result = service.verifyRecommendation(request.actor, id, form.note, version);
      if (!result.ok) return renderRecommendation(request, reply.code(422), id, { errors: result.errors, typed: { note: form.note } });
    } catch (error) {
      if (!(error instanceof ConflictError) && !(error instanceof StateError)) throw error;
      return renderRecommendation(request, reply.code(409), id, { alert: error.userMessage, typed: { note: form.note } });
    }
    return reply.flash('recommendations.verified').seeOther(`/recommendations/${id}`);
  });

  app.post('/recommendations/:id/comments', { config: { permission: 'recommendations.progress' }, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const form = commentFormSchema.parse(request.body ?? {});
    const result = service.addRecommendationComment(request.actor, id, form.body);
    if (!result.ok) return renderRecommendation(request, reply.code(422), id, { errors: result.errors, typed: { body: form.body } });
    return reply.flash('recommendations.commented').seeOther(`/recommendations/${id}#comments`);
  });

  /** An area's page: what it is, its latest rounds, its supervision records and open recommendations. */
  app.get('/areas/:id', { config: { permission: 'rounds.read' }, schema: { params } }, async (request, reply) => {
    const area = app.catalog.byId.get(request.params.id);
    // A person sees the page of an area of their scope only (a province-wide person, every area and the province).
    if (!area || !(request.actor.scope.all || (area.level !== 'province' && scopeIncludes(request.actor.scope, area.id)))) throw new NotFoundError('area');
    const areaIds = area.level === 'province' ? [...app.catalog.districts, ...app.catalog.communes].map((unit) => unit.id) : app.catalog.filterIds(area.id);
    const seesSupervision = can(request.actor.role, 'supervision.read');
    return reply.render('supervision/area', {
      area,
      rounds: rounds.roundsCovering(request.actor, areaIds, 10),
      records: seesSupervision ? service.recordsForArea(request.actor, area.id) : [],
      areaName,
      recommendations: seesSupervision ? service.listRecommendations(request.actor, { page: 1 }, { areaIds, open: true }) : null,
      // The area itself and the units under it (the province's own records too).
      trend: service.areaTrend(request.actor, area.level === 'province' ? [area.id, ...areaIds] : areaIds),
    });
  });
}
