import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Role } from '../../db/schema/index.js';
import { buildTestApp } from '../helpers/app.js';
import { Client, createUser } from '../helpers/auth.js';
import { chromiumPath, launchBrowser, signIn } from '../helpers/browser.js';
import { createReport, createRoundWithTeam, createVenue } from '../helpers/factories.js';
import { freePort, startServer, stopServer } from '../helpers/server.js';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** A venue name of 40 characters without a space, as pasted from a spreadsheet. */
const longVenueName = '=HYPERLINK("http://evil","x")AAAAAAAAAAA';
const longRoundTitle = `Kiểm tra liên ngành các cơ sở kinh doanh dịch vụ karaoke, nhà nghỉ trên địa bàn huyện Bắc Yên đợt cao điểm ${'Đ'.repeat(40)}`;

describe.skipIf(!chromiumPath)('the layout on a phone and a desktop, in a real browser', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcmbn-layout-'));
  let server: ChildProcess | undefined;
  let browser: Browser;
  let baseUrl: string;
  const people = {} as Record<Role, { id: number; email: string; password: string }>;
  const signedInState = {} as Record<Role, Awaited<ReturnType<BrowserContext['storageState']>>>;
  const ids = { venue: 0, round: 0, approved: 0, submitted: 0, draft: 0, notesDraft: 0, finding: 0, followUp: 0, campaign: 0, checklist: 0 };

  beforeAll(async () => {
    expect(longVenueName).toHaveLength(40);
    // The records are made in-process on the data directory, then the built server serves them as in production.
    const setup = await buildTestApp({ env: { DATA_DIR: dataDir } });
    const app = setup.app;
    people.inspector = await createUser(app, 'inspector', { name: `Nguyễn Thị Hoàng Phương ${'Thảo'.repeat(12)} 🌸` });
    people.department_head = await createUser(app, 'department_head');
    people.auditor = await createUser(app, 'auditor');
    people.admin = await createUser(app, 'admin');
    ids.venue = createVenue(app, { name: longVenueName, address: `Bản${'A'.repeat(60)}`, ownerName: `${'Chủ'.repeat(15)} 😀😀` });
    ids.round = createRoundWithTeam(app, [people.inspector.id], { title: longRoundTitle });
    app.db.$client.prepare("update rounds set status = 'in_progress' where id = ?").run(ids.round);
    ids.approved = createReport(app, { roundId: ids.round, venueId: ids.venue, inspectorId: people.inspector.id, reviewerId: people.department_head.id, status: 'approved', violations: ['G2', 'A1'] });
    ids.submitted = createReport(app, { roundId: ids.round, venueId: ids.venue, inspectorId: people.inspector.id, status: 'submitted', violations: ['A1'] });
    ids.draft = createReport(app, { roundId: ids.round, venueId: ids.venue, inspectorId: people.inspector.id });
    // A draft whose notes were pasted as long unbroken lines.
    ids.notesDraft = createReport(app, { roundId: ids.round, venueId: ids.venue, inspectorId: people.inspector.id });
    app.db.$client.prepare("update check_answers set answer = 'violation', note = ? where check_id = ?").run(`Ghi chú ${'X'.repeat(300)} 😀`, ids.notesDraft);
    app.db.$client.prepare('update checks set venue_comments = ?, conclusion = ? where id = ?').run('Ý'.repeat(400), `${'Kết luận'.repeat(60)}\n${'K'.repeat(200)}`, ids.notesDraft);
    ids.checklist = (app.db.$client.prepare('select id from checklist_templates order by id limit 1').get() as { id: number }).id;
    ids.finding = (app.db.$client.prepare('select id from findings where check_id = ? order by id limit 1').get(ids.approved) as { id: number }).id;

    const head = new Client(app);
    await head.get('/login');
    await head.post('/login', { email: people.department_head.email, password: people.department_head.password });
    await head.get('/');
    const followUp = await head.post(`/findings/${ids.finding}/follow-ups`, { measure: 'register_residence', responsibleKind: 'venue', dueDate: '20/03/2025' });
    expect(followUp.statusCode).toBe(303);
    ids.followUp = Number(String(followUp.headers.location).split('/').pop());
    const campaign = await head.post('/campaigns', { title: `Kế hoạch ${'X'.repeat(45)}`, planNumber: '45/KH-UBND', kind: 'action_month', startDate: '01/03/2025', endDate: '31/05/2025', ownerId: '', description: '' });
    expect(campaign.statusCode).toBe(303);
    ids.campaign = Number(String(campaign.headers.location).split('/').pop());
    const districts = app.catalog.districts.slice(0, 3).map((area) => area.id);
    const targets = await head.post(`/campaigns/${ids.campaign}/targets`, { targetArea: districts, target_rounds: ['2', '1', '1'], target_venues: ['4', '2', '1'], target_sessions: ['2', '1', '1'], target_participants: ['200', '50', '10'] });
    expect(targets.statusCode).toBe(303);
    await setup.app.close();

    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = await startServer(dataDir, port, { env: { SAMPLE_DATA: 'false', RATE_LIMIT_PER_MINUTE: '100000' } });
    browser = await launchBrowser();
    // Each role signs in once through the real form; the tests reuse its cookies (a sign-in costs seconds).
    for (const role of Object.keys(people) as Role[]) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signIn(page, baseUrl, people[role].email, people[role].password);
      signedInState[role] = await context.storageState();
      await context.close();
    }
  });
  afterAll(async () => {
    await browser?.close();
    if (server) await stopServer(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function signedIn(role: Role, options: { width: number; height?: number; javaScriptEnabled?: boolean; bypassCSP?: boolean }) {
    const context = await browser.newContext({
      viewport: { width: options.width, height: options.height ?? 740 },
      javaScriptEnabled: options.javaScriptEnabled ?? true,
      bypassCSP: options.bypassCSP ?? false,
      storageState: signedInState[role],
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(`${baseUrl}/`);
    expect(new URL(page.url()).pathname, `${role} is signed in`).toBe('/');
    return { context, page, problems };
  }

  const headerHeight = (page: Page) => page.locator('.site-header').evaluate((header) => header.getBoundingClientRect().height);
  const menuLinks = (page: Page) => page.locator('.site-menu .nav-links a').evaluateAll((links) => links.map((link) => link.getAttribute('href')));

  /** Each role's own pages come first in the menu. */
  const firstPages: Record<Role, string[]> = {
    inspector: ['/rounds', '/checks', '/follow-ups'],
    department_head: ['/campaigns', '/rounds', '/calendar', '/reports/districts'],
    auditor: ['/reports/districts', '/checks', '/audit'],
    admin: ['/admin/users', '/admin/checklists'],
  };

  for (const javaScriptEnabled of [true, false]) {
    it(`collapses the menu behind one button at 360 px, ${javaScriptEnabled ? 'with' : 'without'} JavaScript: the header stays within 64 px and a link in the menu works`, async () => {
      for (const role of Object.keys(firstPages) as Role[]) {
        const { context, page, problems } = await signedIn(role, { width: 360, javaScriptEnabled });
        await page.goto(`${baseUrl}/rounds/${ids.round}`);
        expect(await headerHeight(page), role).toBeLessThanOrEqual(64);
        expect(await page.locator('.site-menu .nav-links').isVisible()).toBe(false);
        const button = page.locator('.site-menu > summary');
        expect((await button.boundingBox())!.height).toBeGreaterThanOrEqual(44);

        await button.click();
        expect(await page.locator('.site-menu .nav-links').isVisible()).toBe(true);
        expect((await menuLinks(page)).slice(0, firstPages[role].length), role).toEqual(firstPages[role]);
        expect(await page.locator('.site-menu a[aria-current="page"]').getAttribute('href')).toBe('/rounds');
        expect(await page.locator('.site-menu .logout-form button').isVisible()).toBe(true);
        expect(await page.locator('.site-menu a[href="/profile"]').isVisible()).toBe(true);
        // Tapping the button again closes the menu.
        await button.click();
        expect(await page.locator('.site-menu .nav-links').isVisible()).toBe(false);

        await button.click();
        const target = firstPages[role][1]!;
        await Promise.all([page.waitForURL(`${baseUrl}${target}`), page.locator(`.site-menu a[href="${target}"]`).click()]);
        expect(await page.locator(`.site-menu a[href="${target}"]`).getAttribute('aria-current')).toBe('page');
        expect(await page.locator('.site-menu .nav-links').isVisible()).toBe(false);
        expect(problems).toEqual([]);
        await context.close();
      }
    });
  }

  it('keeps the header within 64 px at 320 px, and shows the links inline at 1280 px', async () => {
    for (const role of Object.keys(firstPages) as Role[]) {
      const phone = await signedIn(role, { width: 320, height: 640 });
      expect(await headerHeight(phone.page), role).toBeLessThanOrEqual(64);
      await phone.context.close();

      const desk = await signedIn(role, { width: 1280, height: 800 });
      await desk.page.goto(`${baseUrl}/venues`);
      expect(await desk.page.locator('.site-menu > summary').isVisible()).toBe(false);
      expect(await desk.page.locator(`.nav-links a[href="${firstPages[role][0]}"]`).isVisible()).toBe(true);
      expect(await desk.page.locator('.logout-form button').isVisible()).toBe(true);
      // One tidy row of links under the name for everyone but the administrator, who has two more pages.
      if (role !== 'admin') expect(await headerHeight(desk.page), role).toBeLessThanOrEqual(110);
      await desk.context.close();
    }
  });

  it('never scrolls sideways at 320, 360 or 1280 px, with a 40-character unbroken venue name and a long round name', async () => {
    const pages: Array<[Role, string]> = [
      ['inspector', `/venues/${ids.venue}`],
      ['inspector', `/rounds/${ids.round}`],
      ['inspector', `/checks/${ids.approved}`],
      ['inspector', `/checks/${ids.draft}`],
      ['inspector', `/findings/${ids.finding}`],
      ['inspector', `/follow-ups/${ids.followUp}`],
      ['inspector', '/'],
      ['inspector', '/venues'],
      ['inspector', '/rounds'],
      ['inspector', '/checks'],
      ['inspector', '/findings'],
      ['inspector', '/follow-ups'],
      ['department_head', `/campaigns/${ids.campaign}`],
      ['department_head', '/campaigns'],
      ['department_head', `/findings/${ids.finding}`],
      ['department_head', `/checks/${ids.approved}`],
      ['department_head', '/'],
    ];
    for (const width of [320, 360, 1280]) {
      for (const role of ['inspector', 'department_head'] as Role[]) {
        const { context, page } = await signedIn(role, { width });
        for (const [owner, url] of pages) {
          if (owner !== role) continue;
          await page.goto(`${baseUrl}${url}`);
          const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }));
          expect(widths.page, `${url} at ${width} px`).toBeLessThanOrEqual(widths.viewport);
        }
        await context.close();
      }
    }
  });

  it('puts "Lập biên bản" on the first screen of a round at 360×740, above the team', async () => {
    const { context, page } = await signedIn('inspector', { width: 360, height: 740 });
    await page.goto(`${baseUrl}/rounds/${ids.round}`);
    const file = page.locator(`main a[href="/rounds/${ids.round}/checks/new"]`).first();
    expect(await file.textContent()).toBe('Lập biên bản');
    const box = (await file.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(740);
    expect(box.height).toBeGreaterThanOrEqual(44);
    const team = (await page.locator('#team-heading').boundingBox())!;
    expect(box.y).toBeLessThan(team.y);
    await context.close();
  });

  it('lets the keyboard reach the campaign’s wide tables, and shows the target editor whole at 360 px', async () => {
    const { context, page } = await signedIn('department_head', { width: 360 });
    await page.goto(`${baseUrl}/campaigns/${ids.campaign}`);
    for (const region of await page.locator('.table-wrap').all()) {
      expect(await region.getAttribute('tabindex')).toBe('0');
      expect(await region.getAttribute('role')).toBe('region');
      expect(await region.getAttribute('aria-label')).toMatch(/^Bảng /);
    }
    const editor = page.locator('#targets .table-wrap');
    const sizes = await editor.evaluate((element) => ({ scroll: element.scrollWidth, client: element.clientWidth }));
    expect(sizes.scroll).toBeLessThanOrEqual(sizes.client);
    for (const field of await page.locator('#targets input:not([type="hidden"]), #targets select').all()) {
      const box = (await field.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(360);
    }
    await context.close();
  });

  /** axe-core's violations on the page as it stands, one line each (the app's CSP would refuse the injected script, hence bypassCSP). */
  async function axeViolations(page: Page): Promise<string[]> {
    await page.addScriptTag({ path: axePath });
    return page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
      const result = await axe.run(document);
      return result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
    });
  }

  /**
   * Visible controls in <main> shorter than a thumb (44 px): links, buttons, menus' summaries, fields, and a
   * checkbox or radio measured by its label (the label is what the thumb taps). A link inside running text (its
   * parent holds words besides links and buttons: a sentence, a list item, a table cell) is exempt, as WCAG 2.5.8 allows for inline targets.
   */
  function smallTargets(page: Page) {
    return page.locator('main').evaluate((main) => {
      const controls = main.querySelectorAll<HTMLElement>('a[href], button, [role="button"], summary, input:not([type="hidden"]), select, textarea');
      const small: string[] = [];
      for (const control of controls) {
        if (control.getClientRects().length === 0) continue;
        let target: Element = control;
        if (control instanceof HTMLInputElement && (control.type === 'checkbox' || control.type === 'radio')) target = control.closest('label') ?? control.labels?.[0] ?? control;
        if (control instanceof HTMLAnchorElement) {
          // Running text: words in the link's parent besides its links and buttons.
          const parent = control.parentElement?.cloneNode(true) as HTMLElement | undefined;
          parent?.querySelectorAll('a, button, [role="button"]').forEach((other) => other.remove());
          if (parent && !control.closest('nav, .pagination') && (parent.textContent?.trim() ?? '') !== '') continue;
        }
        const height = target.getBoundingClientRect().height;
        if (height < 44) small.push(`${control.tagName} ${(control.textContent?.trim() || control.getAttribute('name') || '').slice(0, 40)} (${Math.round(height)} px)`);
      }
      return small;
    });
  }

  /** The 20 main pages, each with the role that uses it. */
  const mainPages = (): Array<[Role, string]> => [
    ['inspector', '/'],
    ['inspector', '/rounds'],
    ['inspector', `/rounds/${ids.round}`],
    ['inspector', `/rounds/${ids.round}/checks/new`],
    ['inspector', `/checks/${ids.draft}`],
    ['inspector', `/checks/${ids.submitted}`],
    ['inspector', '/checks'],
    ['inspector', '/findings'],
    ['inspector', `/findings/${ids.finding}`],
    ['inspector', '/follow-ups'],
    ['inspector', `/follow-ups/${ids.followUp}`],
    ['inspector', '/venues'],
    ['inspector', `/venues/${ids.venue}`],
    ['inspector', '/profile'],
    ['department_head', '/'],
    ['department_head', '/rounds/new'],
    ['department_head', `/rounds/${ids.round}`],
    ['department_head', '/campaigns'],
    ['department_head', `/campaigns/${ids.campaign}`],
    ['department_head', `/findings/${ids.finding}`],
    ['department_head', `/checks/${ids.submitted}`],
    ['department_head', '/outreach'],
    ['department_head', '/outreach/new'],
    ['department_head', '/victim-support'],
    ['department_head', '/victim-support/new'],
    ['department_head', '/calendar'],
    ['department_head', '/reports/districts'],
    ['auditor', '/'],
    ['auditor', '/audit'],
    ['admin', '/'],
    ['admin', '/admin/users'],
    ['admin', '/admin/checklists'],
    ['admin', `/admin/checklists/${ids.checklist}`],
  ];

  /** A refused submit of the empty draft: the form again, with its messages. */
  async function refusedSubmit(page: Page) {
    await page.goto(`${baseUrl}/checks/${ids.draft}`);
    await page.check('#field-confirmSubmit');
    await Promise.all([page.waitForLoadState('load'), page.waitForResponse((response) => response.request().method() === 'POST'), page.click('button[name="intent"][value="submit"]')]);
    await page.locator('#error-summary').waitFor();
  }

  /** Completing the round without JavaScript's dialog: the form sent without confirm=yes answers the confirmation page. */
  async function confirmationPage(page: Page) {
    await page.goto(`${baseUrl}/rounds/${ids.round}`);
    await Promise.all([
      page.waitForURL(`${baseUrl}/rounds/${ids.round}/status`),
      page.evaluate(() => {
        const form = document.querySelector<HTMLFormElement>('form[action$="/status"]:has(input[name="to"][value="completed"]), form[action$="/status"]:has(button[value="completed"])')!;
        HTMLFormElement.prototype.submit.call(form);
      }),
    ]);
    expect(await page.locator('main form input[name="confirm"][value="yes"]').count()).toBe(1);
  }

  const pageWidths = (page: Page) => page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }));

  // The next two walk many pages (each checked by axe, or at two widths): minutes on a busy machine.
  it('passes axe and has thumb-sized targets at 360×740 on the main pages, after a refused submit, on a confirmation page, on the sign-in page and with the menu open', async () => {
    for (const role of ['inspector', 'department_head', 'auditor', 'admin'] as Role[]) {
      const { context, page } = await signedIn(role, { width: 360, height: 740, bypassCSP: true });
      // The same walk checks that nothing scrolls sideways at 360 px (320 px has its own test below).
      const noSideways = async (what: string) => {
        const widths = await pageWidths(page);
        expect.soft(widths.page, `${what} at 360 px`).toBeLessThanOrEqual(widths.viewport);
      };
      for (const [owner, url] of mainPages()) {
        if (owner !== role) continue;
        const response = await page.goto(`${baseUrl}${url}`);
        expect(response!.status(), url).toBe(200);
        expect.soft(await axeViolations(page), url).toEqual([]);
        expect.soft(await smallTargets(page), url).toEqual([]);
        await noSideways(url);
      }
      if (role === 'inspector') {
        await page.goto(`${baseUrl}/checks/${ids.notesDraft}`);
        await noSideways('the report form with long notes');
        await refusedSubmit(page);
        expect.soft(await axeViolations(page), 'a refused submit').toEqual([]);
        expect.soft(await smallTargets(page), 'a refused submit').toEqual([]);
        await noSideways('a refused submit');
      }
      if (role === 'department_head') {
        await confirmationPage(page);
        expect.soft(await axeViolations(page), 'the confirmation page').toEqual([]);
        expect.soft(await smallTargets(page), 'the confirmation page').toEqual([]);
        await noSideways('the confirmation page');
      }
      await page.click('.site-menu > summary');
      expect.soft(await axeViolations(page), `${role}: the open menu`).toEqual([]);
      await context.close();
    }
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/login`);
    expect.soft(await axeViolations(page), '/login').toEqual([]);
    expect.soft(await smallTargets(page), '/login').toEqual([]);
    const loginWidths = await pageWidths(page);
    expect.soft(loginWidths.page, '/login at 360 px').toBeLessThanOrEqual(loginWidths.viewport);
    await context.close();
  }, 240_000);

  it('never scrolls sideways at 320 px on the main pages, the report form with long notes, a refused submit and the confirmation page', async () => {
    for (const width of [320]) {
      for (const role of ['inspector', 'department_head', 'auditor', 'admin'] as Role[]) {
        const { context, page } = await signedIn(role, { width });
        const extra: Array<[Role, string]> = [['inspector', `/checks/${ids.notesDraft}`]];
        for (const [owner, url] of [...mainPages(), ...extra]) {
          if (owner !== role) continue;
          await page.goto(`${baseUrl}${url}`);
          const widths = await pageWidths(page);
          expect.soft(widths.page, `${url} at ${width} px`).toBeLessThanOrEqual(widths.viewport);
        }
        if (role === 'inspector') {
          await refusedSubmit(page);
          const widths = await pageWidths(page);
          expect.soft(widths.page, `a refused submit at ${width} px`).toBeLessThanOrEqual(widths.viewport);
        }
        if (role === 'department_head') {
          await confirmationPage(page);
          const widths = await pageWidths(page);
          expect.soft(widths.page, `the confirmation page at ${width} px`).toBeLessThanOrEqual(widths.viewport);
        }
        await context.close();
      }
      const context = await browser.newContext({ viewport: { width, height: 740 } });
      const page = await context.newPage();
      await page.goto(`${baseUrl}/login`);
      const widths = await pageWidths(page);
      expect.soft(widths.page, `/login at ${width} px`).toBeLessThanOrEqual(widths.viewport);
      await context.close();
    }
  }, 240_000);
});
