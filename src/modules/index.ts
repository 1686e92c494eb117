import type { FastifyInstance } from 'fastify';
import { backupsSchedule } from './backups/index.js';
import { auditRoutes } from './audit/index.js';
import { authRoutes } from './auth/index.js';
import { calendarRoutes } from './calendar/index.js';
import { campaignsRoutes } from './campaigns/index.js';
import { offlineRoutes } from './offline/index.js';
import { outreachRoutes } from './outreach/index.js';
import { periodicReportsRoutes, periodicReportsSchedule, reportingPeriodsRoutes } from './periodic-reports/index.js';
import { summariesRoutes } from './summaries/index.js';
import { checklistsRoutes } from './checklists/index.js';
import { inspectionsRoutes } from './inspections/index.js';
import { findingsRoutes } from './findings/index.js';
import { followUpsRoutes } from './findings/index.js';
import { healthRoutes } from './health/index.js';
import { homeRoutes } from './home/index.js';
import { roundsRoutes } from './rounds/index.js';
import { adminUsersRoutes, profileRoutes } from './users/index.js';
import { venuesRoutes } from './venues/index.js';
import { victimsRoutes } from './victims/index.js';

/** Every feature module and its URL prefix, in one visible list. */
export default async function modules(app: FastifyInstance): Promise<void> {
  await app.register(backupsSchedule);
  await app.register(periodicReportsSchedule);
  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(homeRoutes);
  await app.register(offlineRoutes);
  await app.register(profileRoutes, { prefix: '/profile' });
  await app.register(roundsRoutes, { prefix: '/rounds' });
  await app.register(venuesRoutes, { prefix: '/venues' });
  await app.register(inspectionsRoutes);
  await app.register(findingsRoutes);
  await app.register(followUpsRoutes, { prefix: '/follow-ups' });
  await app.register(campaignsRoutes, { prefix: '/campaigns' });
  await app.register(outreachRoutes, { prefix: '/outreach' });
  await app.register(victimsRoutes, { prefix: '/victim-support' });
  await app.register(calendarRoutes, { prefix: '/calendar' });
  await app.register(summariesRoutes, { prefix: '/reports' });
  await app.register(periodicReportsRoutes, { prefix: '/periodic-reports' });
  await app.register(reportingPeriodsRoutes, { prefix: '/admin/reporting-periods' });
  await app.register(auditRoutes, { prefix: '/audit' });
  await app.register(adminUsersRoutes, { prefix: '/admin/users' });
  await app.register(checklistsRoutes, { prefix: '/admin/checklists' });
}
