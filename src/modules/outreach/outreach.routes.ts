import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import type { FieldErrors } from '../../lib/forms.js';
import { scopeIncludes } from '../../access/scope.js';
import { outreachListQuerySchema, readActivityForm, type ActivityFormValues, type OutreachListQuery } from './outreach.service.js';

const idParams = z.object({ id: z.coerce.number().int().positive().max(2 ** 31) });

function parseId(params: unknown): number {
  const parsed = idParams.safeParse(params);
  if (!parsed.success) throw new NotFoundError('activity');
  return parsed.data.id;
}

function listQueryString(query: OutreachListQuery, page: number): string {
  const params = new URLSearchParams();
  for (const key of ['campaign', 'area', 'format', 'channel', 'group', 'from', 'to'] as const) if (query[key] !== undefined && query[key] !== '') params.set(key, String(query[key]));
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export default async function outreachRoutes(app: FastifyInstance): Promise<void> {
  const service = app.services.outreach;
  const campaigns = app.services.campaigns;
  const read = { permission: 'outreach.read' as const };
  const write = { permission: 'outreach.write' as const };

  function areaOptions(request: FastifyRequest) {
    const inScope = (area: { id: number }) => scopeIncludes(request.actor.scope, area.id);
    return { districts: app.catalog.districts.filter(inScope), communes: app.catalog.communes.filter(inScope) };
  }

  function renderForm(request: FastifyRequest, reply: FastifyReply, page: 'outreach/new' | 'outreach/edit', values: ActivityFormValues, errors: FieldErrors, extra: Record<string, unknown> = {}) {
    return reply.render(page, { values, errors, campaignOptions: campaigns.options(values.campaignId), ...areaOptions(request), ...extra });
  }

  app.get('/', { config: read }, async (request, reply) => {
    const query = outreachListQuerySchema.parse(request.query ?? {});
    const page = service.listActivities(request.actor, query);
    const filtered = Object.entries(query).some(([key, value]) => key !== 'page' && value !== undefined && value !== '');
    const data = { page, query, filtered, pageLink: (number: number) => `/outreach${listQueryString(query, number)}` };
    if (request.isHtmx && request.htmxTarget === 'outreach-results') return reply.render('outreach/_results', data);
    return reply.render('outreach/index', { ...data, campaignOptions: campaigns.all(), ...areaOptions(request) });
  });

  app.get('/new', { config: write }, async (request, reply) => {
    const campaignId = z.coerce.number().int().positive().optional().catch(undefined).parse((request.query as Record<string, unknown>).campaign);
    return renderForm(request, reply, 'outreach/new', { ...readActivityForm({ campaignId: campaignId ? String(campaignId) : '' }), submissionKey: randomUUID() }, {});
  });

  app.post('/', { config: write }, async (request, reply) => {
    const values = readActivityForm(request.body);
    const result = service.createActivity(request.actor, values);
    if (!result.ok) return renderForm(request, reply.code(422), 'outreach/new', values, result.errors);
    return reply.flash('outreach.created').seeOther(`/outreach/${result.value.id}`);
  });

  app.get('/:id', { config: read }, async (request, reply) => {
    const activity = service.getActivity(request.actor, parseId(request.params));
    const campaign = activity.campaignId ? campaigns.getCampaign(activity.campaignId) : null;
    return reply.render('outreach/show', { activity, campaign, area: app.catalog.byId.get(activity.areaId) });
  });

  app.get('/:id/edit', { config: write }, async (request, reply) => {
    const activity = service.getActivity(request.actor, parseId(request.params));
    return renderForm(request, reply, 'outreach/edit', service.formValuesOf(activity), {}, { activity });
  });

  app.post('/:id', { config: write }, async (request, reply) => {
    const id = parseId(request.params);
    const values = readActivityForm(request.body);
    try {
      const result = service.updateActivity(request.actor, id, values);
      if (!result.ok) return renderForm(request, reply.code(422), 'outreach/edit', values, result.errors, { activity: service.getActivity(request.actor, id) });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const activity = service.getActivity(request.actor, id);
      return renderForm(request, reply.code(409), 'outreach/edit', { ...values, version: String(activity.version) }, {}, { activity, conflict: error.userMessage });
    }
    return reply.flash('outreach.updated').seeOther(`/outreach/${id}`);
  });
}
