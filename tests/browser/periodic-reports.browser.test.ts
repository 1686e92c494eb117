import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser } from '../helpers/auth.js';
import { chromiumPath, launchBrowser, signIn } from '../helpers/browser.js';
import { systemActor } from '../../src/access/actor.js';

/**
 * After the reform communes report straight to the province: a commune's head submits, the province's head
 * returns it with a comment, the commune's head corrects and resubmits, the province's head accepts.
 */
describe.skipIf(!chromiumPath)('a periodic report sent up and signed off', () => {
  let test: TestApp;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    test = await buildTestApp({ now: () => new Date('2025-10-03T03:00:00Z') });
    baseUrl = await test.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
    const created = test.app.services.periodicReports.createPeriod(systemActor('test'), {
      kind: 'quarterly',
      title: 'Quý III/2025',
      campaignId: null,
      periodStart: '2025-07-01',
      periodEnd: '2025-09-30',
      dueCommune: '2025-10-05',
      dueDistrict: null,
      dueProvince: '2025-10-15',
    });
    expect(created.ok).toBe(true);
  });
  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  async function pageFor(email: string, password: string): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 422/.test(message.text())) problems.push(message.text());
    });
    await signIn(page, baseUrl, email, password);
    return { page, problems };
  }

  it('submit → return with a comment → resubmit → accept', async () => {
    const area = test.app.catalog.communes[0]!;
    const communeHead = await createUser(test.app, 'department_head', { areaId: area.id });
    const provinceHead = await createUser(test.app, 'department_head');
    const commune = await pageFor(communeHead.email, communeHead.password);

    // The home page says the report is due; "Lập báo cáo" builds the draft.
    expect(await commune.page.locator('#reports-due li[data-state="due"]').textContent()).toContain('Quý III/2025');
    await commune.page.goto(`${baseUrl}/periodic-reports`);
    await Promise.all([commune.page.waitForURL(/\/periodic-reports\/\d+$/), commune.page.click('#periods button[type="submit"]')]);
    const reportUrl = commune.page.url();
    await commune.page.fill('#field-assessment', 'Tổ chức 2 buổi tuyên truyền.');
    await commune.page.fill('#field-proposals', 'Đề nghị tỉnh cấp tài liệu.');
    await Promise.all([commune.page.waitForURL(reportUrl), commune.page.click('#submit-report')]);
    expect(await commune.page.locator('#report-status').getAttribute('data-status')).toBe('submitted');

    const province = await pageFor(provinceHead.email, provinceHead.password);
    await province.page.goto(`${baseUrl}/periodic-reports/inbox`);
    await Promise.all([province.page.waitForURL(reportUrl), province.page.click(`#inbox a:has-text("${area.name}")`)]);
    await province.page.fill('#field-comment', 'Bổ sung số người tham dự.');
    await Promise.all([province.page.waitForURL(reportUrl), province.page.click('#return-report')]);
    expect(await province.page.locator('#report-status').getAttribute('data-status')).toBe('returned');

    await commune.page.goto(reportUrl);
    expect(await commune.page.locator('#return-comment').textContent()).toContain('Bổ sung số người tham dự.');
    expect(await commune.page.inputValue('#field-assessment')).toBe('Tổ chức 2 buổi tuyên truyền.');
    await commune.page.fill('#field-assessment', 'Tổ chức 2 buổi tuyên truyền, 120 người tham dự.');
    await Promise.all([commune.page.waitForURL(reportUrl), commune.page.click('#submit-report')]);
    expect(await commune.page.locator('#report-status').getAttribute('data-status')).toBe('submitted');

    await province.page.goto(reportUrl);
    expect(await province.page.locator('#narrative-text').textContent()).toContain('120 người tham dự');
    await Promise.all([province.page.waitForURL(reportUrl), province.page.click('#accept-report')]);
    expect(await province.page.locator('#report-status').getAttribute('data-status')).toBe('accepted');
    expect(await province.page.locator('#history li').allTextContents()).toHaveLength(4);
    expect(commune.problems).toEqual([]);
    expect(province.problems).toEqual([]);
  });
});
