import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { formatDate, nextDay, startOfDayInVietnam } from '../../lib/dates.js';
import type { AuditFilter } from './audit.repository.js';
import { auditQuerySchema as querystring } from './audit.schemas.js';

/** /audit: the append-only trail, read-only, for admins and auditors (limited to their area if they have one). */
export default async function auditRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.audit;

  app.get('/', { config: { permission: 'audit.read' }, schema: { querystring } }, async (request, reply) => {
    const query = request.query;
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
