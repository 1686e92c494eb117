import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser } from '../helpers/auth.js';
import { chromiumPath, launchBrowser, signIn } from '../helpers/browser.js';
import { createReport, createRoundWithTeam, createVenue } from '../helpers/factories.js';

describe.skipIf(!chromiumPath)('follow-ups in a real browser', () => {
  let test: TestApp;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    test = await buildTestApp({ now: () => new Date('2025-03-12T03:00:00Z') });
    baseUrl = await test.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  it('a head adds a follow-up to a finding, and a comment appears in the thread without reloading the page', async () => {
    const head = await createUser(test.app, 'department_head', { name: 'Lò Thị Duyệt' });
    const inspector = await createUser(test.app, 'inspector');
    const roundId = createRoundWithTeam(test.app, [inspector.id]);
    const venueId = createVenue(test.app, { name: 'Karaoke Bình Minh' });
    const checkId = createReport(test.app, { roundId, venueId, inspectorId: inspector.id, reviewerId: head.id, status: 'approved', violations: ['F1'] });
    const finding = test.app.db.get<{ id: number }>(sql`select id from findings where check_id = ${checkId}`)!;

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 422/.test(message.text())) problems.push(message.text());
    });
    await signIn(page, baseUrl, head.email, head.password);
    await page.goto(`${baseUrl}/findings/${finding.id}`);
    await page.click('.add-follow-up summary');
    await page.selectOption('#field-measure', 'register_residence');
    await page.fill('#field-dueDate', '20/03/2025');
    await Promise.all([page.waitForURL(/\/follow-ups\/\d+$/), page.click('#follow-up-form .form-submit')]);

    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));
    await page.fill('#comment-body', 'Chủ cơ sở hẹn nộp giấy đăng ký tạm trú trước 18/03');
    await page.click('#comment-form button[type="submit"]');
    await page.waitForSelector('.comments .comment');
    expect(await page.locator('.comments .comment').textContent()).toContain('Chủ cơ sở hẹn nộp giấy đăng ký tạm trú');
    expect(await page.inputValue('#comment-body')).toBe('');
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page');
    // An empty comment is refused in place, still without a reload.
    await page.click('#comment-form button[type="submit"]');
    await page.waitForSelector('#comment-body-error');
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page');
    expect(await page.locator('.comments .comment').count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });
});
