import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { loginAs } from '../helpers/auth.js';
import { district, roundFields } from '../helpers/factories.js';
import { html } from '../helpers/html.js';
import { loadConfig } from '../../src/config.js';

let test: TestApp;
beforeAll(async () => {
  test = await buildTestApp();
});
afterAll(async () => {
  await test.close();
});

/** Sends raw bytes to a listening server and returns what came back. */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    setTimeout(() => socket.destroy(), 5_000);
  });
}

describe('requests refused before routing', () => {
  it('answers a URL that does not parse with the app’s own page, not framework JSON', async () => {
    for (const url of ['/rounds/%E0%A4%A', '/%', '/checks/%C0%AF']) {
      const response = await test.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(400);
      expect(response.headers['content-type'], url).toContain('text/html');
      expect(response.body, url).toContain('Yêu cầu không hợp lệ');
      expect(response.body, url).not.toContain('FST_ERR');
      expect(response.body, url).not.toContain('"statusCode"');
      expect(response.headers['content-security-policy'], url).toContain("default-src 'self'");
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
    }
  });

  it('answers a header with forbidden characters, or a broken request line, with an HTML page', async () => {
    const listening = await buildTestApp();
    await listening.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (listening.app.server.address() as net.AddressInfo).port;
    try {
      for (const request of ['GET / HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n', 'GET /\u0000 HTTP/1.1\r\nHost: x\r\n\r\n', 'NOT A REQUEST\r\n\r\n']) {
        const answer = await rawRequest(port, request);
        expect(answer).toMatch(/^HTTP\/1\.1 400/);
        expect(answer).toContain('Content-Type: text/html');
        expect(answer).toContain('Yêu cầu không hợp lệ');
        expect(answer).not.toContain('"error"');
      }
    } finally {
      await listening.close();
    }
  });
});

describe('one-time form keys', () => {
  it('answers 409, not 500, when another person sends a key already used, and writes nothing', async () => {
    const first = await loginAs(test.app, 'department_head');
    const second = await loginAs(test.app, 'department_head');
    const key = html((await first.get('/rounds/new')).body)('input[name="submissionKey"]').val() as string;
    expect((await first.post('/rounds', { ...roundFields(test.app), submissionKey: key })).statusCode).toBe(303);
    const before = test.app.db.get<{ n: number }>(sql`select count(*) as n from rounds`)!.n;
    const reused = await second.post('/rounds', { ...roundFields(test.app, { title: 'Đợt của người khác' }), submissionKey: key });
    expect(reused.statusCode).toBe(409);
    expect(reused.body).toContain('Biểu mẫu này đã được dùng');
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from rounds`)!.n).toBe(before);
  });

  it('answers 409, not 500, when a key is reused for another kind of form', async () => {
    const head = await loginAs(test.app, 'department_head');
    const key = html((await head.get('/rounds/new')).body)('input[name="submissionKey"]').val() as string;
    expect((await head.post('/rounds', { ...roundFields(test.app), submissionKey: key })).statusCode).toBe(303);
    const venue = await head.post('/venues', { name: 'Karaoke Hoa Mai', kind: 'karaoke', areaId: district(test.app, 'Sông Mã').id, address: 'Bản Lầu', submissionKey: key });
    expect(venue.statusCode).toBe(409);
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from venues where name = 'Karaoke Hoa Mai'`)!.n).toBe(0);
  });
});

describe('production settings', () => {
  it('refuses to start in production without COOKIE_SECURE, naming the setting', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/COOKIE_SECURE/);
    expect(loadConfig({ NODE_ENV: 'production', COOKIE_SECURE: 'false' }).COOKIE_SECURE).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', COOKIE_SECURE: 'true' }).COOKIE_SECURE).toBe(true);
  });

  it('loads no sample data in production unless asked', () => {
    expect(loadConfig({ NODE_ENV: 'production', COOKIE_SECURE: 'true' }).SAMPLE_DATA).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', COOKIE_SECURE: 'true', SAMPLE_DATA: 'true' }).SAMPLE_DATA).toBe(true);
    expect(loadConfig({}).SAMPLE_DATA).toBe(true);
  });

  it('takes TRUST_PROXY as proxy addresses, and refuses a hop count or a word it does not know', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 192.168.1.0/24' }).TRUST_PROXY).toBe('10.0.0.5,192.168.1.0/24');
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).TRUST_PROXY).toBe('loopback');
    expect(() => loadConfig({ TRUST_PROXY: '1' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
  });

  it('takes SESSION_MAX_HOURS, 12 by default', () => {
    expect(loadConfig({}).SESSION_MAX_HOURS).toBe(12);
    expect(() => loadConfig({ SESSION_MAX_HOURS: '0' })).toThrow(/SESSION_MAX_HOURS/);
  });
});

describe('general rate limit', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '8' } });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('limits pages open without signing in, per address, with the Vietnamese 429 page', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 9; index += 1) statuses.push((await limited.app.inject({ method: 'GET', url: '/login', remoteAddress: '10.8.0.1' })).statusCode);
    expect(statuses.slice(0, 8).every((status) => status === 200)).toBe(true);
    const refused = await limited.app.inject({ method: 'GET', url: '/login', remoteAddress: '10.8.0.1' });
    expect(refused.statusCode).toBe(429);
    expect(refused.body).toContain('Quá nhiều yêu cầu');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await limited.app.inject({ method: 'GET', url: '/login', remoteAddress: '10.8.0.2' })).statusCode).toBe(200);
    // Health checks are never limited.
    for (let index = 0; index < 12; index += 1) expect((await limited.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.8.0.1' })).statusCode).toBe(200);
  });

  it('limits exports per person, and leaves ordinary signed-in pages alone', async () => {
    const auditor = await loginAs(limited.app, 'auditor');
    for (let index = 0; index < 12; index += 1) expect((await auditor.get('/rounds')).statusCode).toBe(200);
    const exports = [];
    for (let index = 0; index < 3; index += 1) exports.push((await auditor.get('/reports/districts.csv?from=2024-01-01&to=2024-12-31')).statusCode);
    expect(exports).toEqual([200, 200, 429]);
    const other = await loginAs(limited.app, 'auditor');
    expect((await other.get('/reports/districts.csv?from=2024-01-01&to=2024-12-31')).statusCode).toBe(200);
  });
});
