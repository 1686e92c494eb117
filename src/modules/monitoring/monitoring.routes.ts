import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { todayInVietnam } from '../../lib/dates.js';
import { ConflictError } from '../../lib/errors.js';
import { parseForm, type FieldErrors } from '../../lib/forms.js';
import { idParamsSchema as params } from '../../lib/params.js';
import { scopeIncludes } from '../../access/scope.js';
import type { Message } from '../../i18n/index.js';
import { periodCodes } from './monitoring.periods.js';
import {
  countField,
  monitoringCountsSchema,
  monitoringFormSchema,
  monitoringListQuerySchema,
  monitoringRecordSchema,
  newMonitoringQuerySchema,
  type MonitoringFormValues,
  type MonitoringListQuery,
} from './monitoring.schemas.js';
import type { MonitoringCreateResult, MonitoringRecordView } from './monitoring.service.js';

function listQueryString(query: MonitoringListQuery, page: number): string {
  const params = new URLSearchParams();
  for (const key of ['year', 'area', 'category'] as const) if (query[key] !== undefined && query[key] !== '') params.set(key, String(query[key]));
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** /monitoring: the situations each area watches, as counts per month or quarter, with a chart per area and year. */
export default async function monitoringRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.monitoring;
  const read = { permission: 'monitoring.read' as const };
  const write = { permission: 'monitoring.write' as const };

  const currentYear = () => Number(todayInVietnam(app.now()).slice(0, 4));
  const years = () => Array.from({ length: currentYear() - 2019 }, (_, index) => currentYear() - index);

  function areaOptions(request: FastifyRequest) {
    const inScope = (area: { id: number }) => scopeIncludes(request.actor.scope, area.id);
    return { districts: app.catalog.districts.filter(inScope), communes: app.catalog.communes.filter(inScope) };
  }

  type FormExtra = { record?: MonitoringRecordView; existingId?: number; conflict?: Message };
  function renderForm(request: FastifyRequest, reply: FastifyReply, values: MonitoringFormValues, errors: FieldErrors, extra: FormExtra = {}) {
    return reply.render(extra.record ? 'monitoring/edit' : 'monitoring/new', { values, errors, ...areaOptions(request), categories: service.categories(), countField, periodCodes, years: years(), ...extra });
  }

  app.get('/', { config: read, schema: { querystring: monitoringListQuerySchema } }, async (request, reply) => {
    const query = request.query;
    const categories = service.categories();
    const category = query.category && categories.includes(query.category) ? query.category : categories[0]!;
    // A person tied to an area sees their area's series without choosing it.
    const areaId = query.area ?? (request.actor.areaId !== null && app.catalog.isOffered(request.actor.areaId) ? request.actor.areaId : undefined);
    const year = query.year ?? currentYear();
    const series = service.series(request.actor, year, category, areaId);
    const page = service.listRecords(request.actor, { ...query, year });
    const data = {
      page,
      query,
      series,
      categories,
      category,
      chartArea: areaId ? app.catalog.byId.get(areaId) : undefined,
      filtered: query.area !== undefined,
      can: service.abilities(request.actor),
      pageLink: (number: number) => `/monitoring${listQueryString({ ...query, year }, number)}`,
    };
    if (request.isHtmx && request.htmxTarget === 'monitoring-results') return reply.render('monitoring/_results', data);
    return reply.render('monitoring/index', { ...data, ...areaOptions(request), years: years(), year });
  });

  app.get('/new', { config: write, schema: { querystring: newMonitoringQuerySchema } }, async (request, reply) => {
    const today = todayInVietnam(app.now());
    const blank = monitoringFormSchema.parse({}) as MonitoringFormValues;
    const values = { ...blank, areaId: request.query.area ?? '', year: request.query.year ?? today.slice(0, 4), period: request.query.period ?? `m${Number(today.slice(5, 7))}`, submissionKey: randomUUID() };
    return renderForm(request, reply, values, {});
  });

  app.post('/', { config: write }, async (request, reply) => {
    const values = monitoringFormSchema.parse(request.body ?? {}) as MonitoringFormValues;
    const parsed = parseForm(monitoringRecordSchema(currentYear()), values);
    const result: MonitoringCreateResult = parsed.ok ? service.createRecord(request.actor, parsed.value, values.submissionKey) : parsed;
    if (!result.ok) return renderForm(request, reply.code(422), values, result.errors, result.existingId ? { existingId: result.existingId } : {});
    return reply.flash('monitoring.created').seeOther(`/monitoring/${result.value.id}`);
  });

  app.get('/:id', { config: read, schema: { params } }, async (request, reply) => {
    const record = service.getRecord(request.actor, request.params.id);
    return reply.render('monitoring/show', { record, categories: service.categories(), can: service.abilities(request.actor) });
  });

  app.get('/:id/edit', { config: write, schema: { params } }, async (request, reply) => {
    const record = service.getRecord(request.actor, request.params.id);
    return renderForm(request, reply, service.formValuesOf(record), {}, { record });
  });

  app.post('/:id', { config: write, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const values = monitoringFormSchema.parse(request.body ?? {}) as MonitoringFormValues;
    const record = service.getRecord(request.actor, id);
    // The area and period are fixed once recorded: the form shows them, whatever was sent.
    const kept = { ...values, areaId: String(record.areaId), year: String(record.year), period: record.code };
    try {
      const parsed = parseForm(monitoringCountsSchema, kept);
      const result = parsed.ok ? service.updateRecord(request.actor, id, parsed.value, Number(values.version)) : parsed;
      if (!result.ok) return renderForm(request, reply.code(422), kept, result.errors, { record });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const current = service.getRecord(request.actor, id);
      return renderForm(request, reply.code(409), { ...kept, version: String(current.version) }, {}, { record: current, conflict: error.userMessage });
    }
    return reply.flash('monitoring.updated').seeOther(`/monitoring/${id}`);
  });
}
