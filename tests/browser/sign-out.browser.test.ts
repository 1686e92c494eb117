import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser } from '../helpers/auth.js';
import { chromiumPath, launchBrowser, signIn } from '../helpers/browser.js';

describe.skipIf(!chromiumPath)('after signing out, in a real browser', () => {
  let test: TestApp;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    test = await buildTestApp({ env: { SAMPLE_DATA: 'true' } });
    baseUrl = await test.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  it('Back shows no signed-in page, and the profile lists the session until it ends', async () => {
    const user = await createUser(test.app, 'department_head', { name: 'Lò Thị Hạnh' });
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await signIn(page, baseUrl, user.email, user.password);
    await page.goto(`${baseUrl}/profile`);
    expect(await page.locator('#sessions tbody tr').count()).toBe(1);
    expect(await page.locator('#sessions').textContent()).toContain('Phiên này');
    await page.goto(`${baseUrl}/rounds`);
    expect(await page.locator('h1').textContent()).toContain('Đợt kiểm tra');

    // On a phone, signing out sits in the menu.
    await page.click('.site-menu > summary');
    await Promise.all([page.waitForURL(`${baseUrl}/login`), page.click('.logout-form button')]);
    await page.goBack();
    await page.waitForLoadState();
    // The signed-in page is not shown again from any cache: the browser asks the server, which sends the sign-in page.
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.locator('body').textContent()).not.toContain('Lò Thị Hạnh');
    await context.close();
  });

  it('Back through every page visited, fragments swapped in by htmx too, shows only the sign-in page', async () => {
    const user = await createUser(test.app, 'inspector', { name: 'Quàng Văn Sơn' });
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await signIn(page, baseUrl, user.email, user.password);
    await page.goto(`${baseUrl}/rounds`);
    const round = await page.locator('#rounds-results a[href^="/rounds/"]').first().getAttribute('href');
    await page.goto(`${baseUrl}${round}`);
    await page.goto(`${baseUrl}/venues`);
    // A search swapped in by htmx, which also adds an entry to the history.
    await Promise.all([page.waitForURL((url) => url.searchParams.get('q') === 'karaoke'), page.fill('#venue-q', 'karaoke')]);
    await page.goto(`${baseUrl}/profile`);
    const visited = 6; // sign-in page, home, rounds, a round, venues, the search

    await page.click('.site-menu > summary');
    await Promise.all([page.waitForURL(`${baseUrl}/login`), page.click('.logout-form button')]);
    for (let step = 0; step < visited; step += 1) {
      if (!(await page.goBack())) break;
      await page.waitForLoadState();
      expect(new URL(page.url()).pathname, `Back ${step + 1}`).toBe('/login');
      const body = (await page.locator('body').textContent()) ?? '';
      expect(body, `Back ${step + 1}`).not.toContain('Quàng Văn Sơn');
      expect(await page.locator('.logout-form').count(), `Back ${step + 1}`).toBe(0);
    }
    await context.close();
  });
});
