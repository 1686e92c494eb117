import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { todayInVietnam } from '../../lib/dates.js';
import { ConflictError } from '../../lib/errors.js';
import { parseForm, type FieldErrors } from '../../lib/forms.js';
import { idParamsSchema as params } from '../../lib/params.js';
import { suppressCell } from '../../lib/small-cells.js';
import { scopeIncludes } from '../../access/scope.js';
import type { Message } from '../../i18n/index.js';
import { cellField, measureSections, measureTotal, victimMeasures, victimSplits } from './victims.measures.js';
import { newVictimQuerySchema, victimCountsSchema, victimDeleteFormSchema, victimFormSchema, victimListQuerySchema, victimRecordSchema, type VictimFormValues, type VictimListQuery } from './victims.schemas.js';
import type { VictimCreateResult, VictimRecordView } from './victims.service.js';

function listQueryString(query: VictimListQuery, page: number): string {
  const params = new URLSearchParams();
  if (query.year) params.set('year', String(query.year));
  if (query.area) params.set('area', String(query.area));
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** /victim-support: returned victims and their support, as counts per area and quarter. */
export default async function victimsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.victims;
  const read = { permission: 'victims.read' as const };
  const write = { permission: 'victims.write' as const };

  function currentYear(): number {
    return Number(todayInVietnam(app.now()).slice(0, 4));
  }

  function areaOptions(request: FastifyRequest) {
    const inScope = (area: { id: number }) => scopeIncludes(request.actor.scope, area.id);
    return { districts: app.catalog.districts.filter(inScope), communes: app.catalog.communes.filter(inScope) };
  }

  /** What the templates need to lay out the measures: sections, labels, and the cell field of each split. */
  const layout = {
    sections: measureSections.map((section) => ({ section, measures: victimMeasures.filter((measure) => measure.section === section) })),
    splits: victimSplits,
    cellField,
    measureTotal,
  };

  /** Counts as this person may see them: exact for heads and admins, 1–4 as "<5" for everyone else. */
  function shown(request: FastifyRequest) {
    const exact = service.abilities(request.actor).exact;
    return (value: number) => (exact ? value : suppressCell(value));
  }

  type FormExtra = { record?: VictimRecordView; existingId?: number; conflict?: Message };
  function renderForm(request: FastifyRequest, reply: FastifyReply, values: VictimFormValues, errors: FieldErrors, extra: FormExtra = {}) {
    return reply.render(extra.record ? 'victims/edit' : 'victims/new', { values, errors, ...areaOptions(request), ...layout, years: Array.from({ length: currentYear() - 2019 }, (_, index) => currentYear() - index), ...extra });
  }

  app.get('/', { config: read, schema: { querystring: victimListQuerySchema } }, async (request, reply) => {
    const query = request.query;
    const page = service.listRecords(request.actor, query);
    const filtered = query.year !== undefined || query.area !== undefined;
    const data = { page, query, filtered, show: shown(request), can: service.abilities(request.actor), pageLink: (number: number) => `/victim-support${listQueryString(query, number)}` };
    if (request.isHtmx && request.htmxTarget === 'victims-results') return reply.render('victims/_results', data);
    return reply.render('victims/index', { ...data, ...areaOptions(request), years: Array.from({ length: currentYear() - 2019 }, (_, index) => currentYear() - index) });
  });

  app.get('/new', { config: write, schema: { querystring: newVictimQuerySchema } }, async (request, reply) => {
    const today = todayInVietnam(app.now());
    const blank = victimFormSchema.parse({}) as VictimFormValues;
    const values = {
      ...blank,
      areaId: request.query.area ?? '',
      year: request.query.year ?? today.slice(0, 4),
      quarter: request.query.quarter ?? String(Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1),
      submissionKey: randomUUID(),
    };
    return renderForm(request, reply, values, {});
  });

  app.post('/', { config: write }, async (request, reply) => {
    const values = victimFormSchema.parse(request.body ?? {}) as VictimFormValues;
    const earlier = service.createdWith(request.actor, values.submissionKey);
    if (earlier !== undefined) return reply.flash('victims.created').seeOther(`/victim-support/${earlier}`);
    const parsed = parseForm(victimRecordSchema(currentYear()), values);
    const result: VictimCreateResult = parsed.ok ? service.createRecord(request.actor, parsed.value, values.submissionKey) : parsed;
    if (!result.ok) return renderForm(request, reply.code(422), values, result.errors, result.existingId ? { existingId: result.existingId } : {});
    return reply.flash('victims.created').seeOther(`/victim-support/${result.value.id}`);
  });

  app.get('/:id', { config: read, schema: { params } }, async (request, reply) => {
    const record = service.getRecord(request.actor, request.params.id);
    return reply.render('victims/show', { record, ...layout, show: shown(request), can: service.abilities(request.actor, record) });
  });

  app.get('/:id/edit', { config: write, schema: { params } }, async (request, reply) => {
    const record = service.editableRecord(request.actor, request.params.id);
    return renderForm(request, reply, service.formValuesOf(record), {}, { record });
  });

  app.post('/:id', { config: write, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const values = victimFormSchema.parse(request.body ?? {}) as VictimFormValues;
    const record = service.editableRecord(request.actor, id);
    // The area and quarter are fixed once recorded: the form shows them, whatever was sent.
    const kept = { ...values, areaId: String(record.areaId), year: String(record.year ?? ''), quarter: String(record.quarter ?? '') };
    try {
      const parsed = parseForm(victimCountsSchema, kept);
      const result = parsed.ok ? service.updateRecord(request.actor, id, parsed.value, Number(values.version)) : parsed;
      if (!result.ok) return renderForm(request, reply.code(422), kept, result.errors, { record });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const current = service.getRecord(request.actor, id);
      return renderForm(request, reply.code(409), { ...kept, version: String(current.version) }, {}, { record: current, conflict: error.userMessage });
    }
    return reply.flash('victims.updated').seeOther(`/victim-support/${id}`);
  });

  app.post('/:id/delete', { config: write, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const form = victimDeleteFormSchema.parse(request.body ?? {});
    const record = service.getRecord(request.actor, id);
    if (form.confirm !== 'yes') {
      const period = record.quarter ? request.t('victims.quarterLabel', { quarter: record.quarter, year: record.year ?? '' }) : `${record.periodStart.slice(0, 4)}–${record.periodEnd.slice(0, 4)}`;
      return reply.render('confirm/show', {
        question: request.t('victims.deleteConfirm'),
        record: `${record.area?.name ?? ''} · ${period}`,
        action: `/victim-support/${id}/delete`,
        fields: { version: form.version },
        confirmLabel: request.t('victims.delete'),
        back: `/victim-support/${id}`,
      });
    }
    try {
      service.deleteRecord(request.actor, id, Number(form.version));
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const current = service.getRecord(request.actor, id);
      return reply.code(409).render('victims/show', { record: current, ...layout, show: shown(request), can: service.abilities(request.actor, current), alert: error.userMessage });
    }
    return reply.flash('victims.deleted').seeOther('/victim-support');
  });
}
