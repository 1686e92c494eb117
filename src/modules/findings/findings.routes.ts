import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { severities } from '../../../db/schema/index.js';
import { ConflictError, StateError } from '../../lib/errors.js';
import { parseForm, type FieldErrors } from '../../lib/forms.js';
import { scopeIncludes } from '../../access/scope.js';
import { followUpFormSchema, followUpInput, type FollowUpFormValues } from './follow-ups.schemas.js';
import { findingTitle } from './findings.service.js';
import { closureFormSchema, findingListQuerySchema, findingParamsSchema as params, referralFormSchema, referralSchema, severityFormSchema, type FindingListQuery, type ReferralFormValues } from './findings.schemas.js';

function listQueryString(query: FindingListQuery, page: number): string {
  const params = new URLSearchParams();
  for (const key of ['status', 'severity', 'area', 'level', 'referral', 'venue', 'from', 'to', 'approved', 'category', 'campaign'] as const) if (query[key] !== undefined) params.set(key, String(query[key]));
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

const emptyFollowUp = (): FollowUpFormValues => ({ measure: '', fineAmount: '', responsibleKind: 'venue', responsibleAgency: '', responsibleUserId: '', dueDate: '', description: '', submissionKey: randomUUID() });

export default async function findingsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.findings;
  const followUps = app.services.followUps;
  const read = { permission: 'findings.read' as const };

  function renderFinding(request: FastifyRequest, reply: FastifyReply, id: number, extra: { followUpValues?: FollowUpFormValues; followUpErrors?: FieldErrors; referralErrors?: FieldErrors; referralValues?: ReferralFormValues; alert?: unknown } = {}) {
    const detail = service.getFinding(request.actor, id);
    return reply.render('findings/show', {
      detail,
      today: followUps.today(),
      isOverdue: followUps.isOverdue,
      followUpValues: extra.followUpValues ?? emptyFollowUp(),
      followUpErrors: extra.followUpErrors ?? {},
      referralErrors: extra.referralErrors ?? {},
      referralValues: extra.referralValues ?? null,
      assignable: followUps.assignableUsers(detail.finding.areaId),
      alert: extra.alert,
    });
  }

  app.get('/findings', { config: read, schema: { querystring: findingListQuerySchema } }, async (request, reply) => {
    const query = request.query;
    const page = service.listFindings(request.actor, query);
    const filtered = Object.entries(query).some(([key, value]) => key !== 'page' && value !== undefined);
    const data = { page, query, filtered, pageLink: (number: number) => `/findings${listQueryString(query, number)}` };
    if (request.isHtmx && request.htmxTarget === 'findings-results') return reply.render('findings/_results', data);
    const inScope = (area: { id: number }) => scopeIncludes(request.actor.scope, area.id);
    return reply.render('findings/index', { ...data, severities, districts: app.catalog.districts.filter(inScope), communes: app.catalog.communes.filter(inScope) });
  });

  app.get('/findings/:id', { config: read, schema: { params } }, async (request, reply) => renderFinding(request, reply, request.params.id));

  app.post('/findings/:id/referral', { config: { permission: 'findings.refer' }, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    service.checkReferable(request.actor, id);
    const values = referralFormSchema.parse(request.body ?? {});
    const parsed = parseForm(referralSchema, values);
    try {
      const result = parsed.ok ? service.refer(request.actor, id, parsed.value) : parsed;
      if (!result.ok) return renderFinding(request, reply.code(422), id, { referralErrors: result.errors, referralValues: values });
    } catch (error) {
      if (error instanceof ConflictError) return renderFinding(request, reply.code(409), id, { alert: error.userMessage, referralValues: values });
      throw error;
    }
    return reply.flash('findings.referred').seeOther(`/findings/${id}`);
  });

  app.post('/findings/:id/severity', { config: { permission: 'findings.refer' }, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const { severity } = severityFormSchema.parse(request.body ?? {});
    const level = severities.find((candidate) => candidate === severity) ?? null;
    try {
      service.changeSeverity(request.actor, id, level);
    } catch (error) {
      if (error instanceof StateError || error instanceof ConflictError) return renderFinding(request, reply.code(409), id, { alert: error.userMessage });
      throw error;
    }
    return reply.flash('findings.severityChanged').seeOther(`/findings/${id}`);
  });

  app.post('/findings/:id/closure', { config: { permission: 'followups.manage' }, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    if (closureFormSchema.parse(request.body ?? {}).confirm !== 'yes') {
      const detail = service.getFinding(request.actor, id);
      if (detail.can.close) {
        return reply.render('confirm/show', {
          question: request.t('findings.closeConfirm'),
          record: findingTitle(request.t, detail.finding, request.lang),
          action: `/findings/${id}/closure`,
          fields: {},
          confirmLabel: request.t('findings.close'),
          back: `/findings/${id}`,
        });
      }
    }
    try {
      service.close(request.actor, id);
    } catch (error) {
      if (error instanceof StateError || error instanceof ConflictError) return renderFinding(request, reply.code(409), id, { alert: error.userMessage });
      throw error;
    }
    return reply.flash('findings.closed').seeOther(`/findings/${id}`);
  });

  app.post('/findings/:id/follow-ups', { config: { permission: 'followups.manage' }, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const values = followUpFormSchema.parse(request.body ?? {});
    try {
      const result = followUps.createFollowUp(request.actor, id, followUpInput(values));
      if (!result.ok) return renderFinding(request, reply.code(422), id, { followUpValues: values, followUpErrors: result.errors });
      return reply.flash('followUps.created').seeOther(`/follow-ups/${result.value.id}`);
    } catch (error) {
      if (error instanceof StateError) return renderFinding(request, reply.code(409), id, { alert: error.userMessage, followUpValues: values });
      throw error;
    }
  });
}
