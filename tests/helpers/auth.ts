import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Role } from '../../db/schema/index.js';
import { systemActor } from '../../src/access/actor.js';
import { formBody, formHeaders } from './app.js';
import { html } from './html.js';

export const TEST_PASSWORD = 'mật-khẩu-thử-10';
let counter = 0;

/** A browser-like client: keeps cookies, and sends the page's CSRF token with every form it posts. */
export class Client {
  private cookies = new Map<string, string>();
  csrf = '';

  constructor(private app: FastifyInstance) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private remember(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies) {
      if (cookie.value === '' || (cookie.maxAge !== undefined && cookie.maxAge <= 0) || (cookie.expires && cookie.expires.getTime() < Date.now())) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    const token = response.headers['content-type']?.toString().includes('html') ? html(response.body)('meta[name="csrf-token"]').attr('content') : undefined;
    if (token) this.csrf = token;
  }

  async request(options: InjectOptions): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({ ...options, headers: { cookie: this.cookieHeader, ...(options.headers ?? {}) } });
    this.remember(response);
    return response;
  }

  get(url: string, headers: Record<string, string> = {}) {
    return this.request({ method: 'GET', url, headers });
  }

  /** Posts a file upload form, with the CSRF token among its fields. */
  async upload(url: string, file: { filename: string; content: Buffer; contentType?: string } | undefined, fields: Record<string, string> = {}, headers: Record<string, string> = {}) {
    if (!this.csrf) await this.get('/login');
    const body = multipartBody({ _csrf: this.csrf, ...fields }, file);
    return this.request({ method: 'POST', url, headers: { ...body.headers, ...headers }, payload: body.payload });
  }

  /** Posts a form as a browser would, with the CSRF token (pass `_csrf: undefined` explicitly to leave it out). */
  async post(url: string, fields: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    if (!this.csrf) await this.get('/login');
    const body = '_csrf' in fields ? fields : { _csrf: this.csrf, ...fields };
    return this.request({ method: 'POST', url, headers: { ...formHeaders, ...headers }, payload: formBody(body as never) });
  }
}

/** Builds a multipart/form-data body as a browser sends a file upload. */
export function multipartBody(fields: Record<string, string>, file?: { field?: string; filename: string; content: Buffer; contentType?: string }) {
  const boundary = `----test${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`));
    parts.push(file.content, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Creates an account through the service (audited like any other). */
export async function createUser(app: FastifyInstance, role: Role, options: { areaId?: number; email?: string; name?: string; password?: string } = {}) {
  counter += 1;
  const email = options.email ?? `${role}-${counter}@sonla.gov.vn`;
  const service = app.services.users;
  const result = await service.createUser(
    systemActor('test'),
    { email, name: options.name ?? `Người dùng ${role} ${counter}`, role, areaId: options.areaId ?? null, password: options.password ?? TEST_PASSWORD },
    '',
  );
  if (!result.ok) throw new Error(`could not create user: ${JSON.stringify(result.errors)}`);
  return { id: result.value.id, email, password: options.password ?? TEST_PASSWORD };
}

/** A signed-in client for a new account with this role (and area). */
export async function loginAs(app: FastifyInstance, role: Role, options: { areaId?: number } = {}) {
  const user = await createUser(app, role, options);
  const client = new Client(app);
  await client.get('/login');
  const response = await client.post('/login', { email: user.email, password: user.password });
  if (response.statusCode !== 303) throw new Error(`login failed: ${response.statusCode}`);
  await client.get('/');
  return Object.assign(client, { user });
}

export type SignedInClient = Awaited<ReturnType<typeof loginAs>>;
