import type { FastifyInstance } from 'fastify';
import { can } from '../../access/permissions.js';
import { LANG_COOKIE } from '../../plugins/i18n.js';
import { localPath } from '../../lib/paths.js';
import { languageFormSchema } from './home.schemas.js';

export default async function homeRoutes(app: FastifyInstance): Promise<void> {
  const home = app.services.home;
  const users = app.services.users;

  app.get('/', { config: { permission: 'app.use' } }, async (request, reply) => {
    const area = request.actor.areaId === null ? null : app.catalog.byId.get(request.actor.areaId);
    const areaName = (id: number) => app.catalog.byId.get(id)?.name ?? '';
    const periodic = app.services.periodicReports;
    const reviewer = request.user && can(request.user.role, 'periodicReports.review');
    return reply.render('home/index', { ...home.forActor(request.actor), area, areaName, reportsDue: periodic.dueFor(request.actor), reportInbox: reviewer ? periodic.inbox(request.actor).length : 0 });
  });

  /** Public so the sign-in page can switch too; a signed-in person's choice is also kept on their account. */
  app.post('/language', { config: { public: true } }, async (request, reply) => {
    const parsed = languageFormSchema.safeParse(request.body);
    if (!parsed.success) return reply.renderError(400);
    reply.setCookie(LANG_COOKIE, parsed.data.lang, { path: '/', httpOnly: true, sameSite: 'lax', maxAge: 60 * 60 * 24 * 365 });
    if (request.user) users.setLanguage(request.actor, parsed.data.lang);
    return reply.redirect(localPath(parsed.data.returnTo), 303);
  });
}
