import type { FastifyInstance } from 'fastify';
import auditRoutes from './audit/audit.routes.js';
import authRoutes from './auth/auth.routes.js';
import calendarRoutes from './calendar/calendar.routes.js';
import campaignsRoutes from './campaigns/campaigns.routes.js';
import outreachRoutes from './outreach/outreach.routes.js';
import summariesRoutes from './summaries/summaries.routes.js';
import checklistsRoutes from './checklists/checklists.routes.js';
import inspectionsRoutes from './inspections/inspections.routes.js';
import findingsRoutes from './findings/findings.routes.js';
import followUpsRoutes from './follow-ups/follow-ups.routes.js';
import healthRoutes from './health/health.routes.js';
import homeRoutes from './home/home.routes.js';
import roundsRoutes from './rounds/rounds.routes.js';
import { adminUsersRoutes, profileRoutes } from './users/users.routes.js';
import venuesRoutes from './venues/venues.routes.js';

/** Every feature module and its URL prefix, in one visible list. */
export default async function modules(app: FastifyInstance): Promise<void> {
  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(homeRoutes);
  await app.register(profileRoutes, { prefix: '/profile' });
  await app.register(roundsRoutes, { prefix: '/rounds' });
  await app.register(venuesRoutes, { prefix: '/venues' });
  await app.register(inspectionsRoutes);
  await app.register(findingsRoutes);
  await app.register(followUpsRoutes, { prefix: '/follow-ups' });
  await app.register(campaignsRoutes, { prefix: '/campaigns' });
  await app.register(outreachRoutes, { prefix: '/outreach' });
  await app.register(calendarRoutes, { prefix: '/calendar' });
  await app.register(summariesRoutes, { prefix: '/reports' });
  await app.register(auditRoutes, { prefix: '/audit' });
  await app.register(adminUsersRoutes, { prefix: '/admin/users' });
  await app.register(checklistsRoutes, { prefix: '/admin/checklists' });
}
