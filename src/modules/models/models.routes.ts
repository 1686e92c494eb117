import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { formatDate, todayInVietnam } from '../../lib/dates.js';
import { ConflictError } from '../../lib/errors.js';
import { parseForm, type FieldErrors } from '../../lib/forms.js';
import { idParamsSchema as params } from '../../lib/params.js';
import { scopeIncludes } from '../../access/scope.js';
import type { Message } from '../../i18n/index.js';
import {
  membersFormSchema,
  membersInputSchema,
  modelFormSchema,
  modelInputSchema,
  modelListQuerySchema,
  modelStateFormSchema,
  modelStateInputSchema,
  newModelQuerySchema,
  type MembersFormValues,
  type ModelFormValues,
  type ModelListQuery,
  type ModelStateFormValues,
} from './models.schemas.js';

function listQueryString(query: ModelListQuery, page: number): string {
  const params = new URLSearchParams();
  for (const key of ['area', 'kind', 'state', 'idle', 'from', 'to', 'started', 'replicated'] as const) if (query[key] !== undefined && query[key] !== '') params.set(key, String(query[key]));
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** /models: the register of prevention models and clubs, their state history, members and activities. */
export default async function modelsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.models;
  const read = { permission: 'models.read' as const };
  const write = { permission: 'models.write' as const };

  function areaOptions(request: FastifyRequest) {
    const inScope = (area: { id: number }) => scopeIncludes(request.actor.scope, area.id);
    return { districts: app.catalog.districts.filter(inScope), communes: app.catalog.communes.filter(inScope) };
  }

  function renderForm(request: FastifyRequest, reply: FastifyReply, values: ModelFormValues, errors: FieldErrors, extra: { model?: { id: number; name: string }; conflict?: Message } = {}) {
    return reply.render(extra.model ? 'models/edit' : 'models/new', { values, errors, ...areaOptions(request), originOptions: service.options(request.actor, false), ...extra });
  }

  const blankState = (version: number): ModelStateFormValues => ({ to: '', onDate: '', mergedIntoId: '', note: '', version: String(version) });
  const blankMembers = (version: number): MembersFormValues => ({ asOf: formatDate(todayInVietnam(app.now())), members: '', version: String(version) });

  type ShowExtra = { stateValues?: ModelStateFormValues; stateErrors?: FieldErrors; membersValues?: MembersFormValues; membersErrors?: FieldErrors; alert?: Message };
  function renderShow(request: FastifyRequest, reply: FastifyReply, id: number, extra: ShowExtra = {}) {
    const details = service.details(request.actor, id);
    const version = details.model.version;
    return reply.render('models/show', {
      ...details,
      can: service.abilities(request.actor, details.model),
      mergeOptions: service.options(request.actor).filter((option) => option.id !== id),
      stateValues: blankState(version),
      stateErrors: {},
      membersValues: blankMembers(version),
      membersErrors: {},
      ...extra,
    });
  }

  app.get('/', { config: read, schema: { querystring: modelListQuerySchema } }, async (request, reply) => {
    const query = request.query;
    const page = service.listModels(request.actor, query);
    const filtered = Object.entries(query).some(([key, value]) => key !== 'page' && value !== undefined && value !== '');
    const data = { page, query, filtered, can: service.abilities(request.actor), pageLink: (number: number) => `/models${listQueryString(query, number)}` };
    if (request.isHtmx && request.htmxTarget === 'models-results') return reply.render('models/_results', data);
    return reply.render('models/index', { ...data, ...areaOptions(request) });
  });

  app.get('/new', { config: write, schema: { querystring: newModelQuerySchema } }, async (request, reply) => {
    const blank = modelFormSchema.parse({});
    const origin = request.query.from ? service.options(request.actor, false).find((option) => option.id === request.query.from) : undefined;
    const values = origin
      ? { ...blank, replicatedFromId: String(origin.id), kind: origin.kind, hostAgency: origin.hostAgency, submissionKey: randomUUID() }
      : { ...blank, startDate: formatDate(todayInVietnam(app.now())), submissionKey: randomUUID() };
    return renderForm(request, reply, values, {});
  });

  app.post('/', { config: write }, async (request, reply) => {
    const values = modelFormSchema.parse(request.body ?? {});
    const parsed = parseForm(modelInputSchema, values);
    const result = parsed.ok ? service.createModel(request.actor, parsed.value, values.submissionKey) : parsed;
    if (!result.ok) return renderForm(request, reply.code(422), values, result.errors);
    return reply.flash('models.created').seeOther(`/models/${result.value.id}`);
  });

  app.get('/:id', { config: read, schema: { params } }, async (request, reply) => renderShow(request, reply, request.params.id));

  app.get('/:id/edit', { config: write, schema: { params } }, async (request, reply) => {
    const model = service.getModel(request.actor, request.params.id);
    return renderForm(request, reply, service.formValuesOf(model), {}, { model });
  });

  app.post('/:id', { config: write, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const values = modelFormSchema.parse(request.body ?? {});
    const model = service.getModel(request.actor, id);
    // The origin is fixed once registered: the form shows it, whatever was sent.
    const kept = { ...values, replicatedFromId: model.replicatedFromId === null ? '' : String(model.replicatedFromId), members: '' };
    try {
      const parsed = parseForm(modelInputSchema, kept);
      const result = parsed.ok ? service.updateModel(request.actor, id, parsed.value, Number(values.version)) : parsed;
      if (!result.ok) return renderForm(request, reply.code(422), kept, result.errors, { model });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const current = service.getModel(request.actor, id);
      return renderForm(request, reply.code(409), { ...kept, version: String(current.version) }, {}, { model: current, conflict: error.userMessage });
    }
    return reply.flash('models.updated').seeOther(`/models/${id}`);
  });

  app.post('/:id/state', { config: write, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const values = modelStateFormSchema.parse(request.body ?? {});
    try {
      const parsed = parseForm(modelStateInputSchema, values);
      const result = parsed.ok ? service.changeState(request.actor, id, parsed.value, Number(values.version)) : parsed;
      if (!result.ok) return renderShow(request, reply.code(422), id, { stateValues: values, stateErrors: result.errors });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      return renderShow(request, reply.code(409), id, { stateValues: { ...values, version: String(service.getModel(request.actor, id).version) }, alert: error.userMessage });
    }
    return reply.flash(values.to === 'merged' ? 'models.merged' : 'models.dissolved').seeOther(`/models/${id}`);
  });

  app.post('/:id/members', { config: write, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const values = membersFormSchema.parse(request.body ?? {});
    try {
      const parsed = parseForm(membersInputSchema, values);
      const result = parsed.ok ? service.recordMembers(request.actor, id, parsed.value, Number(values.version)) : parsed;
      if (!result.ok) return renderShow(request, reply.code(422), id, { membersValues: values, membersErrors: result.errors });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      return renderShow(request, reply.code(409), id, { membersValues: { ...values, version: String(service.getModel(request.actor, id).version) }, alert: error.userMessage });
    }
    return reply.flash('models.membersRecorded').seeOther(`/models/${id}`);
  });
}
