import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Role } from '../../db/schema/index.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser } from '../helpers/auth.js';
import { chromiumPath, launchBrowser } from '../helpers/browser.js';

const roleNames: Record<Role, string> = {
  admin: 'Quản trị',
  department_head: 'Lãnh đạo phòng/ban',
  inspector: 'Cán bộ kiểm tra',
  auditor: 'Thanh tra, kiểm toán',
};

describe.skipIf(!chromiumPath)('signing in and out in a real browser', () => {
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

  for (const role of Object.keys(roleNames) as Role[]) {
    it(`signs in as ${role}, lands on the home page for that role, and signs out`, async () => {
      const user = await createUser(test.app, role, { name: `Người ${role}` });
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        // The refused sign-in answers 401 on purpose; anything else (a script error, a CSP violation) is a problem.
        if (message.type() === 'error' && !message.text().includes('status of 401')) problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));

      await page.goto(`${baseUrl}/rounds`);
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.fill('#email', user.email);
      await page.fill('#password', 'sai mật khẩu');
      await page.click('form[action="/login"] button[type="submit"]');
      expect(await page.locator('.form-alert').textContent()).toContain('Email hoặc mật khẩu không đúng');
      expect(await page.inputValue('#email')).toBe(user.email);

      await page.fill('#password', user.password);
      await Promise.all([page.waitForURL(`${baseUrl}/rounds`), page.click('form[action="/login"] button[type="submit"]')]);
      await page.goto(baseUrl);
      expect(await page.locator('h1').textContent()).toBe(`Xin chào, Người ${role}`);
      expect(await page.locator('hgroup p').textContent()).toContain(roleNames[role]);
      expect(await page.locator('a[href="/rounds/new"]').count()).toBe(['admin', 'department_head'].includes(role) ? 1 : 0);
      expect(await page.locator('nav a[href="/audit"]').count()).toBe(['admin', 'auditor'].includes(role) ? 1 : 0);
      expect(await page.locator('nav a[href="/admin/users"]').count()).toBe(role === 'admin' ? 1 : 0);

      await page.locator('#rounds-link, nav a[href="/rounds"]').first().click();
      await page.selectOption('#filter-status', 'completed');
      await page.waitForURL(/status=completed/);

      await Promise.all([page.waitForURL(`${baseUrl}/login`), page.click('.logout-form button')]);
      await page.goto(`${baseUrl}/rounds`);
      expect(new URL(page.url()).pathname).toBe('/login');
      expect(problems).toEqual([]);
      await context.close();
    });
  }
});
