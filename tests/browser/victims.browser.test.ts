import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser } from '../helpers/auth.js';
import { chromiumPath, launchBrowser, signIn } from '../helpers/browser.js';
import { district } from '../helpers/factories.js';

/** Where the screenshots go (SCREENSHOT_DIR, else the system's temporary folder), to be looked at. */
const shots = process.env.SCREENSHOT_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pcmbn-victims-'));

describe.skipIf(!chromiumPath)('victim support on a 360 px phone', () => {
  let test: TestApp;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    test = await buildTestApp({ now: () => new Date('2025-05-20T03:00:00Z') });
    baseUrl = await test.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  for (const javaScript of [true, false]) {
    it(`lets a head record a quarter after an over-count is refused, ${javaScript ? 'with' : 'without'} JavaScript`, async () => {
      // A head of one district, so each run starts from that district's empty list.
      const area = district(test.app, javaScript ? 'Sông Mã' : 'Bắc Yên');
      const head = await createUser(test.app, 'department_head', { areaId: area.id });
      const context = await browser.newContext({ viewport: { width: 360, height: 740 }, javaScriptEnabled: javaScript, isMobile: true, hasTouch: true });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error' && !/status of 422/.test(message.text())) problems.push(message.text());
      });
      await signIn(page, baseUrl, head.email, head.password);
      await page.goto(`${baseUrl}/victim-support`);
      expect(await page.locator('.empty-state').textContent()).toContain('Chưa có số liệu hỗ trợ nạn nhân nào.');
      await page.click('.page-head a[href="/victim-support/new"]');
      expect(await page.locator('#victims-privacy').textContent()).toContain('Không ghi họ tên, ngày sinh');
      await page.selectOption('#field-areaId', String(area.id));
      await page.selectOption('#field-year', '2025');
      await page.selectOption('#field-quarter', '1');
      await page.fill('#field-returned-female-adult', '6');
      await page.fill('#field-returned-female-child', '2');
      await page.fill('#field-route_rescued_border_guard-female-adult', '4');
      await page.fill('#field-route_with_ngo-female-adult', '3');
      await page.fill('#field-handed_to_family-female-adult', '6');
      await page.fill('#field-verified-female-child', '3');
      await Promise.all([page.waitForResponse((response) => response.request().method() === 'POST'), page.click('#victims-form .form-submit')]);
      await page.locator('.error-summary').waitFor();
      expect(await page.locator('#field-route_rescued_border_guard-female-adult-error').textContent()).toContain('Tổng các cách trở về (7) lớn hơn số trở về (6).');
      expect(await page.locator('#field-verified-female-child-error').textContent()).toContain('Không được lớn hơn số trở về (2).');
      expect(await page.inputValue('#field-route_with_ngo-female-adult')).toBe('3');
      expect(await sideways(page)).toBe(0);
      await page.screenshot({ path: path.join(shots, `victims-refused-${javaScript ? 'js' : 'nojs'}.png`), fullPage: true });
      await page.locator('#field-route_rescued_border_guard-female-adult').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(shots, `victims-refused-${javaScript ? 'js' : 'nojs'}-screen.png`) });

      // The first cell of the form sits inside the screen, tall enough for a thumb.
      const input = await page.locator('#field-returned-male-child').boundingBox();
      expect(input!.x + input!.width).toBeLessThanOrEqual(360);
      expect(input!.height).toBeGreaterThanOrEqual(44);

      await page.fill('#field-route_with_ngo-female-adult', '2');
      await page.fill('#field-verified-female-child', '2');
      await page.fill('#field-note', 'Tiếp nhận tại cửa khẩu, bàn giao cho gia đình.');
      await Promise.all([page.waitForURL(/\/victim-support\/\d+$/), page.click('#victims-form .form-submit')]);
      expect(await page.locator('.flash').first().textContent()).toContain('Đã ghi số liệu hỗ trợ nạn nhân.');
      expect(await page.locator('tr[data-measure="returned"] .victim-total').textContent()).toBe('8');
      expect(await sideways(page)).toBe(0);
      await page.screenshot({ path: path.join(shots, `victims-saved-${javaScript ? 'js' : 'nojs'}.png`), fullPage: true });
      await page.goto(`${baseUrl}/victim-support`);
      expect(await page.locator('#victims-table tbody tr').count()).toBe(1);
      expect(await sideways(page)).toBe(0);
      expect(problems).toEqual([]);
      await context.close();
    }, 60_000);
  }
});
