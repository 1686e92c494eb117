import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser } from '../helpers/auth.js';
import { chromiumPath, launchBrowser, signIn } from '../helpers/browser.js';
import { district } from '../helpers/factories.js';

describe.skipIf(!chromiumPath)('rounds in a real browser', () => {
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

  it('filters the list by district in place and puts the filter in the URL', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await signIn(page, baseUrl, head.email, head.password);
    await page.goto(`${baseUrl}/rounds`);
    await expect.poll(() => page.locator('#rounds-table tbody tr').count()).toBe(11);
    // A marker on window survives only if the page is not reloaded.
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));

    const songMa = district(test.app, 'Sông Mã');
    await page.selectOption('#filter-area', String(songMa.id));
    await page.waitForURL(`**/rounds?*area=${songMa.id}*`);
    await expect.poll(() => page.locator('#rounds-table tbody tr').count()).toBe(2);
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page');
    for (const text of await page.locator('#rounds-table tbody tr').allTextContents()) expect(text).toContain('Sông Mã');

    // The filtered URL is a page of its own.
    await page.reload();
    await expect.poll(() => page.locator('#rounds-table tbody tr').count()).toBe(2);
    expect(await page.locator('#filter-area').inputValue()).toBe(String(songMa.id));

    await page.fill('#q', 'khong co dot nao nhu the');
    await expect.poll(() => page.locator('.empty-state').textContent()).toContain('Không có đợt kiểm tra nào khớp bộ lọc');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('schedules a round on a 360-pixel-wide phone, with errors shown beside the fields', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 800 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().includes('status of 422')) problems.push(message.text());
    });
    await signIn(page, baseUrl, head.email, head.password);
    await page.goto(`${baseUrl}/rounds/new`);
    await page.fill('#field-title', 'Kiểm tra đột xuất quán karaoke');
    await page.selectOption('#field-kind', 'unannounced');
    await page.fill('#field-startDate', '20/05/2025');
    await page.fill('#field-endDate', '18/05/2025');
    await page.getByLabel('Huyện Sốp Cộp').check();
    await page.selectOption('#field-leadAgency', 'police');
    await page.click('#round-form .form-submit');
    await expect.poll(() => page.locator('#field-endDate-error').textContent()).toContain('Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.');
    expect(await page.inputValue('#field-title')).toBe('Kiểm tra đột xuất quán karaoke');

    await page.fill('#field-endDate', '22/05/2025');
    // A change asks for overlap warnings; their answer fills the warnings box and leaves the form as typed.
    const [overlaps] = await Promise.all([page.waitForResponse((response) => response.url().includes('/rounds/overlaps')), page.locator('#field-endDate').press('Tab')]);
    // The form's token and one-time key stay out of the GET's URL (and so out of logs and history).
    expect(overlaps.url()).not.toContain('_csrf');
    expect(overlaps.url()).not.toContain('submissionKey');
    await page.waitForTimeout(100);
    expect(await page.inputValue('#field-title')).toBe('Kiểm tra đột xuất quán karaoke');
    expect(await page.locator('#round-form #overlap-warnings').count()).toBe(1);
    await page.locator('input[name="teamName"]').first().fill('Hà Văn Cường');
    await page.locator('select[name="teamAgency"]').first().selectOption('border_guard');
    await page.click('[data-team-add]');
    await expect.poll(() => page.locator('#team-rows .team-row').count()).toBe(4);
    await page.click('#round-form .form-submit');
    await page.waitForURL(/\/rounds\/\d+$/);
    await expect.poll(async () => (await page.locator('h1').textContent())?.trim()).toBe('Kiểm tra đột xuất quán karaoke');
    await expect.poll(async () => (await page.locator('.flash').textContent())?.trim()).toBe('Đã lập đợt kiểm tra.');
    await expect.poll(() => page.locator('.details').textContent()).toContain('20/05/2025 – 22/05/2025');
    await expect.poll(() => page.locator('section[aria-labelledby="team-heading"]').textContent()).toContain('Bộ đội Biên phòng');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(360);
    expect(problems).toEqual([]);
    await page.close();
  });
});
