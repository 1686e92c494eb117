import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ConflictError } from '../../lib/errors.js';
import { parseForm, type FieldErrors } from '../../lib/forms.js';
import { idParamsSchema as params } from '../../lib/params.js';
import { can } from '../../access/permissions.js';
import { scopeIncludes } from '../../access/scope.js';
import { outreachChannels } from '../../lib/vocabulary.js';
import type { Language } from '../../i18n/index.js';
import {
  activityFormSchema,
  activityInputSchema,
  measureField,
  newActivityQuerySchema,
  outreachListQuerySchema,
  type ActivityFormValues,
  type OutreachListQuery,
} from './outreach.schemas.js';

function listQueryString(query: OutreachListQuery, page: number): string {
  const params = new URLSearchParams();
  for (const key of ['campaign', 'area', 'format', 'channel', 'group', 'topic', 'inPerson', 'from', 'to'] as const) if (query[key] !== undefined && query[key] !== '') params.set(key, String(query[key]));
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The channels the form offers, each with its measure fields, in the reader's language. */
function channelOptions(lang: Language) {
  return outreachChannels().map((channel) => ({
    code: channel.code,
    kind: channel.kind,
    label: channel[lang],
    measures: channel.measures.map((measure) => ({ code: measure.code, field: measureField(channel.code, measure.code), label: measure[lang], unit: lang === 'vi' ? measure.unit : '' })),
  }));
}

export default async function outreachRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.outreach;
  const campaigns = app.services.campaigns;
  const read = { permission: 'outreach.read' as const };
  const write = { permission: 'outreach.write' as const };

  function areaOptions(request: FastifyRequest) {
    const inScope = (area: { id: number }) => scopeIncludes(request.actor.scope, area.id);
    return { districts: app.catalog.districts.filter(inScope), communes: app.catalog.communes.filter(inScope) };
  }

  function renderForm(request: FastifyRequest, reply: FastifyReply, page: 'outreach/new' | 'outreach/edit', values: ActivityFormValues, errors: FieldErrors, extra: Record<string, unknown> = {}) {
    return reply.render(page, { values, errors, campaignOptions: campaigns.options(values.campaignId), channelOptions: channelOptions(request.lang), ...areaOptions(request), modelOptions: app.services.models.options(request.actor, true, /^\d{1,9}$/.test(values.modelId) ? Number(values.modelId) : undefined), speakerOptions: app.services.propagandists.options(request.actor, values.speakerIds.filter((id) => /^\d{1,9}$/.test(id)).map(Number)), ...extra });
  }

  app.get('/', { config: read, schema: { querystring: outreachListQuerySchema } }, async (request, reply) => {
    const query = request.query;
    const page = service.listActivities(request.actor, query);
    const filtered = Object.entries(query).some(([key, value]) => key !== 'page' && value !== undefined && value !== '');
    const data = { page, query, filtered, pageLink: (number: number) => `/outreach${listQueryString(query, number)}` };
    if (request.isHtmx && request.htmxTarget === 'outreach-results') return reply.render('outreach/_results', data);
    const reclassified = can(request.actor.role, 'audit.read') ? service.reclassifiedCount(request.actor) : 0;
    return reply.render('outreach/index', { ...data, reclassified, channelFilter: channelOptions(request.lang), campaignOptions: campaigns.all(), ...areaOptions(request) });
  });

  // The activities whose figures changed when channels got measures of their own, with the reason (admins and auditors).
  app.get('/reclassified', { config: { permission: 'audit.read' } }, async (request, reply) => {
    return reply.render('outreach/reclassified', service.reclassified(request.actor));
  });

  app.get('/new', { config: write, schema: { querystring: newActivityQuerySchema } }, async (request, reply) => {
    const campaignId = request.query.campaign;
    return renderForm(request, reply, 'outreach/new', { ...service.formValuesOf(), campaignId: campaignId ? String(campaignId) : '', submissionKey: randomUUID() }, {});
  });

  app.post('/', { config: write }, async (request, reply) => {
    const values = activityFormSchema.parse(request.body ?? {});
    const earlier = service.createdWith(request.actor, values.submissionKey);
    if (earlier !== undefined) return reply.flash('outreach.created').seeOther(`/outreach/${earlier}`);
    const parsed = parseForm(activityInputSchema, values);
    const result = parsed.ok ? service.createActivity(request.actor, parsed.value, values.submissionKey) : parsed;
    if (!result.ok) return renderForm(request, reply.code(422), 'outreach/new', values, result.errors);
    return reply.flash('outreach.created').seeOther(`/outreach/${result.value.id}`);
  });

  app.get('/:id', { config: read, schema: { params } }, async (request, reply) => {
    const activity = service.getActivity(request.actor, request.params.id);
    const campaign = activity.campaignId ? campaigns.getCampaign(activity.campaignId) : null;
    const model = activity.modelId ? app.services.models.visible(request.actor, activity.modelId) : undefined;
    return reply.render('outreach/show', { activity, campaign, model, channels: channelOptions(request.lang), can: service.abilities(request.actor), area: app.catalog.byId.get(activity.areaId) });
  });

  app.get('/:id/edit', { config: write, schema: { params } }, async (request, reply) => {
    const activity = service.getActivity(request.actor, request.params.id);
    return renderForm(request, reply, 'outreach/edit', service.formValuesOf(activity), {}, { activity });
  });

  app.post('/:id', { config: write, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const values = activityFormSchema.parse(request.body ?? {});
    try {
      const parsed = parseForm(activityInputSchema, values);
      const result = parsed.ok ? service.updateActivity(request.actor, id, parsed.value, Number(values.version)) : parsed;
      if (!result.ok) return renderForm(request, reply.code(422), 'outreach/edit', values, result.errors, { activity: service.getActivity(request.actor, id) });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const activity = service.getActivity(request.actor, id);
      return renderForm(request, reply.code(409), 'outreach/edit', { ...values, version: String(activity.version) }, {}, { activity, conflict: error.userMessage });
    }
    return reply.flash('outreach.updated').seeOther(`/outreach/${id}`);
  });
}
