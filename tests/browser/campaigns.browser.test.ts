import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser } from '../helpers/auth.js';
import { chromiumPath, launchBrowser, signIn } from '../helpers/browser.js';
import { district } from '../helpers/factories.js';

describe.skipIf(!chromiumPath)('a campaign in a real browser', () => {
  let test: TestApp;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    test = await buildTestApp({ now: () => new Date('2025-04-01T03:00:00Z') });
    baseUrl = await test.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  it('is created with targets; recording an outreach session moves its progress', async () => {
    const head = await createUser(test.app, 'department_head');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 422/.test(message.text())) problems.push(message.text());
    });
    await signIn(page, baseUrl, head.email, head.password);
    await page.goto(`${baseUrl}/campaigns/new`);
    await page.fill('#field-title', 'Tuyên truyền tháng 4 tại Sông Mã');
    await page.selectOption('#field-kind', 'awareness');
    await page.fill('#field-startDate', '01/04/2025');
    await page.fill('#field-endDate', '30/04/2025');
    await Promise.all([page.waitForURL(/\/campaigns\/\d+$/), page.click('#campaign-form .form-submit')]);
    const campaignUrl = page.url();

    const songMa = district(test.app, 'Sông Mã');
    const firstRow = page.locator('.targets-table tbody tr').first();
    await firstRow.locator('select[name="targetArea"]').selectOption(String(songMa.id));
    await firstRow.locator('input[name="target_sessions"]').fill('2');
    await firstRow.locator('input[name="target_participants"]').fill('100');
    await Promise.all([page.waitForURL(/#targets$/), page.click('#targets button[type="submit"]')]);
    expect(await page.locator('.overall').textContent()).toContain('0%');
    expect(await page.locator(`svg[data-metric="sessions"] rect.bar-actual[data-area="${songMa.id}"]`).getAttribute('width')).toBe('0');

    await page.click('a[href^="/outreach/new?campaign="]');
    await page.fill('#field-activityDate', '10/04/2025');
    await page.selectOption('#field-areaId', String(songMa.id));
    await page.fill('#field-village', 'Bản Huổi Một');
    await page.check('input[name="channels"][value="village_meeting"]');
    await page.check('input[name="topics"][value="border_treaty_law"]');
    await page.selectOption('#field-organisingAgency', 'border_guard');
    await page.check('input[name="targetGroups"][value="border_residents"]');
    await page.fill('#field-participantsTotal', '60');
    await page.fill('#field-participantsWomen', '70');
    await page.click('#outreach-form .form-submit');
    expect(await page.locator('#field-participantsWomen-error').textContent()).toContain('Số nữ không được lớn hơn tổng số (60).');
    expect(await page.inputValue('#field-village')).toBe('Bản Huổi Một');
    await page.fill('#field-participantsWomen', '35');
    await Promise.all([page.waitForURL(/\/outreach\/\d+$/), page.click('#outreach-form .form-submit')]);

    await page.goto(campaignUrl);
    const cells = await page.locator(`#progress-table tr[data-area="${songMa.id}"] td`).allTextContents();
    expect(cells.map((cell) => cell.replace(/\s+/g, ' ').trim())).toEqual(['0 / —', '0 / —', '1 / 2 (thiếu 1)', '60 / 100 (thiếu 40)']);
    expect(await page.locator(`svg[data-metric="sessions"] rect.bar-actual[data-area="${songMa.id}"]`).getAttribute('width')).toBe('100');
    expect(await page.locator('.overall').textContent()).toContain('55%');

    // On a phone the bars stay readable: no sideways scroll, every label and figure whole inside its chart at a
    // legible size, and the figures those of the table.
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const texts = await page.locator('svg.bar-chart').evaluateAll((charts) =>
      charts.flatMap((chart) => {
        const box = chart.getBoundingClientRect();
        return [...chart.querySelectorAll('text')].map((text) => {
          const own = text.getBoundingClientRect();
          return { text: text.textContent, inside: own.left >= box.left - 0.5 && own.right <= box.right + 0.5 && own.right <= 360, height: own.height };
        });
      }),
    );
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) {
      expect(text.inside, `${text.text} is cut`).toBe(true);
      expect(text.height, `${text.text} is too small`).toBeGreaterThanOrEqual(10);
    }
    const sessionsChart = await page.locator('svg[data-metric="sessions"] text').allTextContents();
    expect(sessionsChart).toEqual(['Huyện Sông Mã', '1/2']);
    expect(problems).toEqual([]);
    await page.close();
  });
});
