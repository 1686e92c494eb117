import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { Client, createUser, loginAs } from '../helpers/auth.js';
import { localPath } from '../../src/lib/paths.js';

let test: TestApp;
beforeAll(async () => {
  test = await buildTestApp();
});
afterAll(async () => {
  await test.close();
});

/** Values an attacker puts in `next` or `returnTo` to send a person to another site after signing in. */
const payloads = [
  '/\t/evil.example',
  '/%09/evil.example',
  '//evil.example',
  '///evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  '/\\/evil.example',
  '/%2F/evil.example',
  '/%2f%2fevil.example',
  '/%5C/evil.example',
  '/%5cevil.example',
  '/\r\n/evil.example',
  '/%0d%0a/evil.example',
  '/%0D%0ALocation: http://evil.example',
  '/\n/evil.example',
  ' /evil.example',
  '/ /evil.example',
  '/\u0000/evil.example',
  '/\u000b/evil.example',
  '/\u00a0/evil.example',
  '/\u2028/evil.example',
  '/\u3000/evil.example',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'http://evil.example',
  'https://evil.example/',
  '//evil。example',
  '//evil%E3%80%82example',
  '/%2e%2e//evil.example',
  '/./../..//evil.example',
  '/../evil.example/..//x',
  'evil.example',
  '',
  '/@evil.example\\',
  'data:text/html,<script>alert(1)</script>',
  '/\u202e/evil.example',
  '/%00',
];

describe('return paths', () => {
  it.each(payloads)('never leads off the site: %j', (payload) => {
    const path = localPath(payload);
    const url = new URL(path, 'https://app.example');
    expect(url.origin).toBe('https://app.example');
    expect(path.startsWith('//')).toBe(false);
    // eslint-disable-next-line no-control-regex
    expect(path).not.toMatch(/[\\\s\u0000-\u001f]/);
  });

  it('keeps odd but local paths on the site', () => {
    expect(localPath('/javascript:alert(1)//')).toBe('/javascript:alert(1)//');
    expect(localPath('/。/evil.example')).toBe('/%E3%80%82/evil.example');
  });

  it('keeps an ordinary local path with its query (non-ASCII encoded)', () => {
    expect(localPath('/rounds?year=2024&q=song%20ma')).toBe('/rounds?year=2024&q=song%20ma');
    expect(localPath('/venues?q=Sông Mã'.replace(' ', '%20'))).toBe('/venues?q=S%C3%B4ng%20M%C3%A3');
    expect(localPath('/checks/12#answers')).toBe('/checks/12#answers');
  });

  it('lands on / for each payload after signing in, on GET /login when signed in, and after switching language', async () => {
    const user = await createUser(test.app, 'auditor');
    const signedIn = await loginAs(test.app, 'auditor');
    for (const payload of payloads) {
      const client = new Client(test.app);
      await client.get('/login');
      const login = await client.post('/login', { email: user.email, password: user.password, next: payload });
      expect(login.statusCode, JSON.stringify(payload)).toBe(303);
      expect(login.headers.location, JSON.stringify(payload)).toBe('/');

      const again = await signedIn.get(`/login?next=${encodeURIComponent(payload)}`);
      expect(again.statusCode, JSON.stringify(payload)).toBe(303);
      expect(again.headers.location, JSON.stringify(payload)).toBe('/');

      const language = await signedIn.post('/language', { lang: 'vi', returnTo: payload });
      expect(language.statusCode, JSON.stringify(payload)).toBe(303);
      expect(language.headers.location, JSON.stringify(payload)).toBe('/');
    }
  });

  it('answers a control or non-ASCII character in next or returnTo without an error page', async () => {
    const client = await loginAs(test.app, 'inspector');
    for (const value of ['/r\u0001', '/rounds?q=Sông Mã', '/đợt-kiểm-tra', '/\u0085x']) {
      const language = await client.post('/language', { lang: 'vi', returnTo: value });
      expect(language.statusCode).toBe(303);
      expect(() => new URL(language.headers.location as string, 'http://x')).not.toThrow();
      expect(String(language.headers.location)).toMatch(/^[\x21-\x7e]+$/);
      const page = await client.get(`/login?next=${encodeURIComponent(value)}`);
      expect(page.statusCode).toBe(303);
    }
    const fresh = new Client(test.app);
    const form = await fresh.get('/login?next=%2Frounds%3Fq%3DS%C3%B4ng');
    expect(form.statusCode).toBe(200);
  });
});
