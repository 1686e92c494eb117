import fs from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { followUpStatuses } from '../../../db/schema/index.js';
import { ConflictError, ForbiddenError, isRuleError, NotFoundError } from '../../lib/errors.js';
import type { FieldErrors } from '../../lib/forms.js';
import { fieldValue, uploadedFile } from '../../lib/uploads.js';
import { vocabularyLabel } from '../../lib/vocabulary.js';
import { scopeIncludes } from '../../access/scope.js';
import {
  commentParamsSchema,
  followUpListQuerySchema,
  followUpParamsSchema as params,
  statusFormSchema,
  verificationFormSchema,
  verificationSchema,
  type FollowUpListQuery,
} from './follow-ups.schemas.js';

function listQueryString(query: FollowUpListQuery, overrides: Partial<Record<keyof FollowUpListQuery, string | number | undefined>> = {}): string {
  const params = new URLSearchParams();
  const merged: Record<string, unknown> = { ...query, ...overrides };
  for (const key of ['mine', 'overdue', 'due7', 'area', 'level', 'agency', 'measure', 'status', 'open', 'from', 'to', 'approved', 'campaign', 'page'] as const) {
    const value = merged[key];
    if (value === undefined || value === '' || (key === 'page' && Number(value) <= 1)) continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export default async function followUpsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.followUps;
  const read = { permission: 'followups.read' as const };

  function renderFollowUp(request: FastifyRequest, reply: FastifyReply, id: number, extra: { verifyErrors?: FieldErrors; commentErrors?: FieldErrors; alert?: unknown; typedNote?: string; typedComment?: string } = {}) {
    return reply.render('follow-ups/show', {
      detail: service.getFollowUp(request.actor, id),
      verifyErrors: extra.verifyErrors ?? {},
      commentErrors: extra.commentErrors ?? {},
      alert: extra.alert,
      typedNote: extra.typedNote ?? '',
      typedComment: extra.typedComment ?? '',
    });
  }

  app.get('/', { config: read, schema: { querystring: followUpListQuerySchema } }, async (request, reply) => {
    const query = request.query;
    const page = service.listFollowUps(request.actor, query);
    const data = {
      page,
      query,
      today: service.today(),
      isOverdue: service.isOverdue,
      link: (overrides: Partial<Record<keyof FollowUpListQuery, string | number | undefined>>) => `/follow-ups${listQueryString(query, { page: undefined, ...overrides })}`,
      pageLink: (number: number) => `/follow-ups${listQueryString(query, { page: number })}`,
    };
    if (request.isHtmx && request.htmxTarget === 'follow-ups-results') return reply.render('follow-ups/_results', data);
    const inScope = (area: { id: number }) => scopeIncludes(request.actor.scope, area.id);
    return reply.render('follow-ups/index', { ...data, statuses: followUpStatuses, districts: app.catalog.districts.filter(inScope), communes: app.catalog.communes.filter(inScope) });
  });

  app.get('/:id', { config: read, schema: { params } }, async (request, reply) => renderFollowUp(request, reply, request.params.id));

  app.post('/:id/status', { config: { permission: 'followups.comment' }, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const { to, confirmed } = statusFormSchema.parse(request.body ?? {});
    if (to === 'done' && !confirmed) {
      const detail = service.getFollowUp(request.actor, id);
      if (detail.can.nextStatuses.includes(to)) {
        return reply.render('confirm/show', {
          question: request.t('followUps.doneConfirm'),
          record: vocabularyLabel('follow_up_actions', detail.followUp.measure, request.lang),
          action: `/follow-ups/${id}/status`,
          fields: { to },
          confirmLabel: request.t('followUps.moveTo.done'),
          back: `/follow-ups/${id}`,
        });
      }
    }
    try {
      service.changeStatus(request.actor, id, to);
    } catch (error) {
      if (isRuleError(error) || error instanceof ConflictError) return renderFollowUp(request, reply.code(error instanceof ForbiddenError ? 403 : 409), id, { alert: error.userMessage });
      throw error;
    }
    return reply.flash('followUps.statusChanged').seeOther(`/follow-ups/${id}`);
  });

  app.post('/:id/verification', { config: { permission: 'followups.verify' }, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const values = verificationFormSchema.parse(request.body ?? {});
    try {
      const result = service.verify(request.actor, id, verificationSchema.parse(values));
      if (!result.ok) return renderFollowUp(request, reply.code(422), id, { verifyErrors: result.errors, typedNote: values.note });
    } catch (error) {
      if (isRuleError(error) || error instanceof ConflictError) return renderFollowUp(request, reply.code(409), id, { alert: error.userMessage });
      throw error;
    }
    return reply.flash('followUps.verified').seeOther(`/follow-ups/${id}`);
  });

  /** Comments are added in place with htmx (the thread fragment comes back); a plain form post redirects. */
  app.post('/:id/comments', { config: { permission: 'followups.comment' }, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const file = uploadedFile(request.body);
    const result = await service.addComment(request.actor, id, fieldValue(request.body, 'body'), file ? { filename: file.filename, content: await file.toBuffer() } : null);
    if (request.isHtmx) {
      const detail = service.getFollowUp(request.actor, id);
      return reply.code(result.ok ? 200 : 422).render('follow-ups/_comments', { detail, commentErrors: result.ok ? {} : result.errors, typed: result.ok ? '' : fieldValue(request.body, 'body') });
    }
    if (!result.ok) return renderFollowUp(request, reply.code(422), id, { commentErrors: result.errors, typedComment: fieldValue(request.body, 'body') });
    return reply.seeOther(`/follow-ups/${id}#comments`);
  });

  app.get('/:id/comments/:commentId/file', { config: read, schema: { params: commentParamsSchema } }, async (request, reply) => {
    const file = service.commentFile(request.actor, request.params.id, request.params.commentId);
    if (!fs.existsSync(file.path)) throw new NotFoundError('comment file');
    return reply
      .header('Content-Type', file.mimeType)
      .header('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.name)}`)
      // Evidence: no copy kept by the browser or anything between it and the server.
      .header('Cache-Control', 'private, no-store')
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'")
      .send(fs.createReadStream(file.path));
  });
}
