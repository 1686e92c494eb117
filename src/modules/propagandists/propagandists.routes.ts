import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ConflictError } from '../../lib/errors.js';
import { parseForm, type FieldErrors } from '../../lib/forms.js';
import { idParamsSchema as params } from '../../lib/params.js';
import { scopeIncludes } from '../../access/scope.js';
import type { Message } from '../../i18n/index.js';
import {
  propagandistFormSchema,
  propagandistInputSchema,
  propagandistListQuerySchema,
  trainingFormSchema,
  trainingInputSchema,
  type PropagandistFormValues,
  type PropagandistListQuery,
  type TrainingFormValues,
} from './propagandists.schemas.js';

function listQueryString(query: PropagandistListQuery, page: number): string {
  const params = new URLSearchParams();
  for (const key of ['area', 'role', 'active', 'from', 'to', 'trained'] as const) if (query[key] !== undefined && query[key] !== '') params.set(key, String(query[key]));
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** /propagandists: the roster of the areas' báo cáo viên and tuyên truyền viên and their training. */
export default async function propagandistsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.propagandists;
  const read = { permission: 'propagandists.read' as const };
  const write = { permission: 'propagandists.write' as const };

  function areaOptions(request: FastifyRequest) {
    const inScope = (area: { id: number }) => scopeIncludes(request.actor.scope, area.id);
    return { districts: app.catalog.districts.filter(inScope), communes: app.catalog.communes.filter(inScope) };
  }

  function renderForm(request: FastifyRequest, reply: FastifyReply, values: PropagandistFormValues, errors: FieldErrors, extra: { person?: { id: number; name: string }; conflict?: Message } = {}) {
    return reply.render(extra.person ? 'propagandists/edit' : 'propagandists/new', { values, errors, ...areaOptions(request), ...extra });
  }

  function renderShow(request: FastifyRequest, reply: FastifyReply, id: number, extra: { trainingValues?: TrainingFormValues; trainingErrors?: FieldErrors; alert?: Message } = {}) {
    const person = service.get(request.actor, id);
    return reply.render('propagandists/show', { person, can: service.abilities(request.actor), trainingValues: { trainedOn: '', course: '', version: String(person.version) }, trainingErrors: {}, ...extra });
  }

  app.get('/', { config: read, schema: { querystring: propagandistListQuerySchema } }, async (request, reply) => {
    const query = request.query;
    const page = service.list(request.actor, query);
    const filtered = Object.entries(query).some(([key, value]) => key !== 'page' && value !== undefined && value !== '');
    const data = { page, query, filtered, can: service.abilities(request.actor), pageLink: (number: number) => `/propagandists${listQueryString(query, number)}` };
    if (request.isHtmx && request.htmxTarget === 'propagandists-results') return reply.render('propagandists/_results', data);
    return reply.render('propagandists/index', { ...data, ...areaOptions(request) });
  });

  app.get('/new', { config: write }, async (request, reply) => renderForm(request, reply, { ...propagandistFormSchema.parse({}), submissionKey: randomUUID() }, {}));

  app.post('/', { config: write }, async (request, reply) => {
    const values = propagandistFormSchema.parse(request.body ?? {});
    const parsed = parseForm(propagandistInputSchema, values);
    const result = parsed.ok ? service.create(request.actor, parsed.value, values.submissionKey) : parsed;
    if (!result.ok) return renderForm(request, reply.code(422), values, result.errors);
    return reply.flash('propagandists.created').seeOther(`/propagandists/${result.value.id}`);
  });

  app.get('/:id', { config: read, schema: { params } }, async (request, reply) => renderShow(request, reply, request.params.id));

  app.get('/:id/edit', { config: write, schema: { params } }, async (request, reply) => {
    const person = service.get(request.actor, request.params.id);
    return renderForm(request, reply, service.formValuesOf(person), {}, { person });
  });

  app.post('/:id', { config: write, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const values = propagandistFormSchema.parse(request.body ?? {});
    const person = service.get(request.actor, id);
    try {
      const parsed = parseForm(propagandistInputSchema, values);
      const result = parsed.ok ? service.update(request.actor, id, parsed.value, Number(values.version)) : parsed;
      if (!result.ok) return renderForm(request, reply.code(422), values, result.errors, { person });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const current = service.get(request.actor, id);
      return renderForm(request, reply.code(409), { ...values, version: String(current.version) }, {}, { person: current, conflict: error.userMessage });
    }
    return reply.flash('propagandists.updated').seeOther(`/propagandists/${id}`);
  });

  app.post('/:id/trainings', { config: write, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const values = trainingFormSchema.parse(request.body ?? {});
    try {
      const parsed = parseForm(trainingInputSchema, values);
      const result = parsed.ok ? service.addTraining(request.actor, id, parsed.value, Number(values.version)) : parsed;
      if (!result.ok) return renderShow(request, reply.code(422), id, { trainingValues: values, trainingErrors: result.errors });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      return renderShow(request, reply.code(409), id, { trainingValues: { ...values, version: String(service.get(request.actor, id).version) }, alert: error.userMessage });
    }
    return reply.flash('propagandists.trained').seeOther(`/propagandists/${id}`);
  });
}
