import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LANG_COOKIE } from '../../plugins/i18n.js';
import { roundsService } from '../rounds/rounds.service.js';

const languageBodySchema = z.object({
  lang: z.enum(['vi', 'en']),
  returnTo: z.string().optional(),
});

/** Only a path on this site may be returned to (no open redirect). */
export function localPath(value: string | undefined, fallback = '/'): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  return value;
}

export default async function homeRoutes(app: FastifyInstance): Promise<void> {
  const rounds = roundsService({ db: app.db, catalog: app.catalog, now: app.now });

  app.get('/', async (_request, reply) => {
    const counts = rounds.statusCounts();
    const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
    return reply.render('home/index', { total, inProgress: counts.in_progress ?? 0 });
  });

  app.post('/language', async (request, reply) => {
    const parsed = languageBodySchema.safeParse(request.body);
    if (!parsed.success) return reply.renderError(400);
    reply.setCookie(LANG_COOKIE, parsed.data.lang, { path: '/', httpOnly: true, sameSite: 'lax', maxAge: 60 * 60 * 24 * 365 });
    return reply.redirect(localPath(parsed.data.returnTo), 303);
  });
}
