import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { severities } from '../../../db/schema/index.js';
import { ConflictError, NotFoundError, StateError } from '../../lib/errors.js';
import { asText, type FieldErrors } from '../../lib/forms.js';
import { scopeIncludes } from '../../access/scope.js';
import { readFollowUpForm, type FollowUpFormValues } from './follow-ups.service.js';
import { findingListQuerySchema, type FindingListQuery } from './findings.service.js';

const idParams = z.object({ id: z.coerce.number().int().positive().max(2 ** 31) });

function parseId(params: unknown): number {
  const parsed = idParams.safeParse(params);
  if (!parsed.success) throw new NotFoundError('finding');
  return parsed.data.id;
}

function listQueryString(query: FindingListQuery, page: number): string {
  const params = new URLSearchParams();
  for (const key of ['status', 'severity', 'area', 'referral', 'venue', 'from', 'to', 'approved', 'category', 'campaign'] as const) if (query[key] !== undefined) params.set(key, String(query[key]));
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

const emptyFollowUp = (): FollowUpFormValues => ({ measure: '', fineAmount: '', responsibleKind: 'venue', responsibleAgency: '', responsibleUserId: '', dueDate: '', description: '', submissionKey: randomUUID() });

export default async function findingsRoutes(app: FastifyInstance): Promise<void> {
  const service = app.services.findings;
  const followUps = app.services.followUps;
  const read = { permission: 'findings.read' as const };

  function renderFinding(request: FastifyRequest, reply: FastifyReply, id: number, extra: { followUpValues?: FollowUpFormValues; followUpErrors?: FieldErrors; referralErrors?: FieldErrors; referralValues?: Record<string, string>; alert?: unknown } = {}) {
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

  app.get('/findings', { config: read }, async (request, reply) => {
    const query = findingListQuerySchema.parse(request.query ?? {});
    const page = service.listFindings(request.actor, query);
    const filtered = Object.entries(query).some(([key, value]) => key !== 'page' && value !== undefined);
    const data = { page, query, filtered, pageLink: (number: number) => `/findings${listQueryString(query, number)}` };
    if (request.isHtmx && request.htmxTarget === 'findings-results') return reply.render('findings/_results', data);
    const inScope = (area: { id: number }) => scopeIncludes(request.actor.scope, area.id);
    return reply.render('findings/index', { ...data, severities, districts: app.catalog.districts.filter(inScope), communes: app.catalog.communes.filter(inScope) });
  });

  app.get('/findings/:id', { config: read }, async (request, reply) => renderFinding(request, reply, parseId(request.params)));

  app.post('/findings/:id/referral', { config: { permission: 'findings.refer' } }, async (request, reply) => {
    const id = parseId(request.params);
    try {
      const result = service.refer(request.actor, id, request.body);
      if (!result.ok) return renderFinding(request, reply.code(422), id, { referralErrors: result.errors, referralValues: request.body as Record<string, string> });
    } catch (error) {
      if (error instanceof ConflictError) return renderFinding(request, reply.code(409), id, { alert: error.userMessage, referralValues: request.body as Record<string, string> });
      throw error;
    }
    return reply.flash('findings.referred').seeOther(`/findings/${id}`);
  });

  app.post('/findings/:id/severity', { config: { permission: 'findings.refer' } }, async (request, reply) => {
    const id = parseId(request.params);
    try {
      service.changeSeverity(request.actor, id, asText((request.body as Record<string, unknown> | undefined)?.severity));
    } catch (error) {
      if (error instanceof StateError || error instanceof ConflictError) return renderFinding(request, reply.code(409), id, { alert: error.userMessage });
      throw error;
    }
    return reply.flash('findings.severityChanged').seeOther(`/findings/${id}`);
  });

  app.post('/findings/:id/closure', { config: { permission: 'followups.manage' } }, async (request, reply) => {
    const id = parseId(request.params);
    try {
      service.close(request.actor, id);
    } catch (error) {
      if (error instanceof StateError || error instanceof ConflictError) return renderFinding(request, reply.code(409), id, { alert: error.userMessage });
      throw error;
    }
    return reply.flash('findings.closed').seeOther(`/findings/${id}`);
  });

  app.post('/findings/:id/follow-ups', { config: { permission: 'followups.manage' } }, async (request, reply) => {
    const id = parseId(request.params);
    const values = readFollowUpForm(request.body);
    try {
      const result = followUps.createFollowUp(request.actor, id, values);
      if (!result.ok) return renderFinding(request, reply.code(422), id, { followUpValues: values, followUpErrors: result.errors });
      return reply.flash('followUps.created').seeOther(`/follow-ups/${result.value.id}`);
    } catch (error) {
      if (error instanceof StateError) return renderFinding(request, reply.code(409), id, { alert: error.userMessage, followUpValues: values });
      throw error;
    }
  });
}
