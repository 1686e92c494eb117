import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formatDate, nextDay, parseDateInput, startOfDayInVietnam } from '../../lib/dates.js';
import type { AuditFilter } from './audit.repository.js';

const optionalDate = z
  .string()
  .max(20)
  .transform((value) => parseDateInput(value) ?? undefined)
  .optional()
  .catch(undefined);

const auditQuerySchema = z.object({
  user: z.coerce.number().int().positive().optional().catch(undefined),
  type: z.string().regex(/^[a-z_]{1,40}$/).optional().catch(undefined),
  record: z.coerce.number().int().positive().optional().catch(undefined),
  from: optionalDate,
  to: optionalDate,
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});

/** /audit: the append-only trail, read-only, for admins and auditors (limited to their area if they have one). */
export default async function auditRoutes(app: FastifyInstance): Promise<void> {
  const service = app.services.audit;

  app.get('/', { config: { permission: 'audit.read' } }, async (request, reply) => {
    const query = auditQuerySchema.parse(request.query ?? {});
    const filter: AuditFilter = {
      ...(query.user ? { userId: query.user } : {}),
      ...(query.type ? { recordType: query.type } : {}),
      ...(query.record ? { recordId: query.record } : {}),
      ...(query.from ? { from: startOfDayInVietnam(query.from) } : {}),
      ...(query.to ? { to: startOfDayInVietnam(nextDay(query.to)) } : {}),
    };
    const page = service.list(request.actor, filter, query.page);
    const shown = { user: query.user, type: query.type, record: query.record, from: query.from ? formatDate(query.from) : '', to: query.to ? formatDate(query.to) : '' };
    const pageLink = (number: number) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(shown)) if (value) params.set(key, String(value));
      if (number > 1) params.set('page', String(number));
      const text = params.toString();
      return `/audit${text ? `?${text}` : ''}`;
    };
    const data = { page, query: shown, pageLink };
    if (request.isHtmx && request.htmxTarget === 'audit-results') return reply.render('audit/_results', data);
    return reply.render('audit/index', { ...data, users: app.services.users.peopleToFilterBy(request.actor), recordTypes: service.recordTypes() });
  });
}
