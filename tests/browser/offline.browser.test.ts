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

describe.skipIf(!chromiumPath)('offline filing on a phone', () => {
  let test: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let photoPath: string;
  let roundId: number;

  beforeAll(async () => {
    test = await buildTestApp({ now: () => new Date('2025-03-11T14:00:00Z') });
    baseUrl = await test.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
    roundId = createRoundWithTeam(test.app, [], { title: 'Đợt kiểm tra tháng 3' });
    test.app.db.run(sql`update rounds set status = 'in_progress' where id = ${roundId}`);
    photoPath = path.join(os.tmpdir(), `anh-ngoai-tuyen-${process.pid}.jpg`);
    const photo = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 30 } } }).blur(1.2).jpeg({ quality: 92 }).toBuffer();
    fs.writeFileSync(photoPath, photo);
  });
  afterAll(async () => {
    fs.rmSync(photoPath, { force: true });
    await browser?.close();
    await test?.close();
  });

  /** An inspector on the round's team, with a phone signed in (service worker allowed unless blocked). */
  async function inspectorPhone(options: { serviceWorkers?: 'allow' | 'block' } = {}) {
    const inspector = await createUser(test.app, 'inspector');
    test.app.db.$client.prepare("insert into round_team_members (round_id, user_id, full_name, agency, team_role, position) values (?, ?, 'Cán bộ', 'police', 'member', 0)").run(roundId, inspector.id);
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, serviceWorkers: options.serviceWorkers ?? 'allow' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await signIn(page, baseUrl, inspector.email, inspector.password);
    return { inspector, context, page, errors };
  }

  /** The service worker has taken control of the page (the first page registers it). */
  async function controlled(page: Page) {
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    });
  }

  async function prepare(page: Page) {
    await page.goto(`${baseUrl}/`);
    await controlled(page);
    await page.click('[data-offline-prepare]');
    await page.waitForSelector('[data-offline-ready]:has-text("Sẵn sàng ngoại tuyến — cập nhật")');
  }

  const outboxCount = (page: Page) => page.locator('[data-outbox-count]');
  const answersOf = (id: number) =>
    test.app.db.all<{ item_code: string; answer: string | null; note: string }>(sql`select item_code, answer, note from check_answers where check_id = ${id} order by item_code`);
  const checkRow = (id: number) => test.app.db.get<{ status: string; version: number; conclusion: string | null }>(sql`select status, version, conclusion from checks where id = ${id}`)!;
  const attachmentsOf = (id: number) => test.app.db.all<{ sha256: string }>(sql`select sha256 from check_attachments where check_id = ${id}`);

  /** What the phone's database and caches hold (read directly, so it works on any page, the sign-in page too). */
  async function storage(page: Page) {
    return page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('pcmbn-offline');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const count = (store: string) =>
        db.objectStoreNames.contains(store)
          ? new Promise<number>((resolve) => {
              const request = db.transaction(store).objectStore(store).count();
              request.onsuccess = () => resolve(request.result);
            })
          : Promise.resolve(0);
      const result = {
        outbox: await count('outbox'),
        copies: await count('copies'),
        bundles: await count('bundles'),
        caches: await caches.keys(),
        pages: (await caches.has('offline-pages')) ? (await (await caches.open('offline-pages')).keys()).map((request) => new URL(request.url).pathname) : [],
      };
      db.close();
      return result;
    });
  }

  it('serves a web manifest with Vietnamese name and icons, and a service worker under the CSP', async () => {
    const manifest = await (await fetch(`${baseUrl}/manifest.webmanifest`)).json();
    expect(manifest.name).toBe('Phòng, chống mua bán người');
    expect(manifest.icons.map((icon: { sizes: string }) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of manifest.icons) expect((await fetch(`${baseUrl}${icon.src}`)).headers.get('content-type')).toBe('image/png');
    const worker = await fetch(`${baseUrl}/sw.js`);
    expect(worker.headers.get('content-type')).toContain('text/javascript');
    expect(worker.headers.get('cache-control')).toBe('no-cache');
    const body = await worker.text();
    expect(body).toMatch(/importScripts\("\/static\/vendor\/workbox\/workbox-sw\.[0-9a-f]{8}\.js"/);
    expect(body).not.toContain('googleapis');
  });

  it('keeps every answer and a reduced photo typed offline, restores them after a reload offline, sends them once when the link returns', async () => {
    const { inspector, context, page, errors } = await inspectorPhone();
    const id = createReport(test.app, { roundId, venueId: createVenue(test.app, { name: 'Karaoke Ngoại Tuyến' }), inspectorId: inspector.id });
    await prepare(page);
    await page.goto(`${baseUrl}/checks/${id}`);
    await context.setOffline(true);
    const items = await page.locator('#report-form [data-item]').evaluateAll((nodes) => nodes.map((node) => (node as HTMLElement).dataset.item!));
    expect(items.length).toBeGreaterThan(20);
    for (const [index, code] of items.entries()) await page.locator(`#item-${code} input[value="${index === 0 ? 'violation' : 'compliant'}"]`).check();
    await page.fill(`#field-note_${items[0]}`, 'Nhân viên dưới 18 tuổi');
    await page.fill('#field-staffPresent', '6');
    await page.fill('#field-staffCounselled', '4');
    await page.fill('#field-conclusion', 'Lập biên bản vi phạm');
    await page.setInputFiles('[data-upload] input[type="file"]', photoPath);
    await page.waitForTimeout(1500);

    await page.reload();
    expect(await page.locator('html').getAttribute('data-offline-copy')).not.toBeNull();
    expect(await page.locator('[data-offline-bar]').isVisible()).toBe(true);
    await page.waitForSelector('#offline-note:has-text("Bản lưu trên máy lúc")');
    expect(await page.locator('#offline-note button').textContent()).toBe('Bỏ bản lưu');
    expect(await page.locator('#report-form input[type="radio"]:checked').count()).toBe(items.length);
    expect(await page.locator(`#item-${items[0]} input[value="violation"]`).isChecked()).toBe(true);
    expect(await page.inputValue(`#field-note_${items[0]}`)).toBe('Nhân viên dưới 18 tuổi');
    expect(await page.inputValue('#field-conclusion')).toBe('Lập biên bản vi phạm');
    const kept = await page.locator('[data-upload] input[type="file"]').evaluate(async (input) => {
      const file = (input as HTMLInputElement).files![0]!;
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
      return { name: file.name, type: file.type, size: file.size, sha256: [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('') };
    });
    expect(kept.type).toBe('image/jpeg');
    expect(kept.size).toBeLessThan(fs.statSync(photoPath).size);

    // Offline: the photo and the submission go to the outbox.
    await page.locator('[data-upload] button[type="submit"]').click();
    await page.waitForSelector('[data-upload] .upload-status:has-text("hàng chờ gửi")');
    await page.check('#field-confirmSubmit');
    await page.getByRole('button', { name: 'Nộp biên bản' }).click();
    await page.waitForSelector('#offline-note:has-text("hàng chờ gửi")');
    expect(await outboxCount(page).textContent()).toBe('2 chờ gửi');
    if (shots) await page.screenshot({ path: path.join(shots, 'offline-bar-report-360.png') });
    expect(checkRow(id).status).toBe('draft');
    expect(attachmentsOf(id)).toHaveLength(0);

    // The outbox page, kept by "prepare", lists both.
    await page.goto(`${baseUrl}/outbox`);
    await page.waitForSelector('#outbox-list li >> nth=1');
    expect(await page.locator('#outbox-list li').count()).toBe(2);
    expect(await page.locator('#outbox-list').textContent()).toContain('Chờ gửi');
    if (shots) await page.screenshot({ path: path.join(shots, 'outbox-360.png'), fullPage: true });

    await context.setOffline(false);
    await page.waitForFunction(() => document.querySelectorAll('#outbox-list li').length === 0, null, { timeout: 15_000 });
    expect(await outboxCount(page).isHidden()).toBe(true);
    const row = checkRow(id);
    expect(row.status).toBe('submitted');
    expect(row.conclusion).toBe('Lập biên bản vi phạm');
    const answers = answersOf(id);
    expect(answers.filter((answer) => answer.answer === 'compliant')).toHaveLength(items.length - 1);
    expect(answers.find((answer) => answer.item_code === items[0])).toMatchObject({ answer: 'violation', note: 'Nhân viên dưới 18 tuổi' });
    // The file the server keeps is the one reduced on the phone, byte for byte.
    expect(attachmentsOf(id)).toEqual([{ sha256: kept.sha256 }]);
    const stored = await storage(page);
    expect(stored.outbox).toBe(0);
    expect(stored.copies).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('answers a prepared page offline with the bar, and a page not prepared with the offline page', async () => {
    const { context, page } = await inspectorPhone();
    await prepare(page);
    if (shots) await page.locator('.offline-prepare').screenshot({ path: path.join(shots, 'offline-ready-360.png') });
    await page.goto(`${baseUrl}/`);
    await context.setOffline(true);
    await page.goto(`${baseUrl}/rounds/${roundId}`);
    expect(await page.locator('h1').textContent()).toContain('Đợt kiểm tra tháng 3');
    expect(await page.locator('[data-offline-bar]').textContent()).toContain('Đang ngoại tuyến');
    if (shots) await page.screenshot({ path: path.join(shots, 'offline-bar-round-360.png') });
    await page.goto(`${baseUrl}/venues`);
    expect(await page.locator('h1').textContent()).toBe('Không có mạng');
    await page.waitForSelector(`#offline-available a[href="/rounds/${roundId}"]`);
    if (shots) await page.screenshot({ path: path.join(shots, 'offline-page-360.png'), fullPage: true });
    await context.close();
  });

  it('shows a prepared page after 10 s when the link is up but carries nothing', async () => {
    const { context, page } = await inspectorPhone();
    await prepare(page);
    // Every request for the round's page hangs: no answer, no failure.
    await context.route(`**/rounds/${roundId}`, () => new Promise(() => undefined));
    const began = Date.now();
    await page.goto(`${baseUrl}/rounds/${roundId}`, { timeout: 30_000 });
    expect(Date.now() - began).toBeGreaterThanOrEqual(9_000);
    expect(await page.locator('h1').textContent()).toContain('Đợt kiểm tra tháng 3');
    expect(await page.locator('html').getAttribute('data-offline-copy')).not.toBeNull();
    await context.close();
  });

  it('starts a new report offline for a venue of a prepared round; it is created once when sent', async () => {
    const { inspector, context, page } = await inspectorPhone();
    createVenue(test.app, { name: 'Nhà nghỉ Suối Tiên', kind: 'lodging' });
    await prepare(page);
    await context.setOffline(true);
    await page.goto(`${baseUrl}/rounds/${roundId}/checks/new`);
    await page.fill('#venue-search', 'suoi tien');
    await page.locator('#venue-results label', { hasText: 'Nhà nghỉ Suối Tiên' }).locator('input').check();
    await page.fill('#field-visitDate', '11/03/2025');
    await page.click('#start-form .form-submit');
    await page.waitForURL(/\/offline\/report\?draft=/);
    await page.waitForSelector('#report-form [data-item]');
    await page.locator('#report-form [data-item] input[value="compliant"]').first().check();
    await page.fill('#field-conclusion', 'Không phát hiện vi phạm');
    await page.getByRole('button', { name: 'Lưu nháp', exact: true }).click();
    await page.waitForSelector('#offline-note:has-text("hàng chờ gửi")');
    expect(await outboxCount(page).textContent()).toBe('2 chờ gửi');
    const before = test.app.db.get<{ n: number }>(sql`select count(*) as n from checks where inspector_id = ${inspector.id}`)!.n;
    expect(before).toBe(0);

    await context.setOffline(false);
    await page.waitForFunction(() => document.querySelector('[data-outbox-count]')?.hasAttribute('hidden'), null, { timeout: 15_000 });
    const created = test.app.db.all<{ id: number; conclusion: string | null }>(sql`select id, conclusion from checks where inspector_id = ${inspector.id}`);
    expect(created).toHaveLength(1);
    expect(created[0]!.conclusion).toBe('Không phát hiện vi phạm');
    await context.close();
  });

  it('warns at sign-out about unsent items, then leaves nothing of that person in the phone’s storage', async () => {
    const { inspector, context, page } = await inspectorPhone();
    const id = createReport(test.app, { roundId, venueId: createVenue(test.app), inspectorId: inspector.id });
    await prepare(page);
    await page.goto(`${baseUrl}/checks/${id}`);
    await context.setOffline(true);
    await page.fill('#field-conclusion', 'Chưa gửi');
    await page.getByRole('button', { name: 'Lưu nháp', exact: true }).click();
    await page.waitForSelector('#offline-note:has-text("hàng chờ gửi")');
    // Back online, but the outbox's sends do not get through (a link that drops them).
    await context.route('**/checks/*', (route) => (route.request().method() === 'POST' ? route.abort() : route.continue()));
    await context.setOffline(false);
    let warning = '';
    page.once('dialog', (dialog) => {
      warning = dialog.message();
      void dialog.accept();
    });
    await page.locator('details.site-menu > summary').click();
    await Promise.all([page.waitForURL(/\/login/), page.locator('.logout-form button').click()]);
    expect(warning).toContain('Còn 1 mục chưa gửi');
    expect(warning).toContain('Lưu nháp');
    const left = await storage(page);
    expect(left.outbox).toBe(0);
    expect(left.copies).toBe(0);
    expect(left.bundles).toBe(0);
    expect(left.caches).not.toContain('offline-pages');
    await context.close();
  });

  const auditActions = (id: number) =>
    test.app.db.all<{ action: string }>(sql`select action from audit_log where record_type = 'check' and record_id = ${id} order by id`).map((row) => row.action);

  it('sends again a save whose answer was lost on the way, and gets the first outcome: no conflict, nothing written twice', async () => {
    const { inspector, context, page, errors } = await inspectorPhone();
    const id = createReport(test.app, { roundId, venueId: createVenue(test.app), inspectorId: inspector.id });
    await page.goto(`${baseUrl}/checks/${id}`);
    await controlled(page);
    const before = checkRow(id).version;
    const auditBefore = auditActions(id).length;
    // The first send reaches the server, which saves it; its answer never comes back.
    // Until the link is back, later sends are cut before reaching the server.
    let dropped = 0;
    let linkBack = false;
    await context.route(`**/checks/${id}`, async (route) => {
      if (route.request().method() !== 'POST' || linkBack) return route.continue();
      dropped += 1;
      if (dropped === 1) await route.fetch();
      await route.abort('connectionreset');
    });
    await page.fill('#field-conclusion', 'Lưu một lần dù mất trả lời');
    await page.getByRole('button', { name: 'Lưu nháp', exact: true }).click();
    await page.waitForSelector('#offline-note:has-text("hàng chờ gửi")');
    expect(dropped).toBeGreaterThanOrEqual(1);
    expect(checkRow(id)).toMatchObject({ version: before + 1, conclusion: 'Lưu một lần dù mất trả lời' });
    expect(await outboxCount(page).textContent()).toBe('1 chờ gửi');

    // Sent again from the outbox: answered with the first outcome.
    linkBack = true;
    await page.goto(`${baseUrl}/outbox`);
    await page.waitForFunction(() => document.querySelector('[data-outbox-count]')?.hasAttribute('hidden'), null, { timeout: 15_000 });
    expect(checkRow(id).version).toBe(before + 1);
    expect(auditActions(id).slice(auditBefore)).toEqual(['update']);
    expect((await storage(page)).outbox).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('stops at a conflict when the report changed on the server meanwhile, shows both values, and saves the choice once', async () => {
    const { inspector, context, page, errors } = await inspectorPhone();
    const id = createReport(test.app, { roundId, venueId: createVenue(test.app), inspectorId: inspector.id });
    await prepare(page);
    await page.goto(`${baseUrl}/checks/${id}`);
    await context.setOffline(true);
    await page.fill('#field-conclusion', 'Viết trên điện thoại khi mất sóng');
    await page.getByRole('button', { name: 'Lưu nháp', exact: true }).click();
    await page.waitForSelector('#offline-note:has-text("hàng chờ gửi")');

    // Meanwhile the same inspector saves the report from the office computer.
    const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
    const office = await desk.newPage();
    await signIn(office, baseUrl, inspector.email, inspector.password);
    await office.goto(`${baseUrl}/checks/${id}`);
    await office.fill('#field-conclusion', 'Viết ở văn phòng');
    await Promise.all([office.waitForEvent('load'), office.getByRole('button', { name: 'Lưu nháp', exact: true }).click()]);
    expect(checkRow(id).conclusion).toBe('Viết ở văn phòng');
    await desk.close();

    // The link returns: the item stops as a conflict, nothing is overwritten.
    await page.goto(`${baseUrl}/outbox`).catch(() => undefined);
    await context.setOffline(false);
    await page.goto(`${baseUrl}/outbox`);
    await page.waitForSelector('#outbox-list li.state-conflict', { timeout: 15_000 });
    expect(checkRow(id).conclusion).toBe('Viết ở văn phòng');
    expect(auditActions(id)).toContain('conflict');
    if (shots) await page.screenshot({ path: path.join(shots, 'outbox-conflict-360.png'), fullPage: true });

    // Leaving the conflict page without saving keeps the item.
    await Promise.all([page.waitForURL(/\/conflict$/), page.locator('#outbox-list li.state-conflict button.secondary').first().click()]);
    const compared = await page.locator('main').textContent();
    expect(compared).toContain('Viết ở văn phòng');
    expect(compared).toContain('Viết trên điện thoại khi mất sóng');
    if (shots) await page.screenshot({ path: path.join(shots, 'conflict-from-outbox-360.png'), fullPage: true });
    await page.goto(`${baseUrl}/outbox`);
    await page.waitForSelector('#outbox-list li.state-conflict');

    // Opened again and saved with the phone's value: saved once, the conflict over.
    await Promise.all([page.waitForURL(/\/conflict$/), page.locator('#outbox-list li.state-conflict button.secondary').first().click()]);
    await Promise.all([page.waitForURL(new RegExp(`/checks/${id}$`)), page.locator('#conflict-form button[type="submit"]').first().click()]);
    expect(checkRow(id).conclusion).toBe('Viết trên điện thoại khi mất sóng');
    const actions = auditActions(id);
    expect(actions.filter((action) => action === 'conflictResolved')).toHaveLength(1);
    expect(actions.filter((action) => action === 'conflict')).toHaveLength(1);
    await page.waitForFunction(() => document.querySelector('[data-outbox-count]')?.hasAttribute('hidden'), null, { timeout: 10_000 });
    const left = await storage(page);
    expect(left.outbox).toBe(0);
    expect(left.copies).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps the outbox while the session has ended, asks to sign in, then sends', async () => {
    const { inspector, context, page } = await inspectorPhone();
    const id = createReport(test.app, { roundId, venueId: createVenue(test.app), inspectorId: inspector.id });
    await prepare(page);
    await page.goto(`${baseUrl}/checks/${id}`);
    await context.setOffline(true);
    await page.fill('#field-conclusion', 'Gửi sau khi đăng nhập lại');
    await page.getByRole('button', { name: 'Lưu nháp', exact: true }).click();
    await page.waitForSelector('#offline-note:has-text("hàng chờ gửi")');
    // The session ends while the phone is offline.
    test.app.db.run(sql`delete from sessions where user_id = ${inspector.id}`);
    await context.setOffline(false);
    await page.goto(`${baseUrl}/outbox`);
    // Signed out, /outbox is the sign-in page; the item waits on the phone.
    await page.waitForURL(/\/login/);
    expect((await storage(page)).outbox).toBe(1);
    expect(checkRow(id).conclusion).not.toBe('Gửi sau khi đăng nhập lại');
    await page.fill('input[name=email]', inspector.email);
    await page.fill('input[name=password]', inspector.password);
    await Promise.all([page.waitForURL(/\/outbox$/), page.locator('form button[type=submit]').first().click()]);
    await page.waitForFunction(() => document.querySelector('[data-outbox-count]')?.hasAttribute('hidden'), null, { timeout: 15_000 });
    expect(checkRow(id).conclusion).toBe('Gửi sau khi đăng nhập lại');
    expect((await storage(page)).outbox).toBe(0);
    await context.close();
  });

  it('works online as before when service workers are unavailable', async () => {
    const { inspector, context, page, errors } = await inspectorPhone({ serviceWorkers: 'block' });
    const id = createReport(test.app, { roundId, venueId: createVenue(test.app), inspectorId: inspector.id });
    await page.goto(`${baseUrl}/`);
    expect(await page.locator('[data-offline-prepare]').isHidden()).toBe(true);
    await page.goto(`${baseUrl}/checks/${id}`);
    await page.fill('#field-conclusion', 'Lưu khi có mạng');
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Lưu nháp', exact: true }).click()]);
    expect(page.url()).toBe(`${baseUrl}/checks/${id}`);
    expect(await page.inputValue('#field-conclusion')).toBe('Lưu khi có mạng');
    expect(checkRow(id).conclusion).toBe('Lưu khi có mạng');
    expect(errors).toEqual([]);
    await context.close();
  });
});
