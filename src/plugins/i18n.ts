import fp from 'fastify-plugin';
import { isLanguage, translator, type Language, type Translate } from '../i18n/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    lang: Language;
    t: Translate;
  }
}

export const LANG_COOKIE = 'lang';

/** Picks the language per request: the person's remembered choice, else the configured default. */
export default fp(
  async (app) => {
    app.decorateRequest('lang', 'vi');
    app.decorateRequest('t', null as unknown as Translate);
    app.addHook('onRequest', async (request) => {
      // The JSON API speaks the language its client asks for (Accept-Language), else the default.
      const asked = /^\s*(vi|en)\b/i.exec(String(request.headers['accept-language'] ?? ''))?.[1]?.toLowerCase();
      const chosen = request.url.startsWith('/api/') ? asked : request.cookies[LANG_COOKIE];
      request.lang = isLanguage(chosen) ? chosen : app.config.DEFAULT_LANG;
      request.t = translator(request.lang);
    });
  },
  { name: 'i18n', dependencies: ['db', '@fastify/cookie'] },
);
