import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser } from '../helpers/auth.js';
import { chromiumPath, launchBrowser, signIn } from '../helpers/browser.js';
import { createReport, createRoundWithTeam, createVenue } from '../helpers/factories.js';

const shots = process.env.SCREENSHOTS_DIR;

describe.skipIf(!chromiumPath)('the report form on a phone', () => {
  let test: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let photoPath: string;
  let inspector: { id: number; email: string; password: string };
  let roundId: number;

  beforeAll(async () => {
    test = await buildTestApp({ now: () => new Date('2025-03-11T14:00:00Z') });
    baseUrl = await test.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
    inspector = await createUser(test.app, 'inspector', { name: 'Cầm Văn Kiểm' });
    roundId = createRoundWithTeam(test.app, [inspector.id], { title: 'Đợt kiểm tra tháng 3' });
    // A phone photo: 4000 × 3000, about 4 MB.
    photoPath = path.join(os.tmpdir(), `anh-dien-thoai-${process.pid}.jpg`);
    const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).blur(1.2).jpeg({ quality: 95 }).toBuffer();
    fs.writeFileSync(photoPath, photo);
  });
  afterAll(async () => {
    fs.rmSync(photoPath, { force: true });
    await browser?.close();
    await test?.close();
  });

  async function phone(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, ...options });
    const page = await context.newPage();
    await signIn(page, baseUrl, inspector.email, inspector.password);
    return page;
  }

  const stored = (id: number) => test.app.db.get<{ status: string; staff_present: number | null }>(sql`select status, staff_present from checks where id = ${id}`)!;
  const answer = (id: number, code: string) => test.app.db.get<{ answer: string | null }>(sql`select answer from check_answers where check_id = ${id} and item_code = ${code}`)!.answer;

  it('shows the first answer of the checklist above the sticky submit bar when a new draft opens at 360×740, with and without JavaScript', async () => {
    for (const javaScriptEnabled of [true, false]) {
      const id = createReport(test.app, { roundId, venueId: createVenue(test.app, { name: 'Karaoke Sơn Cước', kind: 'karaoke' }), inspectorId: inspector.id });
      const page = await phone({ javaScriptEnabled });
      await page.goto(`${baseUrl}/checks/${id}`);
      const firstAnswers = (await page.locator('#report-form .checklist-item [role="radiogroup"]').first().boundingBox())!;
      const bar = (await page.locator('.sticky-actions').boundingBox())!;
      expect(bar.y, 'the bar is on the first screen').toBeGreaterThan(0);
      expect(bar.y + bar.height).toBeLessThanOrEqual(740);
      expect(firstAnswers.y, 'the first answer is on the first screen').toBeGreaterThanOrEqual(0);
      expect(firstAnswers.y + firstAnswers.height, 'the first answer is above the sticky bar').toBeLessThanOrEqual(bar.y);
      // The visit's details are one tap away, in a summary line that says what they hold.
      expect(await page.locator('#report-form details.visit-details > summary').isVisible()).toBe(true);
      if (shots) await page.screenshot({ path: path.join(shots, `report-form-first-screen-${javaScriptEnabled ? 'js' : 'nojs'}-360.png`) });
      await page.context().close();
    }
  });

  it('marks a section’s remaining items compliant and undoes it, with counts kept up to date, in compact answers', async () => {
    const id = createReport(test.app, { roundId, venueId: createVenue(test.app, { name: 'Karaoke Hoa Ban', kind: 'karaoke' }), inspectorId: inspector.id });
    const page = await phone();
    await page.goto(`${baseUrl}/checks/${id}`);
    const section = page.locator('#section-A');
    const items = await section.locator('.checklist-item').count();
    expect(await section.locator('[data-section-count]').textContent()).toBe(`0/${items} đã trả lời`);
    await page.locator('#item-A1 input[value="violation"]').check();
    expect(await section.locator('[data-section-count]').textContent()).toBe(`1/${items} đã trả lời`);
    await section.getByRole('button', { name: 'Đánh dấu các mục còn lại là Đạt' }).click();
    expect(await section.locator('input[value="compliant"]:checked').count()).toBe(items - 1);
    expect(await page.locator('#item-A1 input[value="violation"]').isChecked()).toBe(true);
    expect(await section.locator('[data-section-count]').textContent()).toBe(`${items}/${items} đã trả lời`);
    await section.getByRole('button', { name: 'Hoàn tác' }).click();
    expect(await section.locator('input[type="radio"]:checked').count()).toBe(1);
    expect(await section.locator('[data-section-count]').textContent()).toBe(`1/${items} đã trả lời`);
    if (shots) await page.screenshot({ path: path.join(shots, 'report-form-360.png'), fullPage: true });
    // The three answers sit side by side, each a thumb's height, so the form is far shorter than one button a line.
    const boxes = await Promise.all(['compliant', 'violation', 'not_applicable'].map((value) => page.locator(`#item-A2 input[value="${value}"]`).locator('xpath=..').boundingBox()));
    expect(new Set(boxes.map((box) => Math.round(box!.y))).size).toBe(1);
    for (const box of boxes) expect(box!.height).toBeGreaterThanOrEqual(44);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(8500);
    // Nothing was sent: the page's marks are saved with the draft.
    expect(answer(id, 'A2')).toBeNull();
    await page.context().close();
  });

  it('opens a draft already started at its first unanswered item, which the link at the top also reaches', async () => {
    const id = createReport(test.app, { roundId, venueId: createVenue(test.app, { name: 'Karaoke Mường Thanh', kind: 'karaoke' }), inspectorId: inspector.id });
    const page = await phone();
    await page.goto(`${baseUrl}/checks/${id}`);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await page.locator('#section-A [data-mark-section]').click();
    await Promise.all([page.waitForEvent('load'), page.click('button[name="intent"][value="save"]')]);
    const first = (await page.locator('#section-B .checklist-item').first().getAttribute('id'))!;
    expect(await page.getAttribute('[data-first-unanswered]', 'href')).toBe(`#${first}`);
    await page.goto(`${baseUrl}/checks/${id}`);
    await page.waitForFunction(() => window.scrollY > 0);
    const box = (await page.locator(`#${first}`).boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeLessThan(740 / 2);
    await page.context().close();
  });

  it('brings the first field in error into view above the sticky bar and focuses it after a refused submit', async () => {
    const id = createReport(test.app, { roundId, venueId: createVenue(test.app, { name: 'Nhà nghỉ Suối Tát', kind: 'lodging' }), inspectorId: inspector.id });
    const page = await phone();
    await page.goto(`${baseUrl}/checks/${id}`);
    for (const section of await page.locator('[data-section]').all()) await section.locator('[data-mark-section]').click();
    await page.locator('.checklist-item').nth(3).locator('input[value="violation"]').check();
    const code = await page.locator('.checklist-item').nth(3).getAttribute('data-item');
    await page.fill('#field-staffPresent', '1.000');
    await page.fill('#field-staffCounselled', '3');
    await page.fill('#field-conclusion', 'Đã kiểm tra');
    // Without the confirmation box the submit is stopped on the page, beside the box.
    await page.click('button[name="intent"][value="submit"]');
    expect(await page.locator('#field-confirmSubmit-error').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-confirmSubmit');
    await page.check('#field-confirmSubmit');
    await Promise.all([page.waitForEvent('load'), page.click('button[name="intent"][value="submit"]')]);
    // Refused: the violation has no note. The summary links to the note, which has the focus, in view.
    expect(await page.locator(`.error-summary a[href="#field-note_${code}"]`).count()).toBe(1);
    await page.waitForFunction((expected) => document.activeElement?.id === expected, `field-note_${code}`);
    const field = (await page.locator(`#field-note_${code}`).boundingBox())!;
    const bar = (await page.locator('.sticky-actions').boundingBox())!;
    expect(field.y).toBeGreaterThanOrEqual(0);
    expect(field.y + field.height).toBeLessThanOrEqual(bar.y);
    // "1.000" was read as a thousand, and what was typed is all there.
    expect(await page.inputValue('#field-staffPresent')).toBe('1.000');
    expect(stored(id).status).toBe('draft');
    if (shots) await page.screenshot({ path: path.join(shots, 'refused-submit-360.png') });
    await page.context().close();
  });

  it('reduces a phone photo before sending it over a slow link, with a progress bar and the button disabled', async () => {
    const id = createReport(test.app, { roundId, venueId: createVenue(test.app, { name: 'Nhà hàng Hương Rừng', kind: 'restaurant' }), inspectorId: inspector.id });
    const page = await phone();
    await page.goto(`${baseUrl}/checks/${id}`);
    // The visit's details are folded into their summary line on a new draft.
    await page.click('.visit-details > summary');
    await page.fill('#field-representativeName', 'Lò Văn Chủ');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 400, downloadThroughput: 50_000, uploadThroughput: 50_000 });
    await page.setInputFiles('#attachment-file', photoPath);
    await page.click('[data-upload] button[type="submit"]');
    await page.waitForSelector('[data-upload] progress:not([hidden])');
    expect(await page.locator('[data-upload] button[type="submit"]').isDisabled()).toBe(true);
    expect(await page.getAttribute('[data-upload]', 'aria-busy')).toBe('true');
    await page.waitForFunction(() => Number(document.querySelector<HTMLProgressElement>('[data-upload] progress')?.value) > 0);
    if (shots) await page.screenshot({ path: path.join(shots, 'upload-progress-360.png') });
    await page.waitForSelector('.attachments img', { timeout: 60_000 });
    // The answers typed before are still on the page, not sent, not lost.
    expect(await page.inputValue('#field-representativeName')).toBe('Lò Văn Chủ');
    const row = test.app.db.get<{ stored_name: string; size: number }>(sql`select stored_name, size from check_attachments where check_id = ${id}`)!;
    const bytes = fs.readFileSync(path.join(test.config.DATA_DIR, 'uploads', row.stored_name));
    expect(fs.statSync(photoPath).size).toBeGreaterThan(4_000_000);
    expect(bytes.length).toBe(row.size);
    expect(bytes.length).toBeLessThanOrEqual(600 * 1024);
    const meta = await sharp(bytes).metadata();
    expect(Math.max(meta.width!, meta.height!)).toBe(1600);
    await page.context().close();
  });

  it('files a report with JavaScript off: a photo attached before saving keeps the answers, a section marked and undone, then submitted', async () => {
    const page = await phone({ javaScriptEnabled: false });
    await page.goto(`${baseUrl}/rounds/${roundId}/checks/new`);
    // Searching for a venue sends no token and no form key in the address.
    await page.fill('#venue-search', 'suoi');
    await Promise.all([page.waitForURL(/q=suoi/), page.click('button[form="venue-search-form"]')]);
    expect(page.url()).not.toMatch(/_csrf|submissionKey/);
    expect(await page.inputValue('#field-visitDate')).toBe('11/03/2025');
    await page.locator('#venue-results input[name="venueId"]').first().check();
    await Promise.all([page.waitForURL(/\/checks\/\d+$/), page.click('#start-form .form-submit')]);
    const id = Number(page.url().split('/').pop());

    await page.locator('#item-A1 input[value="violation"]').check();
    await page.fill('#field-note_A1', 'Không xuất trình giấy phép');
    await page.fill('#field-staffPresent', '4');
    await page.setInputFiles('#attachment-file', photoPath);
    await Promise.all([page.waitForURL(/#attachments$/), page.click('button[name="intent"][value="attach"]')]);
    expect(await page.locator('.flash').textContent()).toContain('Đã lưu nháp và thêm tệp đính kèm');
    expect(await page.locator('.attachments img').count()).toBe(1);
    expect(await page.inputValue('#field-note_A1')).toBe('Không xuất trình giấy phép');
    expect(answer(id, 'A1')).toBe('violation');
    expect(stored(id).staff_present).toBe(4);

    // "Mark the rest compliant" saves the draft; its section then offers to undo exactly that.
    const other = (await page.locator('#section-A .checklist-item').nth(1).getAttribute('data-item'))!;
    await Promise.all([page.waitForURL(/marked=/), page.locator('#section-A [data-mark-section]').click()]);
    expect(answer(id, other)).toBe('compliant');
    expect(answer(id, 'A1')).toBe('violation');
    await Promise.all([page.waitForURL(/#section-A$/), page.locator('#section-A').getByRole('button', { name: 'Hoàn tác' }).click()]);
    expect(answer(id, other)).toBeNull();
    expect(answer(id, 'A1')).toBe('violation');
    for (const section of await page.locator('[data-section]').all()) {
      await Promise.all([page.waitForURL(/marked=/), section.locator('[data-mark-section]').click()]);
    }
    await page.fill('#field-staffCounselled', '4');
    await page.fill('#field-conclusion', 'Lập biên bản vi phạm');
    // Submitting asks for the confirmation box first, without JavaScript too.
    await Promise.all([page.waitForLoadState(), page.click('button[name="intent"][value="submit"]')]);
    expect(await page.locator('.error-summary a[href="#field-confirmSubmit"]').count()).toBe(1);
    expect(stored(id).status).toBe('draft');
    await page.check('#field-confirmSubmit');
    await Promise.all([page.waitForEvent('load'), page.click('button[name="intent"][value="submit"]')]);
    expect(await page.locator('.flash').textContent()).toContain('Đã nộp biên bản');
    expect(stored(id).status).toBe('submitted');
    if (shots) await page.screenshot({ path: path.join(shots, 'submitted-nojs-360.png'), fullPage: true });
    await page.context().close();
  });
});
