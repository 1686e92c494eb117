import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser, loginAs } from '../helpers/auth.js';
import { chromiumPath, launchBrowser, signIn } from '../helpers/browser.js';
import { district, outreachForm } from '../helpers/factories.js';

/** Where the screenshots go (SCREENSHOT_DIR, else the system's temporary folder), to be looked at. */
const shots = process.env.SCREENSHOT_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pcmbn-community-'));

describe.skipIf(!chromiumPath)('situations watched and a model’s page on a 360 px phone, without JavaScript', () => {
  let test: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let modelId: number;
  const area = () => district(test.app, 'Bắc Yên');

  beforeAll(async () => {
    test = await buildTestApp({ now: () => new Date('2025-05-20T03:00:00Z') });
    baseUrl = await test.app.listen({ port: 0, host: '127.0.0.1' });
    const head = await loginAs(test.app, 'department_head');
    for (const [month, count] of [['m1', '4'], ['m2', '9'], ['m3', '15'], ['m4', '7']]) {
      await head.post('/monitoring', { areaId: String(area().id), year: '2025', period: month, 'count-work_abroad': count, 'count-foreign_marriage': '1' });
    }
    const model = await head.post('/models', { name: 'Câu lạc bộ Gia đình hạnh phúc bản Suối Tọ', kind: 'happy_family_club', areaId: String(area().id), hostAgency: 'womens_union', startDate: '01/03/2024', members: '18' });
    modelId = Number(String(model.headers.location).split('/').pop());
    await head.post(`/models/${modelId}/members`, { asOf: '01/01/2025', members: '24', version: '1' });
    await head.post('/outreach', outreachForm({ activityDate: '10/04/2025', areaId: String(area().id), format: 'club_meeting', participantsTotal: '24', participantsWomen: '20', modelId: String(modelId) }));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  it('draws the chart with no script and no sideways scrolling, and shows a model’s activities, members and history', async () => {
    const head = await createUser(test.app, 'department_head', { areaId: area().id });
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, javaScriptEnabled: false, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signIn(page, baseUrl, head.email, head.password);
    await page.goto(`${baseUrl}/monitoring?year=2025&category=work_abroad`);
    const chart = page.locator('#monitoring-chart svg');
    const box = (await chart.boundingBox())!;
    expect(box.width).toBeGreaterThan(250);
    expect(box.width).toBeLessThanOrEqual(360);
    expect(await page.locator('#monitoring-chart rect.chart-bar[data-period="2025-03"]').getAttribute('height')).toBe('127.5');
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(shots, 'monitoring-360.png'), fullPage: true });
    await page.locator('#monitoring-chart').screenshot({ path: path.join(shots, 'monitoring-chart-360.png') });

    await page.goto(`${baseUrl}/models/${modelId}`);
    expect(await page.locator('#model-activities tbody tr').count()).toBe(1);
    expect(await page.locator('#model-members tbody tr').count()).toBe(2);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(shots, 'model-360.png'), fullPage: true });
    await context.close();
  });
});
