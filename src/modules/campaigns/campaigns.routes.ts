import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { campaignStatuses } from '../../../db/schema/index.js';
import { ConflictError, StateError } from '../../lib/errors.js';
import { parseForm, type FieldErrors } from '../../lib/forms.js';
import { idParamsSchema as params } from '../../lib/params.js';
import { scopeIncludes } from '../../access/scope.js';
import {
  campaignFormSchema,
  campaignInputSchema,
  campaignListQuerySchema,
  campaignStatusFormSchema,
  metrics,
  targetsFormSchema,
  targetsInputSchema,
  type CampaignFormValues,
  type TargetFormRow,
} from './campaigns.schemas.js';
import { campaignTransitions } from './campaigns.service.js';

export default async function campaignsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.campaigns;
  const outreach = app.services.outreach;
  const read = { permission: 'campaigns.read' as const };
  const write = { permission: 'campaigns.write' as const };

  function renderForm(request: FastifyRequest, reply: FastifyReply, page: 'campaigns/new' | 'campaigns/edit', values: CampaignFormValues, errors: FieldErrors, extra: Record<string, unknown> = {}) {
    return reply.render(page, { values, errors, owners: service.owners(request.actor), ...extra });
  }

  function renderShow(request: FastifyRequest, reply: FastifyReply, id: number, extra: { targetErrors?: FieldErrors; targetRows?: TargetFormRow[]; alert?: unknown } = {}) {
    const campaign = service.getCampaign(id);
    const inScope = (area: { id: number }) => scopeIncludes(request.actor.scope, area.id);
    const blank = { areaId: '', rounds: '', venues: '', sessions: '', participants: '' };
    return reply.render('campaigns/show', {
      campaign,
      // A person tied to an area sees that area's figures and rounds only.
      progress: service.progress(id, request.actor.scope),
      targetRows: extra.targetRows ?? [...service.targetRowsOf(campaign, request.actor.scope), blank, blank],
      metrics,
      rounds: service.roundsOf(id, request.actor.scope),
      recentOutreach: outreach.listActivities(request.actor, { campaign: id, page: 1 }),
      nextStatuses: campaignTransitions[campaign.status],
      can: service.abilities(request.actor, campaign),
      districts: app.catalog.districts.filter(inScope),
      communes: app.catalog.communes.filter(inScope),
      targetErrors: extra.targetErrors ?? {},
      alert: extra.alert,
    });
  }

  app.get('/', { config: read, schema: { querystring: campaignListQuerySchema } }, async (request, reply) => {
    const query = request.query;
    const page = service.listCampaigns(query, request.actor.scope);
    const years: number[] = [];
    for (let year = Number(new Date(app.now()).getUTCFullYear()) + 1; year >= 2016; year -= 1) years.push(year);
    const link = (number: number) => {
      const params = new URLSearchParams();
      if (query.status) params.set('status', query.status);
      if (query.year) params.set('year', String(query.year));
      if (number > 1) params.set('page', String(number));
      const text = params.toString();
      return `/campaigns${text ? `?${text}` : ''}`;
    };
    const data = { page, query, pageLink: link, filtered: Boolean(query.status || query.year) };
    if (request.isHtmx && request.htmxTarget === 'campaigns-results') return reply.render('campaigns/_results', data);
    return reply.render('campaigns/index', { ...data, statuses: campaignStatuses, years });
  });

  app.get('/new', { config: write }, async (request, reply) => {
    return renderForm(request, reply, 'campaigns/new', { ...campaignFormSchema.parse({ kind: 'inspection_programme' }), ownerId: String(request.user!.id), submissionKey: randomUUID() }, {});
  });

  app.post('/', { config: write }, async (request, reply) => {
    const values = campaignFormSchema.parse(request.body ?? {});
    const parsed = parseForm(campaignInputSchema, values);
    const result = parsed.ok ? service.createCampaign(request.actor, parsed.value, { submissionKey: values.submissionKey }) : parsed;
    if (!result.ok) return renderForm(request, reply.code(422), 'campaigns/new', values, result.errors);
    return reply.flash('campaigns.created').seeOther(`/campaigns/${result.value.id}`);
  });

  app.get('/:id', { config: read, schema: { params } }, async (request, reply) => renderShow(request, reply, request.params.id));

  app.get('/:id/edit', { config: write, schema: { params } }, async (request, reply) => {
    const campaign = service.getCampaignToChange(request.actor, request.params.id);
    return renderForm(request, reply, 'campaigns/edit', service.formValuesOf(campaign), {}, { campaign });
  });

  app.post('/:id', { config: write, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const values = campaignFormSchema.parse(request.body ?? {});
    try {
      const parsed = parseForm(campaignInputSchema, values);
      if (!parsed.ok) {
        // Whether this person may change the campaign is answered before the form's mistakes are shown.
        service.getCampaignToChange(request.actor, id);
        return renderForm(request, reply.code(422), 'campaigns/edit', values, parsed.errors, { campaign: service.getCampaign(id) });
      }
      const result = service.updateCampaign(request.actor, id, parsed.value, Number(values.version));
      if (!result.ok) return renderForm(request, reply.code(422), 'campaigns/edit', values, result.errors, { campaign: service.getCampaign(id) });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const campaign = service.getCampaign(id);
      return renderForm(request, reply.code(409), 'campaigns/edit', { ...values, version: String(campaign.version) }, {}, { campaign, conflict: error.userMessage });
    }
    return reply.flash('campaigns.updated').seeOther(`/campaigns/${id}`);
  });

  app.post('/:id/status', { config: write, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const form = campaignStatusFormSchema.parse(request.body ?? {});
    if (form.to === 'closed' && form.confirm !== 'yes') {
      const campaign = service.getCampaign(id);
      if (service.abilities(request.actor, campaign).changeStatus && (campaignTransitions[campaign.status] as string[]).includes(form.to)) {
        return reply.render('confirm/show', {
          question: request.t('campaigns.closeConfirm'),
          record: campaign.title,
          action: `/campaigns/${id}/status`,
          fields: { to: form.to },
          confirmLabel: request.t('campaigns.moveTo.closed'),
          back: `/campaigns/${id}`,
        });
      }
    }
    try {
      service.changeStatus(request.actor, id, form.to);
    } catch (error) {
      if (error instanceof StateError) return renderShow(request, reply.code(409), id, { alert: error.userMessage });
      throw error;
    }
    return reply.flash('campaigns.statusChanged').seeOther(`/campaigns/${id}`);
  });

  app.post('/:id/targets', { config: write, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const rows = targetsFormSchema.parse(request.body ?? {});
    const parsed = parseForm(targetsInputSchema, rows);
    const result = parsed.ok ? service.saveTargets(request.actor, id, parsed.value) : parsed;
    if (!result.ok) return renderShow(request, reply.code(422), id, { targetErrors: result.errors, targetRows: rows });
    return reply.flash('campaigns.targetsSaved').seeOther(`/campaigns/${id}#targets`);
  });
}
