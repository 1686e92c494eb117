import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { Jimp } from 'jimp';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser } from '../helpers/auth.js';
import { chromiumPath, launchBrowser, signIn } from '../helpers/browser.js';
import { createRoundWithTeam, createVenue } from '../helpers/factories.js';

describe.skipIf(!chromiumPath)('a visit report in a real browser', () => {
  let test: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let photoPath: string;

  beforeAll(async () => {
    test = await buildTestApp({ now: () => new Date('2025-03-11T14:00:00Z') });
    baseUrl = await test.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
    photoPath = path.join(os.tmpdir(), `mat-tien-${process.pid}.jpg`);
    fs.writeFileSync(photoPath, await new Jimp({ width: 1200, height: 900, color: 0x884422ff }).getBuffer('image/jpeg'));
  });
  afterAll(async () => {
    fs.rmSync(photoPath, { force: true });
    await browser?.close();
    await test?.close();
  });

  it('is filed by an inspector on a phone, with one violation and a photo, and approved by a department head', async () => {
    const inspector = await createUser(test.app, 'inspector', { name: 'Cầm Văn Kiểm' });
    const head = await createUser(test.app, 'department_head', { name: 'Lò Thị Duyệt' });
    const roundId = createRoundWithTeam(test.app, [inspector.id], { title: 'Đợt kiểm tra karaoke tháng 3' });
    createVenue(test.app, { name: 'Karaoke Hoa Mai', kind: 'karaoke', address: 'Tiểu khu 3' });

    const phone = await browser.newPage({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });
    const problems: string[] = [];
    phone.on('pageerror', (error) => problems.push(error.message));
    phone.on('console', (message) => {
      if (message.type() === 'error' && !/status of (401|409|422)/.test(message.text())) problems.push(message.text());
    });
    await signIn(phone, baseUrl, inspector.email, inspector.password);
    await phone.goto(`${baseUrl}/rounds/${roundId}`);
    await Promise.all([phone.waitForURL(/checks\/new/), phone.getByRole('button', { name: 'Lập biên bản' }).or(phone.locator('a[href$="/checks/new"]')).first().click()]);
    // The list is replaced by the search's answer: pick from that one.
    await Promise.all([phone.waitForResponse(/\/venues\/search/), phone.fill('#venue-search', 'hoa mai')]);
    await phone.locator('#venue-results input[name="venueId"]').first().check();
    await phone.fill('#field-visitDate', '11/03/2025');
    await phone.fill('#field-visitTime', '21:15');
    await Promise.all([phone.waitForURL(/\/checks\/\d+$/), phone.click('#start-form .form-submit')]);
    const reportUrl = phone.url();

    // Answer everything compliant, then one violation with its note.
    const items = phone.locator('.checklist-item');
    const itemCount = await items.count();
    expect(itemCount).toBe(27);
    for (let index = 0; index < itemCount; index += 1) await items.nth(index).locator('input[value="compliant"]').check();
    await phone.locator('#item-F1 input[value="violation"]').check();
    await phone.fill('#field-staffPresent', '6');
    await phone.fill('#field-ownersPresent', '1');
    await phone.fill('#field-staffCounselled', '7');
    await phone.fill('#field-conclusion', 'Cơ sở có 2 nhân viên chưa đăng ký tạm trú.');
    // Submitting (confirmed with the box beside the button) without the violation's note is refused and keeps everything typed.
    await phone.check('#field-confirmSubmit');
    await phone.click('button[name="intent"][value="submit"]');
    await phone.waitForSelector('#item_F1-error');
    expect(await phone.locator('#item_F1-error').textContent()).toContain('F1: ghi rõ vi phạm');
    expect(await phone.inputValue('#field-conclusion')).toBe('Cơ sở có 2 nhân viên chưa đăng ký tạm trú.');
    expect(await phone.locator('#item-F1 input[value="violation"]').isChecked()).toBe(true);
    await phone.fill('#item-F1 input[name="note_F1"]', 'Hai nhân viên chưa đăng ký tạm trú');

    // The photo is added in place, without leaving the form.
    await phone.setInputFiles('#attachment-file', photoPath);
    await phone.click('.upload-form button[type="submit"]');
    await phone.waitForSelector('.attachments img');
    expect(await phone.inputValue('#item-F1 input[name="note_F1"]')).toBe('Hai nhân viên chưa đăng ký tạm trú');
    // One column on a phone: nothing wider than the screen, and thumb-sized answer targets.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const box = await phone.locator('#item-A1 label.answer').first().boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(40);
    await phone.screenshot({ path: path.join(os.tmpdir(), 'report-phone.png'), fullPage: false });

    await phone.check('#field-confirmSubmit');
    // Sent by the page's outbox (a fetch), then the report's page is loaded.
    await Promise.all([phone.waitForEvent('load'), phone.click('button[name="intent"][value="submit"]')]);
    expect(phone.url()).toBe(reportUrl);
    expect(await phone.locator('.flash').textContent()).toContain('Đã nộp biên bản');
    expect(await phone.locator('#report-form').count()).toBe(0);

    const desk = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(desk, baseUrl, head.email, head.password);
    await desk.goto(reportUrl);
    expect(await desk.locator('.violation-row').count()).toBe(1);
    expect(await desk.locator('.attachments img').count()).toBe(1);
    await Promise.all([desk.waitForURL(reportUrl), desk.click('button[name="decision"][value="approve"]')]);
    expect(await desk.locator('.flash').textContent()).toContain('Đã duyệt biên bản');
    expect(await desk.locator('hgroup .status').textContent()).toBe('Đã duyệt');
    expect(problems).toEqual([]);
    await phone.close();
    await desk.close();
  });
  it('keeps a ticked venue ticked, listed once, when a new search replaces the list', async () => {
    const inspector = await createUser(test.app, 'inspector');
    const roundId = createRoundWithTeam(test.app, [inspector.id], { title: 'Đợt kiểm tra nhà hàng' });
    const chosen = createVenue(test.app, { name: 'Nhà hàng Suối Tiên', kind: 'restaurant', address: 'Bản Mé' });
    createVenue(test.app, { name: 'Karaoke Sao Đêm', kind: 'karaoke', address: 'Tiểu khu 5' });

    const phone = await browser.newPage({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });
    await signIn(phone, baseUrl, inspector.email, inspector.password);
    await phone.goto(`${baseUrl}/rounds/${roundId}/checks/new`);
    await Promise.all([phone.waitForResponse(/\/venues\/search/), phone.fill('#venue-search', 'suối tiên')]);
    await phone.check(`#venue-results input[name="venueId"][value="${chosen}"]`);
    await Promise.all([phone.waitForResponse(/\/venues\/search/), phone.fill('#venue-search', 'sao đêm')]);
    const listed = await phone.locator('#venue-results input[name="venueId"]').evaluateAll((inputs) => inputs.map((input) => ({ value: (input as HTMLInputElement).value, checked: (input as HTMLInputElement).checked })));
    expect(listed.filter((venue) => venue.value === String(chosen))).toEqual([{ value: String(chosen), checked: true }]);
    expect(listed.length).toBe(2);
    await phone.close();
  });
});
