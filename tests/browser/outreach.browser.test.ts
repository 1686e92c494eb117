import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser } from '../helpers/auth.js';
import { chromiumPath, launchBrowser, signIn } from '../helpers/browser.js';
import { district } from '../helpers/factories.js';

/** Where the screenshots go (SCREENSHOT_DIR, else the system's temporary folder), to be looked at. */
const shots = process.env.SCREENSHOT_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pcmbn-outreach-'));

describe.skipIf(!chromiumPath)('an outreach activity on a 360 px phone', () => {
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

  it('shows the figures of the two channels chosen, and only theirs, and saves them', async () => {
    const area = district(test.app, 'Mai Sơn');
    const inspector = await createUser(test.app, 'inspector', { areaId: area.id });
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await signIn(page, baseUrl, inspector.email, inspector.password);
    await page.goto(`${baseUrl}/outreach/new`);
    // With JavaScript, no channel's figures show until it is chosen (nor the note meant for pages without it).
    expect(await page.locator('.channel-measures:visible').count()).toBe(0);
    expect(await page.locator('#field-channels .js-choice-note').isVisible()).toBe(false);
    await page.check('input[name="channels"][value="village_meeting"]');
    await page.check('input[name="channels"][value="zalo"]');
    expect(await page.locator('.channel-measures:visible').evaluateAll((blocks) => blocks.map((block) => block.id))).toEqual(['measures-village_meeting', 'measures-zalo']);
    expect(await page.inputValue('#field-m-village_meeting-sessions')).toBe('1');
    await page.fill('#field-m-zalo-posts', '2');
    await page.fill('#field-m-zalo-members', '850');
    await page.fill('#field-activityDate', '12/05/2025');
    await page.selectOption('#field-areaId', String(area.id));
    await page.selectOption('#field-organisingAgency', 'womens_union');
    await page.check('input[name="topics"][value="safe_migration"]');
    await page.check('input[name="targetGroups"][value="workers"]');
    await page.fill('#field-participantsTotal', '35');
    await page.fill('#field-participantsWomen', '20');
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
    await page.locator('#field-channels').screenshot({ path: path.join(shots, 'outreach-channels.png') });
    await Promise.all([page.waitForURL(/\/outreach\/\d+$/), page.click('#outreach-form .form-submit')]);
    expect(await page.locator('#activity-channels li').count()).toBe(2);
    const saved = test.app.db.all<{ channel: string; measure: string; value: number }>(sql`select channel, measure, value from outreach_measures order by channel, measure`);
    expect(saved).toEqual([
      { channel: 'village_meeting', measure: 'sessions', value: 1 },
      { channel: 'zalo', measure: 'members', value: 850 },
      { channel: 'zalo', measure: 'posts', value: 2 },
    ]);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
