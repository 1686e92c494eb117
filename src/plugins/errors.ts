import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { ConflictError, ForbiddenError, NotFoundError, RequestKeyReusedError, StateError } from '../lib/errors.js';
import { translator, type Message, type MessageKey } from '../i18n/index.js';

export type ErrorStatus = 400 | 403 | 404 | 409 | 413 | 422 | 429 | 500;

/** The phrase of each status a JSON API problem may have (RFC 9457 `title` for `type: about:blank`). */
const statusPhrases: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** One refused field of a JSON API request: where (a JSON pointer into the body or query), a stable code, and the message. */
export interface ProblemFieldError {
  pointer: string;
  code: string;
  detail: string;
}

/** What a JSON API problem adds to type, title and status. */
export interface ProblemExtras {
  detail?: string;
  errors?: ProblemFieldError[];
  [member: string]: unknown;
}

/**
 * The one way the JSON API (`/api/…`) refuses a request: `application/problem+json` (RFC 9457), `type` about:blank
 * with the status phrase as `title`, the reason in the reader's language as `detail`, field errors in `errors`.
 */
export function sendProblem(reply: FastifyReply, status: number, extras: ProblemExtras = {}): FastifyReply {
  const body = { type: 'about:blank', title: statusPhrases[status] ?? 'Error', status, ...extras, instance: reply.request.url.split('?')[0] };
  return reply.code(status).header('Cache-Control', 'no-store').type('application/problem+json; charset=utf-8').send(JSON.stringify(body));
}

/** Field errors of a JSON API request from schema validation issues, with catalog messages translated. */
function problemFieldErrors(request: FastifyRequest, issues: Array<{ instancePath?: string; keyword?: string; message?: string; params?: Record<string, unknown> }>, context: string): ProblemFieldError[] {
  const t = request.t ?? translator('vi');
  return issues.map((issue) => {
    const message = issue.message ?? 'invalid';
    const isKey = /^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+$/.test(message);
    const params = (issue.params?.params ?? undefined) as Record<string, string | number> | undefined;
    const pointer = `${context === 'querystring' ? '/query' : context === 'headers' ? '/headers' : ''}${issue.instancePath ?? ''}` || '/';
    return { pointer, code: isKey ? message : (issue.keyword ?? 'invalid'), detail: isKey ? t(message as MessageKey, params) : message };
  });
}

/** Why a request from the phone's outbox was refused, by status (see the offline contract). */
const outboxReasons: Record<ErrorStatus, string> = { 400: 'invalid', 403: 'state', 404: 'notFound', 409: 'state', 413: 'tooLarge', 422: 'keyReused', 429: 'rateLimited', 500: 'error' };

/**
 * The one way a request from the phone's outbox (`X-Outbox: 1`) is refused: JSON with a reason (and the message a
 * person would have read), never a page. `ok` is always false.
 */
export function outboxRefusal(reply: FastifyReply, status: number, body: { reason: string; message?: string; [field: string]: unknown }): FastifyReply {
  return reply.code(status).header('Cache-Control', 'no-store').type('application/json; charset=utf-8').send({ ok: false, ...body });
}

declare module 'fastify' {
  interface FastifyRequest {
    /** A JSON API request (`/api/…`): refused with problem+json, never with a page. */
    readonly isApi: boolean;
  }
  interface FastifyReply {
    /** An error page (or, for htmx, a short alert) in the person's language. */
    renderError(status: ErrorStatus, message?: Message): FastifyReply;
  }
}

function renderError(request: FastifyRequest, reply: FastifyReply, status: ErrorStatus, message?: Message) {
  const t = request.t ?? translator('vi'); // errors raised before the language hook ran
  const title = t(`error.${status}.title` as MessageKey);
  const body = message ? t(message.key, message.params) : t(`error.${status}.body` as MessageKey);
  if (request.isApi) return sendProblem(reply, status, { detail: body });
  if (request.isOutbox) return outboxRefusal(reply, status, { reason: status === 403 && !message ? 'forbidden' : outboxReasons[status], message: body });
  reply.code(status);
  if (request.isHtmx) return reply.header('Vary', 'HX-Request').type('text/html; charset=utf-8').send(`<p role="alert">${escapeHtml(body)}</p>`);
  return reply.render('errors/error', { status, title, body, back: sameSiteReferer(request) });
}

/** The page the person came from on this site, for a "back" link (another site's address is never linked). */
function sameSiteReferer(request: FastifyRequest): string | null {
  const referer = request.headers.referer;
  if (!referer || referer.length > 2000) return null;
  try {
    const url = new URL(referer);
    return url.host === request.headers.host && url.pathname.startsWith('/') ? `${url.pathname}${url.search}` : null;
  } catch {
    return null;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * A self-contained error page for requests the framework refuses before any plugin runs (a URL that does not
 * parse, a header with forbidden characters): in Vietnamese and English, with no template or asset needed.
 */
export function plainErrorPage(): string {
  const t = translator('vi');
  const title = `${t('error.400.title')} · ${t('app.name')}`;
  return `<!doctype html><html lang="vi" data-theme="light"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><link rel="stylesheet" href="/static/vendor/pico/pico.min.css"><link rel="stylesheet" href="/static/css/app.css"></head><body><main class="container"><article class="error-page"><h1>${escapeHtml(t('error.400.title'))}</h1><p>${escapeHtml(t('error.400.body'))}</p><p><a href="/" role="button" class="secondary">${escapeHtml(t('error.goHome'))}</a></p></article></main></body></html>`;
}

/** The security headers every page carries, for the pages answered before any plugin runs. */
export const plainErrorHeaders = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

/** People see a page in their language for every error; stack traces go to the log only. */
export default fp(
  async (app) => {
    app.decorateReply('renderError', function (this: FastifyReply, status: ErrorStatus, message?: Message) {
      return renderError(this.request, this, status, message);
    });

    app.decorateRequest('isApi', {
      getter(this: FastifyRequest) {
        return this.url.startsWith('/api/');
      },
    });

    app.setNotFoundHandler((request, reply) => renderError(request, reply, 404));

    app.setErrorHandler((error, request, reply) => {
      if (error instanceof NotFoundError) return renderError(request, reply, 404);
      if (error instanceof ConflictError) return renderError(request, reply, 409, error.userMessage);
      if (error instanceof StateError) return renderError(request, reply, 409, error.userMessage);
      if (error instanceof ForbiddenError) return renderError(request, reply, 403, error.userMessage);
      if (error instanceof RequestKeyReusedError) return renderError(request, reply, 422, error.userMessage);
      // A missing or wrong form token: the phone fetches a fresh one and sends again.
      if (request.isOutbox && /^FST_CSRF_/.test((error as { code?: string }).code ?? '')) return outboxRefusal(reply, 403, { reason: 'csrf' });
      if (error instanceof ZodError) return renderError(request, reply, 400);
      if (request.isApi) {
        const failed = error as { validation?: Array<{ instancePath?: string; message?: string; params?: Record<string, unknown> }>; validationContext?: string; statusCode?: number };
        if (failed.validation && failed.validationContext === 'params') return renderError(request, reply, 404);
        if (failed.validation) return sendProblem(reply, 422, { detail: (request.t ?? translator('vi'))('api.validation'), errors: problemFieldErrors(request, failed.validation, failed.validationContext ?? 'body') });
        const status = failed.statusCode ?? 500;
        if (status === 429) return renderError(request, reply, 429);
        if (status >= 400 && status < 500) return sendProblem(reply, status, { detail: statusPhrases[status] ? undefined : String((error as Error).message) });
      }
      // A route's params schema refused the URL: there is no such record (as for an id that does not exist).
      if ((error as { validation?: unknown; validationContext?: string }).validation) return renderError(request, reply, (error as { validationContext?: string }).validationContext === 'params' ? 404 : 400);
      const statusCode = (error as { statusCode?: number }).statusCode ?? 500;
      if (statusCode === 413) return renderError(request, reply, 413);
      if (statusCode === 429) return renderError(request, reply, 429);
      if (statusCode === 403) return renderError(request, reply, 403);
      if (statusCode === 404) return renderError(request, reply, 404);
      if (statusCode >= 400 && statusCode < 500) return renderError(request, reply, 400);
      request.log.error({ err: error }, 'request failed');
      return renderError(request, reply, 500);
    });
  },
  { name: 'errors', dependencies: ['view'] },
);
