import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { buildTestApp } from '../helpers/app.js';
import { createUser, loginAs } from '../helpers/auth.js';
import { chromiumPath, launchBrowser, signIn } from '../helpers/browser.js';
import { createReport, createRoundWithTeam, createVenue, district, outreachForm } from '../helpers/factories.js';
import { freePort, startServer, stopServer } from '../helpers/server.js';

const groups = ['rounds', 'findings', 'followups', 'outreach', 'categories', 'victims'];
const period = 'from=01/01/2025&to=31/12/2025';

/** The district summary in the built server: one group of columns at a time, cards on a phone, no sideways scroll. */
describe.skipIf(!chromiumPath)('the district summary in a real browser', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcmbn-summary-'));
  let server: ChildProcess | undefined;
  let browser: Browser;
  let baseUrl: string;
  let auditor: { email: string; password: string };

  beforeAll(async () => {
    // Figures in several groups, with wide numbers (a fine in the hundreds of millions, five-digit attendance).
    const setup = await buildTestApp({ env: { DATA_DIR: dataDir } });
    auditor = await createUser(setup.app, 'auditor');
    const head = await loginAs(setup.app, 'department_head');
    const inspector = await loginAs(setup.app, 'inspector');
    const roundId = createRoundWithTeam(setup.app, [inspector.user.id]);
    for (const name of ['Karaoke Ánh Sao', 'Nhà hàng Suối Cá']) {
      createReport(setup.app, { roundId, venueId: createVenue(setup.app, { name }), inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'approved', violations: ['A1', 'E2', 'G1'] });
    }
    const finding = setup.app.db.get<{ id: number }>(sql`select id from findings where item_code = 'A1' limit 1`)!;
    await head.post(`/findings/${finding.id}/follow-ups`, { measure: 'fine', fineAmount: '150.000.000', responsibleKind: 'agency', responsibleAgency: 'police', dueDate: '30/06/2025' });
    const songMaCommune = setup.app.catalog.filterIds(district(setup.app, 'Sông Mã').id)[1]!;
    for (const areaId of [district(setup.app, 'Mai Sơn').id, songMaCommune]) {
      await inspector.post('/outreach', outreachForm({ activityDate: '20/08/2025', areaId, village: '', format: 'village_meeting', channel: 'in_person', targetGroups: ['students'], organisingAgency: 'womens_union', participantsTotal: '12345', participantsWomen: '6789' }));
    }
    await setup.app.close();

    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = await startServer(dataDir, port, { env: { SAMPLE_DATA: 'false' } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    if (server) await stopServer(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A signed-in page that records every script error and console error. */
  async function open(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await signIn(page, baseUrl, auditor.email, auditor.password);
    return { page, problems };
  }

  const sideways = (page: Page) =>
    page.evaluate(() => {
      const wrap = document.querySelector('#summary-view .table-wrap')!;
      return { page: document.documentElement.scrollWidth - innerWidth, table: wrap.scrollWidth - wrap.clientWidth };
    });

  it('shows a card per area on a 360-pixel phone, each figure with its name and the same link, never wider than the screen', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const { page, problems } = await open(context);
    for (const level of ['district', 'commune']) {
      for (const group of groups) {
        await page.goto(`${baseUrl}/reports/districts?${period}&level=${level}&group=${group}`);
        expect(await sideways(page), `${level} ${group}`).toEqual({ page: 0, table: 0 });
        const card = await page.evaluate(() => {
          const table = document.querySelector('#summary-table')!;
          const row = table.querySelector('tbody tr[data-area="total"]')!;
          const cell = row.querySelector('td')!;
          return {
            head: getComputedStyle(table.querySelector('thead')!).display,
            row: getComputedStyle(row).display,
            heading: row.querySelector('th')!.getBoundingClientRect().width,
            cardWidth: row.getBoundingClientRect().width,
            label: getComputedStyle(cell, '::before').content,
            dataLabel: cell.dataset.label,
            total: table.querySelectorAll('tbody tr')[table.querySelectorAll('tbody tr').length - 1] === row,
          };
        });
        // The column headings give way to a name beside each figure; the area's name spans the card as its heading.
        expect(card.head, group).toBe('none');
        expect(card.row, group).toBe('block');
        expect(card.label, group).toBe(`"${card.dataLabel}"`);
        expect(card.heading, group).toBeGreaterThan(card.cardWidth - 40);
        expect(card.total, group).toBe(true);
      }
    }
    // The figures link to the same lists as on a desktop, and a link is a thumb-sized target.
    await page.goto(`${baseUrl}/reports/districts?${period}&group=followups`);
    const fine = page.locator('#summary-table tr[data-area="total"] td[data-figure="fineTotal"] a');
    expect(await fine.textContent()).toBe('150.000.000 đ');
    const box = (await fine.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(box.width).toBeGreaterThanOrEqual(44);
    const phoneLinks = await page.locator('#summary-table td a').evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const wide = await open(desktop);
    await wide.page.goto(`${baseUrl}/reports/districts?${period}&group=followups`);
    expect(await wide.page.locator('#summary-table td a').evaluateAll((links) => links.map((link) => link.getAttribute('href')))).toEqual(phoneLinks);
    expect(phoneLinks.length).toBeGreaterThan(0);
    expect([...problems, ...wide.problems]).toEqual([]);
    await desktop.close();
    await context.close();
  });

  it('fits every group in 1280 pixels, by district and by commune, headings wrapping', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page, problems } = await open(context);
    for (const level of ['district', 'commune']) {
      for (const group of groups) {
        await page.goto(`${baseUrl}/reports/districts?${period}&level=${level}&group=${group}`);
        expect(await sideways(page), `${level} ${group}`).toEqual({ page: 0, table: 0 });
        expect(await page.locator('#summary-table thead').isVisible()).toBe(true);
      }
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it('switches groups in place with htmx, in the address and history, and by plain links without JavaScript', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page, problems } = await open(context);
    await page.goto(`${baseUrl}/reports/districts?${period}&level=commune`);
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));
    await page.click('#summary-group-findings');
    await page.waitForSelector('#summary-table[data-group="findings"]');
    expect(new URL(page.url()).searchParams.get('group')).toBe('findings');
    expect(new URL(page.url()).searchParams.get('level')).toBe('commune');
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page');
    expect(await page.getAttribute('#summary-group-findings', 'aria-current')).toBe('true');
    await page.goBack();
    await page.waitForSelector('#summary-table[data-group="rounds"]');
    await page.goForward();
    await page.waitForSelector('#summary-table[data-group="findings"]');
    // "Xem" keeps the group now shown.
    await page.fill('#field-from', '01/02/2025');
    await Promise.all([page.waitForURL(/from=01%2F02%2F2025/), page.click('form.filters button[type="submit"]')]);
    expect(await page.getAttribute('#summary-table', 'data-group')).toBe('findings');
    expect(problems).toEqual([]);
    await context.close();

    const withoutScript = await browser.newContext({ viewport: { width: 360, height: 740 }, javaScriptEnabled: false });
    const plain = await open(withoutScript);
    await plain.page.goto(`${baseUrl}/reports/districts?${period}&level=commune`);
    for (const group of ['outreach', 'categories']) {
      await Promise.all([plain.page.waitForURL(new RegExp(`group=${group}`)), plain.page.click(`#summary-group-${group}`)]);
      expect(await plain.page.getAttribute('#summary-table', 'data-group')).toBe(group);
      expect(await plain.page.getAttribute(`#summary-group-${group}`, 'aria-current')).toBe('true');
      expect(new URL(plain.page.url()).searchParams.get('level')).toBe('commune');
      expect(await sideways(plain.page)).toEqual({ page: 0, table: 0 });
    }
    expect(plain.problems).toEqual([]);
    await withoutScript.close();
  });
});
