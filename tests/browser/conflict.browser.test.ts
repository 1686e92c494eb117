import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser } from '../helpers/auth.js';
import { chromiumPath, launchBrowser, signIn } from '../helpers/browser.js';
import { actorOf, createReport, createRoundWithTeam, createVenue } from '../helpers/factories.js';
import { reportInput } from '../../src/modules/inspections/index.js';

describe.skipIf(!chromiumPath)('a conflict on a phone without JavaScript', () => {
  let test: TestApp;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    test = await buildTestApp();
    baseUrl = await test.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  it('compares field by field at 360 px, and saves the chosen version once', async () => {
    const inspector = await createUser(test.app, 'inspector');
    const roundId = createRoundWithTeam(test.app, [inspector.id]);
    const id = createReport(test.app, { roundId, venueId: createVenue(test.app), inspectorId: inspector.id });
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await signIn(page, baseUrl, inspector.email, inspector.password);
    await page.goto(`${baseUrl}/checks/${id}`);
    await page.fill('textarea[name="conclusion"]', 'Kết luận trên điện thoại');

    // Meanwhile the report is saved elsewhere.
    const actor = actorOf(test.app, inspector.id);
    const service = test.app.services.inspections;
    const saved = service.saveReport(actor, id, reportInput({ ...service.formValuesOf(service.getReport(actor, id)), conclusion: 'Kết luận trên máy chủ' }, 'save'));
    expect(saved.ok).toBe(true);

    await page.click('button[name="intent"][value="save"]');
    expect(await page.locator('#report-form .form-alert').textContent()).toContain('Biên bản vừa được lưu ở nơi khác');
    await Promise.all([page.waitForURL(`**/checks/${id}/conflict`), page.click(`button[formaction="/checks/${id}/conflict"]`)]);

    const field = page.locator('fieldset.conflict-field');
    expect(await field.count()).toBe(1);
    expect(await field.locator('[data-side="server"]').textContent()).toBe('Kết luận trên máy chủ');
    expect(await field.locator('[data-side="phone"]').textContent()).toBe('Kết luận trên điện thoại');
    expect(await page.isChecked('input[name="choice_conclusion"][value="phone"]')).toBe(true);
    // Nothing wider than the phone.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await page.screenshot({ path: '/tmp/conflict-360.png', fullPage: true });

    await page.fill('textarea[name="conclusion"]', 'Kết luận đã thống nhất');
    await Promise.all([page.waitForURL(`**/checks/${id}`), page.click('#conflict-form button[type="submit"]')]);
    const row = test.app.db.get<{ conclusion: string; version: number }>(sql`select conclusion, version from checks where id = ${id}`)!;
    expect(row).toEqual({ conclusion: 'Kết luận đã thống nhất', version: 3 });
    const actions = test.app.db.all<{ action: string }>(sql`select action from audit_log where record_type = 'check' and record_id = ${id} order by id`).map((entry) => entry.action);
    expect(actions.slice(-3)).toEqual(['update', 'conflict', 'conflictResolved']);
    await context.close();
  });
});
