import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';

describe('GET /healthz', () => {
  it('answers 200 {"status":"ok"} after querying the database', async () => {
    const test = await buildTestApp();
    const response = await test.app.inject('/healthz');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
    await test.close();
  });

  it('answers 503 when the database cannot be read', async () => {
    const test = await buildTestApp();
    test.app.db.$client.close();
    const response = await test.app.inject('/healthz');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'unavailable' });
    await test.close();
  });
});

describe('pages for errors and assets', () => {
  it('answers an unknown page with a Vietnamese 404 page', async () => {
    const test = await buildTestApp();
    const response = await test.app.inject('/no-such-page');
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain('Không tìm thấy trang');
    await test.close();
  });

  it('serves htmx and Pico CSS from the installed packages, with a CSP that forbids inline scripts', async () => {
    const test = await buildTestApp();
    const htmx = await test.app.inject('/static/vendor/htmx/htmx.min.js');
    expect(htmx.statusCode).toBe(200);
    expect(htmx.body).toContain('htmx');
    expect((await test.app.inject('/static/vendor/pico/pico.min.css')).statusCode).toBe(200);
    expect((await test.app.inject('/static/vendor/htmx/../../../package.json')).statusCode).toBe(404);
    const page = await test.app.inject('/');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).not.toMatch(/<script>(?!<\/script>)/);
    await test.close();
  });
});
