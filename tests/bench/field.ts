/**
 * npm run bench:field
 * What a page costs an inspector on a phone in a mountain commune: the production server (`node dist/src/server.js`)
 * on a fresh data directory with realistic data, driven by Debian's Chromium at 360×740 on a weak-3G profile set
 * through the DevTools protocol (400 kbit/s each way, 400 ms round trip, CPU 4× slower). It measures each main
 * page's first visit on a cold cache (bytes received, headers included; first contentful paint), a repeat visit
 * of a list page, a whole inspector session (sign in → round → new report → every answer → save → photo →
 * submit), and offline filing (a round of 500 venues prepared on the phone; a report answered, two photos added and
 * submitted with no signal, then the outbox sent when the link returns). It prints the figures against the targets
 * and exits 0 either way: it measures, it does not judge.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import sharp from 'sharp';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { parseArgs } from 'node:util';
import { app as appPlugin, serverOptions } from '../../src/app.js';
import { systemActor } from '../../src/access/actor.js';
import { loadConfig } from '../../src/config.js';
import { todayInVietnam } from '../../src/lib/dates.js';
import { chromiumPath, launchBrowser } from '../helpers/browser.js';
import { createReport, createRoundWithTeam, createVenue } from '../helpers/factories.js';
import { buildServer, freePort, startServer, stopServer } from '../helpers/server.js';

const root = path.resolve(import.meta.dirname, '../..');
const PASSWORD = 'Nương-chè-Mộc-Châu-2026';
const INSPECTOR = 'can-bo.kiem-tra@field.local';
const HEAD = 'lanh-dao@field.local';
/** The offline part's inspector: on the team of one round only (a commune of 500 venues), so the bundle is that round. */
const OFFLINE_INSPECTOR = 'can-bo.ngoai-tuyen@field.local';
const OFFLINE_VENUES = 500;
const WEAK_3G = { offline: false, latency: 400, downloadThroughput: (400 * 1000) / 8, uploadThroughput: (400 * 1000) / 8 };
/** --only pages | session | offline: one part of the run (the session alone takes minutes, most of it the photo). */
/** An ISO date this many days from today in Vietnam (a round under way spans today). */
function shift(days: number): string {
  return new Date(Date.parse(`${todayInVietnam(new Date())}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const only = parseArgs({ options: { only: { type: 'string' } } }).values.only;
const runs = (part: 'pages' | 'session' | 'offline') => only === undefined || only === part;
const TARGETS = { firstVisitKb: 50, repeatKb: 10, fcpMs: 2000, sessionWaitMs: 8000, sessionKb: 80 };

if (!chromiumPath) {
  console.error('bench:field needs Chromium: apt-get install -y chromium (or set CHROMIUM_PATH)');
  process.exit(2);
}

/** Accounts through the app's command line, as an administrator would create them. */
function createAccount(dataDir: string, email: string, name: string, role: string): void {
  execFileSync(process.execPath, [path.join(root, 'dist/src/cli.js'), 'user', 'add', '--email', email, '--name', name, '--role', role], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PASSWORD, NODE_ENV: 'production', COOKIE_SECURE: 'false', LOG_LEVEL: 'silent' },
    stdio: 'ignore',
  });
}

/**
 * A province's working data through the app's own services: the sample history (11 rounds and a programme),
 * a current round in a commune with the inspector on its team, 20 venues, reports approved with findings, and
 * one draft (the report form's page).
 */
async function seedData(dataDir: string, inspectorEmail: string, headEmail: string) {
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', SAMPLE_DATA: 'true', DAILY_BACKUPS: 'false', DATA_DIR: dataDir });
  const app = Fastify({ ...serverOptions(config), logger: false });
  await app.register(appPlugin, { config });
  await app.ready();
  try {
    const users = app.services.users;
    const inspector = users.findByEmail(inspectorEmail)!;
    const head = users.findByEmail(headEmail)!;
    const commune = app.catalog.communes.find((area) => area.name.includes('Mộc Châu')) ?? app.catalog.communes[0]!;
    const roundId = createRoundWithTeam(app, [inspector.id, head.id], {
      title: 'Kiểm tra liên ngành cơ sở kinh doanh dịch vụ karaoke, nhà nghỉ',
      decisionNumber: '58/QĐ-BCĐ',
      areaIds: [String(commune.id)],
      startDate: shift(-7),
      endDate: shift(7),
      objectives: 'Kiểm tra giấy phép, hợp đồng lao động, người lao động dưới 18 tuổi, dấu hiệu mua bán người',
    });
    const kinds = ['karaoke', 'restaurant', 'lodging', 'massage', 'bar'];
    const venues = Array.from({ length: 20 }, (_, index) =>
      createVenue(app, { kind: kinds[index % kinds.length]!, name: `Cơ sở ${['Hoa Ban', 'Suối Tiên', 'Đồi Chè', 'Bản Áng'][index % 4]} ${index + 1}`, areaId: String(commune.id), address: `Tiểu khu ${index + 1}, ${commune.name}` }),
    );
    const items = app.services.checklists.latest().body.items;
    for (let index = 0; index < 6; index += 1) {
      createReport(app, { roundId, venueId: venues[index]!, inspectorId: inspector.id, reviewerId: head.id, status: index < 4 ? 'approved' : 'submitted', violations: index % 2 === 0 ? [items[index]!.code, items[index + 3]!.code] : [], visitDate: shift(-3).split('-').reverse().join('/') });
    }
    const draftId = createReport(app, { roundId, venueId: venues[6]!, inspectorId: inspector.id, status: 'draft', visitDate: shift(-1).split('-').reverse().join('/') });
    return { roundId, draftId, freeVenue: venues[10]!, areaId: commune.id };
  } finally {
    await app.close();
  }
}

/** Bytes received over the wire (headers included, as CDP counts them) and bytes sent in request bodies. */
class Meter {
  received = 0;
  sent = 0;
  largestUpload = 0;
  constructor(cdp: CDPSession) {
    cdp.on('Network.loadingFinished', (event) => {
      this.received += event.encodedDataLength;
    });
    cdp.on('Network.requestWillBeSentExtraInfo', (event) => {
      const headers = event.headers as Record<string, string>;
      const length = Number(headers['Content-Length'] ?? headers['content-length'] ?? 0);
      const headerBytes = Object.entries(headers).reduce((sum, [name, value]) => sum + name.length + String(value).length + 4, 0);
      this.sent += headerBytes + length;
      this.largestUpload = Math.max(this.largestUpload, length);
    });
  }
  reset(): void {
    this.received = 0;
    this.sent = 0;
    this.largestUpload = 0;
  }
}

async function weakPhone(context: BrowserContext): Promise<{ page: Page; cdp: CDPSession; meter: Meter }> {
  const page = await context.newPage();
  page.setDefaultTimeout(Number(process.env.FIELD_TIMEOUT ?? 300_000));
  page.setDefaultNavigationTimeout(Number(process.env.FIELD_TIMEOUT ?? 300_000));
  page.on('dialog', (dialog) => void dialog.accept());
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', WEAK_3G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  return { page, cdp, meter: new Meter(cdp) };
}

async function firstContentfulPaint(page: Page): Promise<number | null> {
  return page.evaluate(() => {
    const entry = performance.getEntriesByName('first-contentful-paint')[0];
    return entry ? Math.round(entry.startTime) : null;
  });
}

/** Signs in through the form (unmetered: the measured visits start after it). */
async function signIn(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.click('main button[type="submit"]')]);
}

/**
 * Fills in every answer of the report form as an inspector would: the first answer offered for each item
 * (compliant) by its radio's value, and the visit's details. Kept in one place so changes to the form only
 * need this function adapted.
 */
async function fillReport(page: Page): Promise<void> {
  const names = await page.$$eval('#report-form input[type="radio"][name^="answer_"]', (inputs) => [...new Set(inputs.map((input) => (input as HTMLInputElement).name))]);
  for (const name of names) await page.check(`#report-form input[type="radio"][name="${name}"][value="compliant"]`);
  const fill = async (name: string, value: string) => {
    const field = page.locator(`#report-form [name="${name}"]`);
    if ((await field.count()) > 0) await field.first().fill(value);
  };
  // The visit's details are folded into one line on a draft: a tap opens them.
  const folded = page.locator('details.visit-details:not([open]) > summary');
  if ((await folded.count()) > 0) await folded.first().click();
  await fill('visitTime', '20:30');
  await fill('representativeName', 'Hà Văn Thắng');
  await fill('representativePosition', 'Chủ cơ sở');
  await fill('ownersPresent', '1');
  await fill('staffPresent', '6');
  await fill('staffCounselled', '6');
  await fill('materialsGiven', '10 tờ rơi, 2 áp phích');
  await fill('conclusion', 'Cơ sở chấp hành tốt các quy định; đã tuyên truyền cho người lao động.');
}

/** Adds the photo with the report's upload form (found by its file input) and waits until the page lists it; returns the answer's status. */
async function addPhoto(page: Page, photo: string): Promise<number> {
  const files = 'a[href*="/attachments/"]';
  const before = await page.locator(files).count();
  // On a draft the upload belongs to the report form (it saves the answers and attaches, at /checks/:id);
  // afterwards it is a form of its own (/checks/:id/attachments).
  const form = page.locator('[data-upload]').first();
  const sent = page.waitForResponse((response) => response.request().method() === 'POST' && /\/checks\/\d+(\/attachments)?$/.test(response.url()));
  await form.locator('input[type="file"]').setInputFiles(photo);
  const submit = form.locator('button[type="submit"], input[type="submit"]').first();
  if ((await submit.count()) > 0 && (await submit.isEnabled())) await submit.click();
  const status = (await sent).status();
  await page.waitForLoadState('load');
  // A refused upload (e.g. cut off by the server's request timeout) is reported, not waited for.
  if (status >= 400) return status;
  await page.waitForFunction(([selector, count]) => document.querySelectorAll(selector as string).length > (count as number), [files, before] as const, { timeout: 30_000 });
  return status;
}

const kb = (bytes: number) => (bytes / 1000).toFixed(1);
const verdict = (met: boolean) => (met ? 'met' : '**missed**');

type Seeded = Awaited<ReturnType<typeof seedData>>;
const phone = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** Each main page's first visit on a cold cache: a signed-in phone per page, its cache emptied before the visit. */
async function firstVisits(browser: Browser, base: string, data: Seeded): Promise<void> {
  const pages: Array<{ name: string; url: string; who: string | null; fcp?: boolean }> = [
    { name: 'sign-in', url: '/login', who: null, fcp: true },
    { name: 'home', url: '/', who: INSPECTOR },
    { name: 'rounds', url: '/rounds', who: INSPECTOR, fcp: true },
    { name: 'a round', url: `/rounds/${data.roundId}`, who: INSPECTOR, fcp: true },
    { name: 'report form (a draft)', url: `/checks/${data.draftId}`, who: INSPECTOR, fcp: true },
    { name: 'reports', url: '/checks', who: INSPECTOR },
    { name: 'findings', url: '/findings', who: INSPECTOR },
    { name: 'follow-ups', url: '/follow-ups', who: INSPECTOR },
    { name: 'venues', url: '/venues', who: INSPECTOR },
    { name: 'campaigns', url: '/campaigns', who: INSPECTOR },
    { name: 'calendar', url: '/calendar', who: INSPECTOR },
    { name: 'outreach', url: '/outreach', who: INSPECTOR },
    { name: 'district summary', url: '/reports/districts', who: HEAD },
  ];
  console.log('\n| first visit, cold cache | requests | KB | FCP ms | target |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  for (const entry of pages) {
    const context = await browser.newContext(phone);
    if (entry.who) await signIn(await context.newPage(), base, entry.who);
    const { page, cdp, meter } = await weakPhone(context);
    await cdp.send('Network.clearBrowserCache');
    let requests = 0;
    page.on('request', () => (requests += 1));
    meter.reset();
    await page.goto(`${base}${entry.url}`, { waitUntil: 'load' });
    await page.waitForTimeout(500); // the favicon is asked for after load
    const bytes = meter.received + meter.sent;
    const fcp = await firstContentfulPaint(page);
    await context.close();
    const targets = [`≤ ${TARGETS.firstVisitKb} KB: ${verdict(bytes <= TARGETS.firstVisitKb * 1000)}`];
    if (entry.fcp) targets.push(`FCP ≤ ${TARGETS.fcpMs / 1000} s: ${verdict(fcp !== null && fcp <= TARGETS.fcpMs)}`);
    console.log(`| ${entry.name} (\`${entry.url.replace(/\d+/g, ':id')}\`) | ${requests} | ${kb(bytes)} | ${fcp ?? '–'} | ${targets.join('; ')} |`);
  }
}

/** List pages visited again, their files already in the cache: another list page, then the first one again. */
async function repeatVisits(browser: Browser, base: string): Promise<void> {
  const context = await browser.newContext(phone);
  await signIn(await context.newPage(), base, INSPECTOR);
  const { page, meter } = await weakPhone(context);
  let requests = 0;
  page.on('request', () => (requests += 1));
  await page.goto(`${base}/rounds`, { waitUntil: 'load' });
  await page.waitForTimeout(500);
  console.log('\n| repeat visit, warm cache | requests (cached ones included) | KB | target |');
  console.log('| --- | ---: | ---: | --- |');
  for (const [url, after] of [['/checks', '/rounds'], ['/rounds', '/checks']] as const) {
    meter.reset();
    requests = 0;
    await page.goto(`${base}${url}`, { waitUntil: 'load' });
    await page.waitForTimeout(500);
    const bytes = meter.received + meter.sent;
    console.log(`| \`${url}\` after \`${after}\` | ${requests} | ${kb(bytes)} | ≤ ${TARGETS.repeatKb} KB: ${verdict(bytes <= TARGETS.repeatKb * 1000)} |`);
  }
  await context.close();
}

/** The inspector's session from the sign-in page on a cold cache: each step timed from the tap to the next page ready. */
async function inspectorSession(browser: Browser, base: string, data: Seeded, photo: string): Promise<void> {
  const context = await browser.newContext(phone);
  const { page, meter } = await weakPhone(context);
  const steps: Array<{ name: string; ms: number; bytes: number }> = [];
  // Bytes are counted from the first tap to the last, between steps too (files fetched while typing count in
  // the next step); the time counted is only the waiting after each tap.
  meter.reset();
  let counted = 0;
  const bytesSinceLastStep = () => {
    const bytes = meter.received + meter.sent - counted;
    counted += bytes;
    return bytes;
  };
  const step = async (name: string, action: () => Promise<unknown>) => {
    const began = performance.now();
    await action();
    steps.push({ name, ms: performance.now() - began, bytes: bytesSinceLastStep() });
  };
  const navigate = (action: () => Promise<unknown>) => Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
  await step('open the sign-in page', () => page.goto(`${base}/login`, { waitUntil: 'load' }));
  await page.fill('#email', INSPECTOR);
  await page.fill('#password', PASSWORD);
  await step('sign in', () => navigate(() => page.click('main button[type="submit"]')));
  await step('open the round', () => page.goto(`${base}/rounds/${data.roundId}`, { waitUntil: 'load' }));
  await step('new report', () => navigate(() => page.click(`a[href="/rounds/${data.roundId}/checks/new"]`)));
  await page.check(`input[type="radio"][name="venueId"][value="${data.freeVenue}"]`);
  const visitDate = page.locator('#start-form [name="visitDate"]');
  if ((await visitDate.inputValue()) === '') await visitDate.fill(todayInVietnam(new Date()).split('-').reverse().join('/'));
  await step('start the report', () => navigate(() => page.click('#start-form button.form-submit')));
  await fillReport(page);
  await step('save the draft', () => navigate(() => page.click('button[form="report-form"][name="intent"][value="save"]')));
  const photoBegan = performance.now();
  const uploadStatus = await addPhoto(page, photo);
  const photoStep = { ms: performance.now() - photoBegan, bytes: bytesSinceLastStep(), uploaded: meter.largestUpload };
  // Sending for review asks for the confirmation box beside the button.
  await page.check('#field-confirmSubmit');
  await step('submit', () => navigate(() => page.click('button[form="report-form"][name="intent"][value="submit"]')));
  const submitted = (await page.locator('#report-form').count()) === 0;
  await context.close();

  console.log('\n| inspector session step | waiting ms | KB |');
  console.log('| --- | ---: | ---: |');
  for (const entry of steps) console.log(`| ${entry.name} | ${entry.ms.toFixed(0)} | ${kb(entry.bytes)} |`);
  const waiting = steps.reduce((sum, entry) => sum + entry.ms, 0);
  const bytes = steps.reduce((sum, entry) => sum + entry.bytes, 0);
  console.log(`| **session without the photo** | **${waiting.toFixed(0)}** | **${kb(bytes)}** |`);
  console.log(`| add the photo (${kb(fs.statSync(photo).size)} KB as taken; upload request ${kb(photoStep.uploaded)} KB; answer ${uploadStatus}) | ${photoStep.ms.toFixed(0)} | ${kb(photoStep.bytes)} |`);
  console.log(`\nSession: waiting ≤ ${TARGETS.sessionWaitMs / 1000} s: ${verdict(waiting <= TARGETS.sessionWaitMs)} (${(waiting / 1000).toFixed(1)} s); ≤ ${TARGETS.sessionKb} KB plus the photo: ${verdict(bytes <= TARGETS.sessionKb * 1000)} (${kb(bytes)} KB); report submitted: ${submitted ? 'yes' : 'NO'}`);
}

/**
 * The offline part's data, added while the server runs (SQLite in WAL mode takes a second writer): an inspector on
 * the team of one round under way in another commune than the session's, that commune's 500 venues, and one draft
 * of theirs. Kept apart from the other parts' data so their pages measure what they always did.
 */
async function seedOfflineRound(dataDir: string, avoidAreaId: number) {
  createAccount(dataDir, OFFLINE_INSPECTOR, 'Quàng Văn Minh', 'inspector');
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', SAMPLE_DATA: 'false', DAILY_BACKUPS: 'false', DATA_DIR: dataDir });
  const app = Fastify({ ...serverOptions(config), logger: false });
  await app.register(appPlugin, { config });
  await app.ready();
  try {
    const inspector = app.services.users.findByEmail(OFFLINE_INSPECTOR)!;
    const commune = app.catalog.communes.find((area) => area.id !== avoidAreaId && area.name.includes('Chiềng')) ?? app.catalog.communes.find((area) => area.id !== avoidAreaId)!;
    const roundId = createRoundWithTeam(app, [inspector.id], {
      title: 'Kiểm tra cơ sở lưu trú, karaoke vùng cao',
      decisionNumber: '61/QĐ-BCĐ',
      areaIds: [String(commune.id)],
      startDate: shift(-3),
      endDate: shift(10),
      objectives: 'Kiểm tra giấy phép, người lao động, dấu hiệu mua bán người tại các bản',
    });
    // Only rounds under way go to a phone.
    app.services.rounds.changeStatus(systemActor('bench'), roundId, { to: 'in_progress', note: '' });
    const kinds = ['karaoke', 'restaurant', 'lodging', 'massage', 'bar'];
    const places = ['Bản Mòng', 'Bản Hụm', 'Bản Pe', 'Tiểu khu 5', 'Bản Muống', 'Bản Bó', 'Bản Chiềng Ly', 'Bản Nà Ngựu'];
    const names = ['Hoa Ban', 'Suối Mơ', 'Đồi Thông', 'Sơn Ca', 'Ánh Dương', 'Mây Trắng', 'Thác Bạc', 'Hương Rừng', 'Bình Minh', 'Phượng Hồng'];
    const venues: number[] = [];
    for (let index = 0; index < OFFLINE_VENUES; index += 1) {
      venues.push(
        createVenue(app, {
          kind: kinds[index % kinds.length]!,
          name: `Cơ sở ${names[index % names.length]} ${index + 1}`,
          areaId: String(commune.id),
          address: `Số ${(index % 90) + 1}, ${places[index % places.length]}, ${commune.name}`,
        }),
      );
    }
    const draftId = createReport(app, { roundId, venueId: venues[0]!, inspectorId: inspector.id, status: 'draft', visitDate: shift(-1).split('-').reverse().join('/') });
    return { roundId, draftId, inspectorId: inspector.id, areaName: commune.name };
  } finally {
    await app.close();
  }
}

/**
 * What the phone stores: the browser's own estimate (usage by kind, in Chromium), the bundle's JSON and the outbox
 * as kept in IndexedDB, and each cache's entries with the sum of their bodies. A string, so nothing the TypeScript
 * runner adds to functions reaches the page.
 */
const PHONE_STORAGE = `(async () => {
  const estimate = await navigator.storage.estimate();
  const details = estimate.usageDetails || {};
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('pcmbn-offline');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const all = (store) => db.objectStoreNames.contains(store)
    ? new Promise((resolve) => { const request = db.transaction(store).objectStore(store).getAll(); request.onsuccess = () => resolve(request.result); })
    : Promise.resolve([]);
  const bundles = await all('bundles');
  const outbox = await all('outbox');
  const copies = await all('copies');
  db.close();
  const bundleBytes = bundles.reduce((sum, bundle) => sum + new Blob([JSON.stringify(bundle)]).size, 0);
  const venues = bundles.reduce((sum, bundle) => sum + bundle.rounds.reduce((n, round) => n + round.venues.length, 0), 0);
  const photoBytes = outbox.reduce((sum, item) => sum + (item.file && item.file.blob ? item.file.blob.size : 0), 0);
  const outboxBytes = outbox.reduce((sum, item) => sum + new Blob([JSON.stringify({ ...item, file: item.file ? { name: item.file.name } : undefined })]).size, 0) + photoBytes;
  const cacheSizes = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    let bytes = 0;
    const requests = await cache.keys();
    for (const request of requests) {
      const response = await cache.match(request);
      if (response) bytes += (await response.arrayBuffer()).byteLength;
    }
    cacheSizes[name] = { entries: requests.length, bytes };
  }
  return {
    usage: estimate.usage || 0,
    indexedDB: details.indexedDB || 0,
    caches: details.caches || 0,
    copies: copies.length,
    copyPhotoBytes: copies.reduce((sum, copy) => sum + (copy.photos || []).reduce((n, photo) => n + (photo.blob ? photo.blob.size : 0), 0), 0),
    bundleBytes, venues, outbox: outbox.length, photos: outbox.filter((item) => item.kind === 'attach').length, photoBytes, outboxBytes,
    cacheSizes,
  };
})()`;
type PhoneStorage = { copies: number; copyPhotoBytes: number; usage: number; indexedDB: number; caches: number; bundleBytes: number; venues: number; outbox: number; photos: number; photoBytes: number; outboxBytes: number; cacheSizes: Record<string, { entries: number; bytes: number }> };

const SERVICE_WORKER_CONTROLS = `(async () => {
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  return true;
})()`;

const OUTBOX_COUNT = `(async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('pcmbn-offline');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const count = db.objectStoreNames.contains('outbox')
    ? await new Promise((resolve) => { const request = db.transaction('outbox').objectStore('outbox').count(); request.onsuccess = () => resolve(request.result); })
    : 0;
  db.close();
  return count;
})()`;

/** A step that must end within `ms`: a hang is named instead of waited for (a page's promise has no timeout of its own). */
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`offline: ${what} took more than ${ms / 1000} s`)), ms)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until the phone's outbox holds `count` items (read from IndexedDB every quarter second). */
async function outboxReaches(page: Page, count: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await within(30_000, 'counting the outbox', page.evaluate(OUTBOX_COUNT))) === count) return true;
    await page.waitForTimeout(250);
  }
  return false;
}

/**
 * Offline filing on weak 3G. (1) "Prepare" on the home page for a round of 500 venues: the time from the tap to the
 * ready message, the bytes it costs and what the phone then stores. (2) A draft opened, then with no signal: every
 * answer, two photos (reduced on the phone and queued) and the submission, all in the outbox; then the link back
 * (still weak 3G) and the time until the outbox is empty, the bytes sent, and the report in the database, once.
 */
async function offlineFiling(browser: Browser, base: string, dataDir: string, photo: string, avoidAreaId: number): Promise<void> {
  const seeded = await seedOfflineRound(dataDir, avoidAreaId);
  console.error(`offline: ${OFFLINE_VENUES} venues seeded`);
  const context = await browser.newContext({ ...phone, serviceWorkers: 'allow' });
  // The service worker's own requests (the static files it keeps at install) are not the page's: counted apart.
  const worker = { requests: 0, bytes: 0 };
  context.on('requestfinished', (request) => {
    if (!request.serviceWorker()) return;
    worker.requests += 1;
    void request.sizes().then((sizes) => (worker.bytes += sizes.requestHeadersSize + sizes.requestBodySize + sizes.responseHeadersSize + sizes.responseBodySize), () => undefined);
  });
  // Signed in before the measured phone (unmetered, like the other parts): the first page registers the worker.
  const first = await context.newPage();
  await signIn(first, base, OFFLINE_INSPECTOR);
  await within(120_000, 'the service worker taking control of the first page', first.evaluate(SERVICE_WORKER_CONTROLS));
  await first.close();
  const { page, cdp, meter } = await weakPhone(context);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  let requests = 0;
  page.on('request', () => (requests += 1));

  // 1. Prepare.
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await within(120_000, 'the service worker taking control of the home page', page.evaluate(SERVICE_WORKER_CONTROLS));
  await page.waitForSelector('[data-offline-prepare]:not([hidden])');
  const before = (await within(60_000, 'reading the storage', page.evaluate(PHONE_STORAGE))) as PhoneStorage;
  meter.reset();
  requests = 0;
  const prepareBegan = performance.now();
  await page.click('[data-offline-prepare]');
  await page.waitForSelector('[data-offline-ready]:has-text("Sẵn sàng ngoại tuyến — cập nhật")');
  const prepareMs = performance.now() - prepareBegan;
  const prepareBytes = { received: meter.received, sent: meter.sent, requests };
  const readyText = (await page.locator('[data-offline-ready]').innerText()).replace(/\s+/g, ' ').trim();
  const prepared = (await within(60_000, 'reading the storage', page.evaluate(PHONE_STORAGE))) as PhoneStorage;
  console.error(`offline: prepared in ${prepareMs.toFixed(0)} ms`);

  // 2. The outbox: the draft opened with signal, then everything done without it.
  await page.goto(`${base}/checks/${seeded.draftId}`, { waitUntil: 'load' });
  await context.setOffline(true);
  await fillReport(page);
  const answered = await page.$$eval('#report-form input[type="radio"][name^="answer_"]:checked', (inputs) => inputs.length);
  const photoStatus: string[] = [];
  for (let index = 1; index <= 2; index += 1) {
    const block = page.locator('[data-upload]').first();
    await block.locator('input[type="file"]').setInputFiles(photo);
    await block.locator('button[type="submit"]').click();
    if (!(await outboxReaches(page, index, 60_000))) throw new Error(`photo ${index} did not reach the outbox`);
    photoStatus.push(((await block.locator('.upload-status').textContent()) ?? '').trim());
  }
  await page.check('#field-confirmSubmit');
  await page.click('button[form="report-form"][name="intent"][value="submit"]');
  await page.waitForSelector('#offline-note:has-text("hàng chờ gửi")');
  if (!(await outboxReaches(page, 3, 30_000))) throw new Error('the submission did not reach the outbox');
  const queued = (await within(60_000, 'reading the storage', page.evaluate(PHONE_STORAGE))) as PhoneStorage;
  console.error('offline: the outbox holds the report');
  const pendingText = ((await page.locator('[data-outbox-count]').textContent()) ?? '').trim();

  // The link returns, still weak 3G. Playwright's setOffline(false) would lift the throttling (and let the
  // service worker's Background Sync send the outbox unthrottled, outside this page's meter) before the profile
  // could be set again; the page is therefore brought online by its own DevTools session with the weak-3G profile
  // in one step, while the worker stays offline. The page's `online` event sends the outbox (OfflineCore.flush,
  // the same code Background Sync runs).
  meter.reset();
  requests = 0;
  const flushBegan = performance.now();
  await cdp.send('Network.emulateNetworkConditions', WEAK_3G);
  const emptied = await outboxReaches(page, 0, Number(process.env.FIELD_TIMEOUT ?? 300_000));
  await page.waitForSelector('[data-outbox-count]', { state: 'hidden' });
  const flushMs = performance.now() - flushBegan;
  const flushBytes = { received: meter.received, sent: meter.sent, largest: meter.largestUpload, requests };
  await context.setOffline(false);
  await cdp.send('Network.emulateNetworkConditions', WEAK_3G);
  await context.close();

  // The server's side, read from its database file (read-only, the server still running).
  const db = new Database(path.join(dataDir, 'app.db'), { readonly: true, fileMustExist: true });
  let server: { status: string; answers: number; attachments: number; reports: number; submissions: number; attachAudits: number };
  try {
    const one = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).get(...params) as T;
    server = {
      status: one<{ status: string }>('select status from checks where id = ?', seeded.draftId).status,
      answers: one<{ n: number }>('select count(*) as n from check_answers where check_id = ? and answer is not null', seeded.draftId).n,
      attachments: one<{ n: number }>('select count(*) as n from check_attachments where check_id = ?', seeded.draftId).n,
      reports: one<{ n: number }>('select count(*) as n from checks where inspector_id = ?', seeded.inspectorId).n,
      submissions: one<{ n: number }>("select count(*) as n from audit_log where record_type = 'check' and record_id = ? and action = 'status'", seeded.draftId).n,
      attachAudits: one<{ n: number }>("select count(*) as n from audit_log where record_type = 'attachment' and action = 'create' and changes like ?", `%"check":[null,${seeded.draftId}]%`).n,
    };
  } finally {
    db.close();
  }
  const once = server.status === 'submitted' && server.answers === answered && server.attachments === 2 && server.reports === 1 && server.submissions === 1 && server.attachAudits === 2;

  const sumCaches = (storage: PhoneStorage, match: (name: string) => boolean) =>
    Object.entries(storage.cacheSizes)
      .filter(([name]) => match(name))
      .reduce((sum, [, cache]) => ({ entries: sum.entries + cache.entries, bytes: sum.bytes + cache.bytes }), { entries: 0, bytes: 0 });
  const pagesCache = sumCaches(prepared, (name) => name === 'offline-pages');
  const precache = sumCaches(prepared, (name) => name !== 'offline-pages');
  console.log(`\nOffline: round "${seeded.areaName}" with ${OFFLINE_VENUES} venues and one draft; ${readyText}`);
  console.log('\n| offline filing on weak 3G | figure |');
  console.log('| --- | ---: |');
  console.log(`| prepare: tap → “Sẵn sàng ngoại tuyến” | ${prepareMs.toFixed(0)} ms |`);
  console.log(`| prepare: over the wire (${prepareBytes.requests} requests; received ${kb(prepareBytes.received)}, sent ${kb(prepareBytes.sent)}) | ${kb(prepareBytes.received + prepareBytes.sent)} KB |`);
  console.log(`| stored: the bundle's JSON in IndexedDB (${prepared.venues} venues) | ${kb(prepared.bundleBytes)} KB |`);
  console.log(`| stored: pages kept by prepare (\`offline-pages\`, ${pagesCache.entries} pages, bodies) | ${kb(pagesCache.bytes)} KB |`);
  console.log(`| stored: static files kept at the worker's install (${precache.entries} files, bodies; fetched by the worker, ${worker.requests} requests, ${kb(worker.bytes)} KB, not throttled) | ${kb(precache.bytes)} KB |`);
  console.log(`| \`storage.estimate()\` IndexedDB, before → after prepare | ${kb(before.indexedDB)} → ${kb(prepared.indexedDB)} KB |`);
  console.log(`| \`storage.estimate()\` Cache Storage, before → after prepare | ${kb(before.caches)} → ${kb(prepared.caches)} KB |`);
  console.log(`| \`storage.estimate()\` all, before → after prepare | ${kb(before.usage)} → ${kb(prepared.usage)} KB |`);
  console.log(`| outbox offline: ${queued.outbox} items (“${pendingText}”: ${answered} answers and the submission; ${queued.photos} photos reduced on the phone from ${kb(fs.statSync(photo).size)} KB to ${kb(queued.photoBytes / Math.max(queued.photos, 1))} KB each) | ${kb(queued.outboxBytes)} KB |`);
  console.log(`| \`storage.estimate()\` IndexedDB with the outbox waiting (and ${queued.copies} local copy of the form holding ${kb(queued.copyPhotoBytes)} KB of photo) | ${kb(queued.indexedDB)} KB |`);
  console.log(`| outbox: link back (weak 3G) → outbox empty | ${emptied ? flushMs.toFixed(0) : `**not empty after ${flushMs.toFixed(0)}**`} ms |`);
  console.log(`| outbox: over the wire (${flushBytes.requests} requests; sent ${kb(flushBytes.sent)}, largest upload ${kb(flushBytes.largest)}; received ${kb(flushBytes.received)}) | ${kb(flushBytes.sent + flushBytes.received)} KB |`);
  console.log(`| server: report ${server.status}, ${server.answers}/${answered} answers, ${server.attachments} attachments, ${server.reports} report of this inspector, ${server.submissions} submission and ${server.attachAudits} uploads in the history | ${once ? 'once: yes' : '**NO**'} |`);
  if (photoStatus.some((status) => !status.includes('hàng chờ gửi'))) console.log(`\nPhoto status after queuing: ${photoStatus.join(' / ')}`);
  if (errors.length) console.log(`\nPage errors: ${errors.join(' / ')}`);
}

async function main() {
  buildServer();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcmbn-field-'));
  const photo = path.join(dataDir, 'anh-hien-truong.jpg');
  const browser = await launchBrowser();
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    createAccount(dataDir, INSPECTOR, 'Lường Văn Tuấn', 'inspector');
    createAccount(dataDir, HEAD, 'Cầm Thị Hoa', 'department_head');
    const data = await seedData(dataDir, INSPECTOR, HEAD);
    // A phone photo: 12 megapixels of fine detail, about 4 MB as the camera saves it.
    await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).blur(1).jpeg({ quality: 90 }).toFile(photo);
    const port = await freePort();
    server = await startServer(dataDir, port, { timeoutMs: 30_000, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    const base = `http://127.0.0.1:${port}`;
    const cpu = os.cpus();
    console.log(`\nMachine: ${cpu.length} × ${cpu[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, Chromium ${browser.version()}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`);
    console.log('Conditions: 360×740 (2× pixels, touch), 400 kbit/s down and up, 400 ms round trip, CPU 4× slower (CDP); production server on a fresh data directory.');
    console.log('Bytes: received over the wire, headers included (CDP encodedDataLength), plus request headers and bodies sent; 1 KB = 1,000 bytes.');
    if (runs('pages')) {
      await firstVisits(browser, base, data);
      await repeatVisits(browser, base);
    }
    if (runs('session')) await inspectorSession(browser, base, data, photo);
    if (runs('offline')) await offlineFiling(browser, base, dataDir, photo, data.areaId);
  } finally {
    await browser.close();
    if (server) await stopServer(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
