import fs from 'node:fs';
import http from 'node:http';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import compressPlugin from '../../src/plugins/compress.js';
import { preferredEncoding } from '../../src/plugins/static.js';
import { projectPath } from '../../src/lib/project-root.js';
import { buildTestApp, htmxHeaders, type TestApp } from '../helpers/app.js';
import { Client, loginAs, type SignedInClient } from '../helpers/auth.js';
import { createReport, createRoundWithTeam, createVenue } from '../helpers/factories.js';
import { html } from '../helpers/html.js';

let test: TestApp;
let head: SignedInClient;
const period = 'from=01/01/2025&to=31/12/2025';
const brotli = { 'accept-encoding': 'gzip, deflate, br' };

beforeAll(async () => {
  test = await buildTestApp();
  head = await loginAs(test.app, 'department_head');
  const inspector = await loginAs(test.app, 'inspector');
  const roundId = createRoundWithTeam(test.app, [inspector.user.id]);
  for (let index = 0; index < 3; index += 1) {
    createReport(test.app, { roundId, venueId: createVenue(test.app), inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'approved', violations: ['A1'] });
  }
});
afterAll(async () => {
  await test?.close();
});

/** The static files a page links to, from its <head>. */
function linkedAssets(body: string): string[] {
  const $ = html(body);
  return [...$('link[href^="/static/"]').map((_, element) => $(element).attr('href')!), ...$('script[src^="/static/"]').map((_, element) => $(element).attr('src')!)];
}

function decode(encoding: string | undefined, payload: Buffer): string {
  if (encoding === 'br') return zlib.brotliDecompressSync(payload).toString('utf8');
  if (encoding === 'gzip') return zlib.gunzipSync(payload).toString('utf8');
  return payload.toString('utf8');
}

describe('compression', () => {
  it('sends pages with brotli or gzip, whichever the browser takes, varying on Accept-Encoding', async () => {
    const plain = await head.get('/rounds');
    const br = await head.get('/rounds', brotli);
    const gzip = await head.get('/rounds', { 'accept-encoding': 'gzip' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(br.headers['content-encoding']).toBe('br');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    for (const response of [br, gzip]) {
      expect(String(response.headers.vary).toLowerCase()).toContain('accept-encoding');
      expect(String(response.headers.vary)).toContain('HX-Request');
      expect(response.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
    }
    // The same page once decoded, but for the form token, which differs in every answer.
    const strip = (body: string) => body.replaceAll(html(body)('meta[name="csrf-token"]').attr('content')!, '');
    expect(strip(decode('br', br.rawPayload))).toBe(strip(plain.body));
    expect(strip(decode('gzip', gzip.rawPayload))).toBe(strip(plain.body));
  });

  it('compresses htmx fragments too', async () => {
    const fragment = await head.get('/rounds?q=ki%E1%BB%83m', { ...htmxHeaders('results'), ...brotli });
    expect(fragment.statusCode).toBe(200);
    if (fragment.rawPayload.length >= 1024 || fragment.headers['content-encoding']) expect(fragment.headers['content-encoding']).toBe('br');
  });

  it('streams the CSV export compressed, with the same rows as without compression', async () => {
    const url = `/reports/records/reports.csv?${period}`;
    const plain = await head.get(url);
    const gzip = await head.get(url, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers['content-length']).toBeUndefined(); // streamed, not gathered first
    expect(gzip.headers['cache-control']).toBe('no-store');
    expect(decode('gzip', gzip.rawPayload)).toBe(plain.body);
    expect(plain.body.split('\r\n').length).toBeGreaterThan(3);
  });

  it('sends XLSX and PDF exports as they are: they are compressed already', async () => {
    for (const format of ['xlsx', 'pdf']) {
      const response = await head.get(`/reports/districts.${format}?${period}`, brotli);
      expect(response.statusCode, format).toBe(200);
      expect(response.headers['content-encoding'], format).toBeUndefined();
    }
    const xlsx = await head.get(`/reports/records/reports.xlsx?${period}`, brotli);
    expect(xlsx.headers['content-encoding']).toBeUndefined();
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });

  it('compresses a long stream as it flows, never holding all of it', async () => {
    // The stream ends only once the client has received compressed bytes: were the answer gathered before
    // compressing, nothing would arrive, and the stream would end from its fallback with nothing received.
    const app = Fastify();
    await app.register(compressPlugin);
    let receivedBeforeEnd = false;
    let clientGotData: () => void = () => undefined;
    const firstData = new Promise<void>((resolve) => (clientGotData = resolve));
    app.get('/export.csv', async (_request, reply) => {
      const line = 'mã,tên cơ sở,địa chỉ,ngày kiểm tra,kết luận\r\n';
      async function* rows() {
        for (let index = 0; index < 20_000; index += 1) yield `${index},${Math.random().toString(36).repeat(4)},${line}`;
        const fallback = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
        await Promise.race([firstData.then(() => (receivedBeforeEnd = true)), fallback]);
        yield 'hết\r\n';
      }
      return reply.type('text/csv; charset=utf-8').send(Readable.from(rows()));
    });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    const headers = await new Promise<http.IncomingHttpHeaders>((resolve, reject) => {
      http.get(`${base}/export.csv`, { headers: { 'accept-encoding': 'br' } }, (response) => {
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          clientGotData();
        });
        response.on('end', () => resolve(response.headers));
        response.on('error', reject);
      });
    });
    await app.close();
    expect(headers['content-encoding']).toBe('br');
    expect(receivedBeforeEnd).toBe(true);
    expect(decode('br', Buffer.concat(chunks)).endsWith('hết\r\n')).toBe(true);
  });

  it('chooses the encoding the browser accepts', () => {
    expect(preferredEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(preferredEncoding('gzip, deflate')).toBe('gzip');
    expect(preferredEncoding('br;q=0, gzip')).toBe('gzip');
    expect(preferredEncoding('identity')).toBeNull();
    expect(preferredEncoding(undefined)).toBeNull();
  });
});

describe('static files under content-hashed names', () => {
  it('links every static file of both layouts by a hashed name, answered with a year of immutable caching, precompressed', async () => {
    const signedIn = linkedAssets((await head.get('/rounds')).body);
    const anonymous = linkedAssets((await new Client(test.app).get('/login')).body);
    expect(signedIn).toHaveLength(8); // and, signed in, idb and the two offline scripts
    expect(anonymous).toHaveLength(5); // its three, and the two scripts of the next page, prefetched
    for (const url of new Set([...signedIn, ...anonymous])) {
      expect(url).toMatch(/^\/static\/[\w/.-]+\.[0-9a-f]{8}\.(css|js|svg)$/);
      const plain = await test.app.inject(url);
      const br = await test.app.inject({ url, headers: brotli });
      const gzip = await test.app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
      for (const response of [plain, br, gzip]) {
        expect(response.statusCode, url).toBe(200);
        expect(response.headers['cache-control'], url).toBe('public, max-age=31536000, immutable');
        expect(response.headers.vary, url).toBe('Accept-Encoding');
      }
      expect(br.headers['content-encoding'], url).toBe('br');
      expect(gzip.headers['content-encoding'], url).toBe('gzip');
      expect(decode('br', br.rawPayload), url).toBe(plain.body);
      expect(decode('gzip', gzip.rawPayload), url).toBe(plain.body);
      expect(plain.headers['content-encoding'], url).toBeUndefined();
      expect(plain.headers['x-content-type-options'], url).toBe('nosniff');
    }
    const css = signedIn.find((url) => url.includes('/css/app.'))!;
    expect((await test.app.inject(css)).body).toBe(fs.readFileSync(projectPath('static/css/app.css'), 'utf8'));
    expect((await test.app.inject(css)).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers 404 for a stale or unknown hash, and for files that are not served', async () => {
    const css = linkedAssets((await head.get('/rounds')).body).find((url) => url.includes('/css/app.'))!;
    for (const url of [css.replace(/\.[0-9a-f]{8}\./, '.00000000.'), '/static/css/nothing.css', '/static/vendor/htmx/htmx.js', '/static/../package.json', '/static/vendor/pico/../../../package.json']) {
      const response = await test.app.inject(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['cache-control'], url).toBe('no-store');
    }
  });

  it('still answers the plain names, revalidated each time (for the self-contained error page and old links)', async () => {
    for (const url of ['/static/css/app.css', '/static/vendor/pico/pico.min.css', '/static/vendor/htmx/htmx.min.js']) {
      const response = await test.app.inject(url);
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['cache-control'], url).toBe('no-cache');
      const again = await test.app.inject({ url, headers: { 'if-none-match': String(response.headers.etag) } });
      expect(again.statusCode, url).toBe(304);
    }
  });

  it('gives a changed file a new name outside production, so an edited stylesheet shows at once', async () => {
    const name = `test-${process.pid}-${Date.now()}.css`;
    const file = projectPath('static', name);
    try {
      fs.writeFileSync(file, 'main { color: #111; }\n');
      const first = test.app.asset(name);
      expect((await test.app.inject(first)).body).toBe('main { color: #111; }\n');
      fs.writeFileSync(file, 'main { color: #222; }\n');
      fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
      const second = test.app.asset(name);
      expect(second).not.toBe(first);
      expect((await test.app.inject(second)).body).toBe('main { color: #222; }\n');
      expect((await test.app.inject(first)).statusCode).toBe(404);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('keeps the Content-Security-Policy to the app’s own files', async () => {
    const page = await head.get('/rounds');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("style-src 'self'");
    for (const url of linkedAssets(page.body)) expect(url.startsWith('/static/')).toBe(true);
  });
});

describe('no copy of a page is kept', () => {
  it('marks pages, 422 and error pages, fragments and redirects no-store', async () => {
    const anonymous = new Client(test.app);
    const answers = [
      await head.get('/rounds'),
      await head.get('/rounds', htmxHeaders('results')),
      await head.get(`/reports/districts?from=2024-13-45`),
      await head.post('/rounds', { title: '' }),
      await head.get('/rounds/999999'),
      await head.get('/no-such-page'),
      await anonymous.get('/rounds'),
      await anonymous.get('/login'),
      await anonymous.post('/login', { email: 'nobody@example.org', password: 'sai' }),
    ];
    expect(answers.map((response) => response.statusCode)).toEqual([200, 200, 422, 422, 404, 404, 303, 200, 401]);
    for (const response of answers) expect(response.headers['cache-control'], `${response.statusCode} ${response.headers['content-type']}`).toBe('no-store');
  });

  it('clears the browser cache at sign-out', async () => {
    const person = await loginAs(test.app, 'inspector');
    const out = await person.post('/logout');
    expect(out.statusCode).toBe(303);
    expect(out.headers['clear-site-data']).toBe('"cache"');
    expect(out.headers['cache-control']).toBe('no-store');
  });
});
