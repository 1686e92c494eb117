import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser } from '../helpers/auth.js';
import { chromiumPath, launchBrowser, signIn } from '../helpers/browser.js';
import { createRound, district } from '../helpers/factories.js';

describe.skipIf(!chromiumPath)('without JavaScript, and when htmx never arrives', () => {
  let test: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let head: { email: string; password: string };

  beforeAll(async () => {
    test = await buildTestApp({ env: { SAMPLE_DATA: 'true' } });
    baseUrl = await test.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
    head = await createUser(test.app, 'department_head');
  });
  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  /** Filters the rounds by Sông Mã with the filter's own button, as a page without htmx must. */
  async function filterRoundsWithButton(page: Page) {
    await page.goto(`${baseUrl}/rounds`);
    expect(await page.locator('#rounds-table tbody tr').count()).toBe(11);
    const button = page.locator('#round-filters button[type="submit"]');
    expect(await button.isVisible()).toBe(true);
    const songMa = district(test.app, 'Sông Mã');
    await page.selectOption('#filter-area', String(songMa.id));
    await Promise.all([page.waitForURL(`**/rounds?*area=${songMa.id}*`), button.click()]);
    expect(page.url()).not.toContain('_csrf');
    expect(await page.locator('#rounds-table tbody tr').count()).toBe(2);
    for (const text of await page.locator('#rounds-table tbody tr').allTextContents()) expect(text).toContain('Sông Mã');
  }

  it('adds a team member and filters a list with JavaScript turned off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await signIn(page, baseUrl, head.email, head.password);

    await page.goto(`${baseUrl}/rounds/new`);
    expect(await page.locator('#team-rows .team-row').count()).toBe(3);
    await page.fill('#field-title', 'Đợt thêm người không JavaScript');
    await page.fill('#field-startDate', '10/03/2025');
    await page.locator('#team-rows .team-row').nth(0).locator('input[name="teamName"]').fill('Nguyễn Văn An');
    await Promise.all([page.waitForURL('**/rounds#team-row-4'), page.click('button[data-team-add]')]);
    expect(await page.locator('#team-rows .team-row').count()).toBe(4);
    expect(await page.inputValue('#field-title')).toBe('Đợt thêm người không JavaScript');
    expect(await page.inputValue('#field-startDate')).toBe('10/03/2025');
    expect(await page.locator('#team-rows .team-row').nth(0).locator('input[name="teamName"]').inputValue()).toBe('Nguyễn Văn An');
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from rounds where title = 'Đợt thêm người không JavaScript'`)!.n).toBe(0);

    await filterRoundsWithButton(page);
    await context.close();
  });

  it('keeps the filter buttons, and they work, when htmx.min.js fails to load', async () => {
    // No service worker: it would keep its own copy of htmx, which the blocked network could not stop.
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.route('**/htmx*.js', (route) => route.abort());
    await signIn(page, baseUrl, head.email, head.password);

    await filterRoundsWithButton(page);
    expect(await page.evaluate(() => document.documentElement.classList.contains('htmx-active'))).toBe(false);
    for (const [url, form] of [
      ['/calendar', '#calendar-filter'],
      ['/findings', 'form.filters'],
      ['/follow-ups', 'form.filters'],
      ['/campaigns', 'form.filters'],
      ['/checks', 'form.filters'],
    ] as const) {
      await page.goto(`${baseUrl}${url}`);
      expect(await page.locator(`${form} button[type="submit"]`).isVisible(), url).toBe(true);
    }
    await context.close();
  });

  it('hides the filter buttons once htmx runs, since the filters then apply as they change', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await signIn(page, baseUrl, head.email, head.password);
    await page.goto(`${baseUrl}/calendar`);
    await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains('htmx-active'))).toBe(true);
    expect(await page.locator('#calendar-filter button[type="submit"]').isVisible()).toBe(false);
    await context.close();
  });

  it('asks once before completing a round: the dialog with JavaScript, the confirmation step without', async () => {
    const withScript = await browser.newContext();
    const page = await withScript.newPage();
    await signIn(page, baseUrl, head.email, head.password);
    const first = createRound(test.app, { title: 'Đợt hoàn thành có JavaScript' });
    test.app.db.run(sql`update rounds set status = 'in_progress' where id = ${first}`);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept();
    });
    await page.goto(`${baseUrl}/rounds/${first}`);
    await page.click('form[action$="/status"] button:has-text("Hoàn thành")');
    await page.locator('.flash').waitFor();
    expect(dialogs).toEqual(['Đánh dấu đợt kiểm tra đã hoàn thành?']);
    expect(await page.locator('.confirm-step').count()).toBe(0);
    expect(test.app.db.get<{ status: string }>(sql`select status from rounds where id = ${first}`)!.status).toBe('completed');
    await withScript.close();

    const withoutScript = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
    const plain = await withoutScript.newPage();
    await signIn(plain, baseUrl, head.email, head.password);
    const second = createRound(test.app, { title: 'Đợt hoàn thành không JavaScript' });
    test.app.db.run(sql`update rounds set status = 'in_progress' where id = ${second}`);
    await plain.goto(`${baseUrl}/rounds/${second}`);
    await plain.click('form[action$="/status"] button:has-text("Hoàn thành")');
    await plain.locator('.confirm-step').waitFor();
    expect(test.app.db.get<{ status: string }>(sql`select status from rounds where id = ${second}`)!.status).toBe('in_progress');
    await plain.click('.confirm-step button[type="submit"]');
    await plain.locator('.flash').waitFor();
    expect(plain.url()).toBe(`${baseUrl}/rounds/${second}`);
    expect(test.app.db.get<{ status: string }>(sql`select status from rounds where id = ${second}`)!.status).toBe('completed');
    await withoutScript.close();
  });

  it('asks once before publishing a checklist version with JavaScript (the button’s own dialog)', async () => {
    const admin = await createUser(test.app, 'admin');
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, baseUrl, admin.email, admin.password);
    await page.goto(`${baseUrl}/admin/checklists`);
    await Promise.all([page.waitForURL(/\/admin\/checklists\/\d+$/), page.click('form[action="/admin/checklists"]:has(input[name="code"][value="venue-inspection"]) button[type="submit"]')]);
    const id = Number(page.url().split('/').pop());
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept();
    });
    await page.click('button[name="publish"]');
    await page.locator('.flash').waitFor();
    expect(dialogs).toHaveLength(1);
    expect(test.app.db.get<{ status: string }>(sql`select status from checklist_templates where id = ${id}`)!.status).toBe('published');
    await context.close();
  });
});
