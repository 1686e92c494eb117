import { Eta } from 'eta';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { dateRangeProblems, formatDate, formatMoment } from '../lib/dates.js';
import { formatCount } from '../lib/pagination.js';
import { formatNumber, formatVnd } from '../lib/money.js';
import { basisInLanguage } from '../lib/legal-basis.js';
import { projectPath } from '../lib/project-root.js';
import { vocabulary, vocabularyLabel, type VocabularyName } from '../lib/vocabulary.js';
import { vi, type MessageKey } from '../i18n/vi.js';
import type { Language, Message, Translate } from '../i18n/index.js';
import { can, menuFor, type Permission } from '../access/permissions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** An htmx request that wants a fragment (not a history restore, which needs the whole page). */
    isHtmx: boolean;
    /** The id of the element an htmx request will swap, if any. */
    htmxTarget: string | undefined;
    /** Sent by the phone's outbox (`X-Outbox: 1`): answered with JSON, never a page or a redirect. */
    isOutbox: boolean;
  }
  interface FastifyReply {
    render(template: string, data?: Record<string, unknown>): FastifyReply;
    /** A message shown once on the next page (after a redirect). */
    /** A one-time message on the next page (after a redirect); `count` fills a {count} in it. */
    flash(key: MessageKey, count?: number): FastifyReply;
    /** After a successful POST: 303 for a browser, HX-Redirect for htmx. */
    seeOther(url: string): FastifyReply;
  }
}

const FLASH_COOKIE = 'flash';
const viewsDir = projectPath('views');

function isMessageKey(value: unknown): value is MessageKey {
  return typeof value === 'string' && value in vi;
}

/** Server-side rendering with Eta: every template gets the translator, formatters and the request's context. */
/** Display helpers that belong to features, handed in by the app so this plugin imports none. */
export interface ViewOptions {
  helpers: { findingTitle(t: Translate, finding: { itemCode: string | null; title: string }, lang: Language): string };
}

export default fp(
  async (app, options: ViewOptions) => {
    const eta = new Eta({ views: viewsDir, cache: app.config.NODE_ENV === 'production', autoEscape: true, autoTrim: [false, 'nl'] });

    app.decorateRequest('isHtmx', false);
    app.decorateRequest('htmxTarget', undefined);
    app.decorateRequest('isOutbox', false);
    app.addHook('onRequest', async (request) => {
      request.isOutbox = request.headers['x-outbox'] === '1';
      request.isHtmx = request.headers['hx-request'] === 'true' && request.headers['hx-history-restore-request'] !== 'true';
      const target = request.headers['hx-target'];
      request.htmxTarget = typeof target === 'string' ? target : undefined;
    });

    function baseContext(request: FastifyRequest, reply: FastifyReply) {
      const flashValue = request.cookies[FLASH_COOKIE];
      if (flashValue !== undefined) reply.clearCookie(FLASH_COOKIE, { path: '/' });
      const [flashKey, flashCount] = (flashValue ?? '').split(':');
      const t = request.t;
      return {
        t,
        lang: request.lang,
        /** Translates a {key, params} message from a service. */
        msg: (message: Message) => t(message.key, message.params),
        date: formatDate,
        moment: formatMoment,
        vnd: (amount: number | null | undefined) => formatVnd(amount, request.lang),
        count: (total: number) => formatCount(total, request.lang),
        number: (value: number) => formatNumber(value, request.lang),
        findingTitle: (finding: { itemCode: string | null; title: string }) => options.helpers.findingTitle(t, finding, request.lang),
        legalBasis: (basis: string) => basisInLanguage(basis, request.lang),
        dateProblems: dateRangeProblems,
        vocab: (name: VocabularyName) => vocabulary(name).map((entry) => ({ code: entry.code, label: entry[request.lang] })),
        label: (name: VocabularyName, code: string) => vocabularyLabel(name, code, request.lang),
        flash: isMessageKey(flashKey) ? t(flashKey, /^\d{1,9}$/.test(flashCount ?? '') ? { count: Number(flashCount) } : undefined) : null,
        currentUrl: request.url,
        province: app.catalog.province,
        isHtmx: request.isHtmx,
        user: request.user ? { id: request.user.id, name: request.user.name, role: request.user.role } : null,
        /** Whether the signed-in user has a permission: for showing links and buttons; the server checks again. */
        may: (permission: Permission) => (request.user ? can(request.user.role, permission) : false),
        menu: request.user ? menuFor(request.user.role) : [],
        csrfToken: request.csrfToken ? request.csrfToken() : '',
        /** A static file's URL under its content-hashed name: it.asset('css/app.css'). */
        asset: app.asset,
      };
    }

    app.decorateReply('render', function (this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
      const html = eta.render(template, { ...baseContext(this.request, this), ...data });
      return this.header('Vary', 'HX-Request').type('text/html; charset=utf-8').send(html);
    });

    app.decorateReply('flash', function (this: FastifyReply, key: MessageKey, count?: number) {
      return this.setCookie(FLASH_COOKIE, count === undefined ? key : `${key}:${count}`, { path: '/', httpOnly: true, sameSite: 'lax', maxAge: 60 });
    });

    app.decorateReply('seeOther', function (this: FastifyReply, url: string) {
      if (this.request.isHtmx) return this.header('HX-Redirect', url).code(200).send('');
      return this.redirect(url, 303);
    });
  },
  { name: 'view', dependencies: ['db', 'i18n', 'static'] },
);
