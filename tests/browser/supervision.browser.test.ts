import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser } from '../helpers/auth.js';
import { chromiumPath, launchBrowser, signIn } from '../helpers/browser.js';
import { createRound, district } from '../helpers/factories.js';
import { pageText, pdfPages } from '../helpers/documents.js';
import { systemActor } from '../../src/access/actor.js';

/** Where the screenshots go (SCREENSHOT_DIR, else the system's temporary folder), to be looked at. */
const shots = process.env.SCREENSHOT_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pcmbn-supervision-'));

describe.skipIf(!chromiumPath)('a supervision record on a desktop', () => {
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

  async function open(email: string, password: string): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 422/.test(message.text())) problems.push(message.text());
    });
    await signIn(page, baseUrl, email, password);
    return { page, problems };
  }

  const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  it('lets a head file one for Sông Mã before the reform, with two recommendations, listed once it is approved and carried by the round\'s result document', async () => {
    const songMa = district(test.app, 'Sông Mã');
    const head = await createUser(test.app, 'department_head', { name: 'Cầm Thị Hoa' });
    const reviewer = await createUser(test.app, 'department_head', { name: 'Hà Văn Tùng' });
    const roundId = createRound(test.app, {
      title: 'Kiểm tra, giám sát công tác phòng, chống mua bán người tại huyện Sông Mã',
      purpose: 'supervision',
      areaIds: [String(songMa.id)],
      startDate: '2025-03-10',
      endDate: '2025-03-14',
      team: [{ fullName: '', agency: 'police', teamRole: 'head', userId: String(head.id) }],
    });

    const { page, problems } = await open(head.email, head.password);
    await page.goto(`${baseUrl}/rounds/${roundId}`);
    expect(await page.locator('#round-purpose').textContent()).toBe('Giám sát chính quyền địa bàn');
    await page.click(`#supervision-areas a[href="/rounds/${roundId}/supervision/new?area=${songMa.id}"]`);
    expect(await page.inputValue('#field-visitDate')).toBe('12/03/2025');
    await Promise.all([page.waitForURL(/\/supervision\/\d+$/), page.click('main form button[type="submit"]')]);
    const recordUrl = page.url();
    expect(await page.locator('h1').textContent()).toBe('Biên bản giám sát: UBND huyện Sông Mã');
    // The form at an office PC's width and at a phone's: nothing runs off the side.
    await page.screenshot({ path: path.join(shots, 'supervision-form-1280.png'), fullPage: false });
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 360, height: 740 });
    await page.check('input[name="answer_O2"][value="not_met"]');
    await page.locator('#item-C1').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'supervision-form-360.png'), fullPage: false });
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.fill('#field-place', 'Trụ sở UBND huyện Sông Mã');
    await page.fill('#field-authorityPresent', 'Ông Lò Văn A, Phó Chủ tịch UBND huyện');
    for (const radio of await page.locator('#supervision-form input[type="radio"][value="met"]').all()) await radio.check();
    await page.check('input[name="answer_O2"][value="not_met"]');
    await page.fill('#field-note_O2', 'Chưa bố trí kinh phí riêng cho hỗ trợ nạn nhân');
    await page.fill('#field-figure_O2', '12.000.000');
    await page.fill('#field-strengths', 'Đã ban hành kế hoạch năm, phân công nhiệm vụ cụ thể');
    await page.fill('#field-difficulties', 'Địa bàn rộng, giáp biên giới, nhiều lao động di cư');
    await Promise.all([page.waitForURL(recordUrl), page.click('#supervision-form button[value="save"]')]);

    const recommendations: Array<[string, string, string]> = [
      ['Bố trí kinh phí hỗ trợ nạn nhân trong dự toán năm 2026', 'Ủy ban nhân dân cấp huyện (đến 30/6/2025)', '30/06/2025'],
      ['Kiện toàn Ban Chỉ đạo 138, phân công đầu mối hỗ trợ nạn nhân', 'Công an', '30/09/2025'],
    ];
    for (const [body, addressee, due] of recommendations) {
      await page.fill('#field-recommendation-body', body);
      await page.fill('#field-addressee', addressee);
      await page.fill('#field-dueDate', due);
      await Promise.all([page.waitForURL(/#recommendations$/), page.click('#recommendation-form button[type="submit"]')]);
    }
    expect(await page.locator('#record-recommendations li').count()).toBe(2);
    await Promise.all([page.waitForURL(recordUrl), page.click('#supervision-form button[value="submit"]')]);
    expect(await page.locator('.status').first().textContent()).toBe('Chờ duyệt');

    // Heads review the records of others: the second head approves.
    const other = await open(reviewer.email, reviewer.password);
    await other.page.goto(recordUrl);
    await Promise.all([other.page.waitForURL(recordUrl), other.page.click('.review-panel button[value="approve"]')]);
    expect(await other.page.locator('.status').first().textContent()).toBe('Đã duyệt');

    await page.goto(`${baseUrl}/recommendations`);
    const rows = page.locator('#recommendations-list tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await page.locator('#recommendations-list').textContent()).toContain('Kiện toàn Ban Chỉ đạo 138');
    await page.goto(`${baseUrl}/`);
    expect(await page.locator('#home-recommendations').textContent()).toContain('Bố trí kinh phí hỗ trợ nạn nhân');

    // The round done, its result document downloaded from its page carries both recommendations.
    for (const to of ['in_progress', 'completed'] as const) test.app.services.rounds.changeStatus(systemActor('test'), roundId, { to, note: '' });
    await page.goto(`${baseUrl}/rounds/${roundId}`);
    await Promise.all([page.waitForURL(`${baseUrl}/rounds/${roundId}/result`), page.click(`main a[href="/rounds/${roundId}/result"]`)]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`a[href="/rounds/${roundId}/result.pdf"]`)]);
    expect(download.suggestedFilename()).toBe(`bao-cao-ket-qua-dot-${roundId}.pdf`);
    const text = (await pdfPages(fs.readFileSync(await download.path()))).pages.map(pageText).join(' ');
    expect(text).toContain('Kết quả giám sát UBND huyện Sông Mã');
    expect(text).toContain('Bố trí kinh phí hỗ trợ nạn nhân trong dự toán năm 2026');
    expect(text).toContain('Kiện toàn Ban Chỉ đạo 138');
    expect([...problems, ...other.problems]).toEqual([]);
  }, 90_000);
});
