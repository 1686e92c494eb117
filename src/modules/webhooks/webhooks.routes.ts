import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { parseForm, type FieldErrors } from '../../lib/forms.js';
import { ConflictError, StateError } from '../../lib/errors.js';
import { idParamsSchema as params } from '../../lib/params.js';
import { webhookEventTypes } from './webhooks.events.js';
import {
  deleteFormSchema,
  deliveriesQuerySchema,
  deliveryParamsSchema,
  endpointFormSchema,
  endpointInputSchema,
  endpointUpdateSchema,
  type EndpointFormValues,
} from './webhooks.schemas.js';
import type { PublicEndpoint } from './webhooks.service.js';

/** Webhook endpoints for admins: /admin/webhooks. */
export async function webhooksRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.webhooks;
  const config = { permission: 'webhooks.manage' as const };
  const formOptions = { eventTypes: webhookEventTypes, districts: app.catalog.districts, communes: app.catalog.communes };
  const areaName = (areaId: number | null) => (areaId === null ? null : (app.catalog.byId.get(areaId)?.name ?? null));

  function valuesOf(endpoint: PublicEndpoint): EndpointFormValues {
    return { url: endpoint.url, events: endpoint.events, areaId: endpoint.areaId === null ? '' : String(endpoint.areaId), enabled: endpoint.enabled, version: String(endpoint.version), submissionKey: '' };
  }

  function showData(id: number, page: number) {
    const endpoint = service.get(id);
    const deliveries = service.deliveries(id, page);
    return { endpoint, areaName: areaName(endpoint.areaId), deliveries, pageLink: (number: number) => `/admin/webhooks/${id}${number > 1 ? `?page=${number}` : ''}` };
  }

  function renderShow(request: FastifyRequest, reply: FastifyReply, id: number, values: EndpointFormValues | null, errors: FieldErrors, extra: Record<string, unknown> = {}) {
    const data = showData(id, 1);
    return reply.render('webhooks/show', { ...data, values: values ?? valuesOf(data.endpoint), errors, ...formOptions, ...extra });
  }

  app.get('/', { config }, async (_request, reply) => {
    return reply.render('webhooks/index', { endpoints: service.list().map((endpoint) => ({ ...endpoint, areaName: areaName(endpoint.areaId) })) });
  });

  app.get('/new', { config }, async (_request, reply) => {
    const values: EndpointFormValues = { url: '', events: [...webhookEventTypes], areaId: '', enabled: true, version: '', submissionKey: randomUUID() };
    return reply.render('webhooks/new', { values, errors: {}, ...formOptions });
  });

  app.post('/', { config }, async (request, reply) => {
    const values = endpointFormSchema.parse(request.body ?? {});
    const parsed = parseForm(endpointInputSchema, values);
    const result = parsed.ok ? service.create(request.actor, parsed.value, values.submissionKey) : parsed;
    if (!result.ok) return reply.code(422).render('webhooks/new', { values, errors: result.errors, ...formOptions });
    // The same form sent again: the endpoint exists and its secret was shown the first time.
    if (result.value.secret === null) return reply.seeOther(`/admin/webhooks/${result.value.id}`);
    return reply.code(201).render('webhooks/secret', { endpoint: service.get(result.value.id), secret: result.value.secret, created: true });
  });

  app.get('/:id', { config, schema: { params, querystring: deliveriesQuerySchema } }, async (request, reply) => {
    const { id } = request.params;
    const data = showData(id, request.query.page);
    if (request.isHtmx && request.htmxTarget === 'webhook-deliveries') return reply.render('webhooks/_deliveries', data);
    return reply.render('webhooks/show', { ...data, values: valuesOf(data.endpoint), errors: {}, ...formOptions });
  });

  app.post('/:id', { config, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const values = endpointFormSchema.parse(request.body ?? {});
    try {
      const parsed = parseForm(endpointUpdateSchema, values);
      const result = parsed.ok ? service.update(request.actor, id, parsed.value) : parsed;
      if (!result.ok) return renderShow(request, reply.code(422), id, values, result.errors);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      return renderShow(request, reply.code(409), id, { ...values, version: String(service.get(id).version) }, {}, { conflict: { key: 'error.409.body' } });
    }
    return reply.flash('webhooks.updated').seeOther(`/admin/webhooks/${id}`);
  });

  /** A new signing secret, shown this once (the old one stops working at once). */
  app.post('/:id/secret', { config, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const secret = service.renewSecret(request.actor, id);
    return reply.render('webhooks/secret', { endpoint: service.get(id), secret, created: false });
  });

  app.post('/:id/delete', { config, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const form = deleteFormSchema.parse(request.body ?? {});
    const endpoint = service.get(id);
    if (form.confirm !== 'yes') {
      return reply.render('confirm/show', {
        question: request.t('webhooks.deleteConfirm'),
        record: endpoint.url,
        action: `/admin/webhooks/${id}/delete`,
        fields: {},
        confirmLabel: request.t('webhooks.delete'),
        back: `/admin/webhooks/${id}`,
      });
    }
    service.remove(request.actor, id);
    return reply.flash('webhooks.deleted').seeOther('/admin/webhooks');
  });

  /** "Gửi lại": the delivery is sent again at the next round of the timer. */
  app.post('/:id/deliveries/:deliveryId/resend', { config, schema: { params: deliveryParamsSchema } }, async (request, reply) => {
    const { id, deliveryId } = request.params;
    try {
      service.resend(request.actor, id, deliveryId);
    } catch (error) {
      if (!(error instanceof StateError)) throw error;
      return renderShow(request, reply.code(409), id, null, {}, { alert: error.userMessage });
    }
    return reply.flash('webhooks.resent').seeOther(`/admin/webhooks/${id}#deliveries`);
  });
}
