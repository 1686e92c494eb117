import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, loginAs, type SignedInClient } from '../../helpers/auth.js';
import { district } from '../../helpers/factories.js';
import { html } from '../../helpers/html.js';
import { reminderTick } from '../../../src/modules/periodic-reports/index.js';
import { createMailer } from '../../../src/lib/mailer.js';

/** A real SMTP receiver on a free port: every message it accepts, with its recipients and text. */
const received: Array<{ to: string[]; body: string }> = [];
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      received.push({ to: session.envelope.rcptTo.map((address) => address.address), body: Buffer.concat(chunks).toString('utf8') });
      callback();
    });
  },
});

let test: TestApp;
let admin: SignedInClient;
let clock = new Date('2025-03-01T03:00:00Z');
let smtpUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  test = await buildTestApp({ now: () => clock, env: { SMTP_URL: smtpUrl } });
  admin = await loginAs(test.app, 'admin');
  await createUser(test.app, 'department_head', { areaId: district(test.app, 'Bắc Yên').id, email: 'bac-yen@sonla.gov.vn' });
  await createUser(test.app, 'department_head', { areaId: district(test.app, 'Sông Mã').id, email: 'song-ma@sonla.gov.vn' });
  const created = await admin.post('/admin/reporting-periods', { kind: 'quarterly', title: 'Quý I/2025', campaignId: '', periodStart: '01/01/2025', periodEnd: '31/03/2025', dueDistrict: '10/04/2025', dueCommune: '', dueProvince: '20/04/2025', version: '' });
  expect(created.statusCode).toBe(303);
});
afterAll(async () => {
  await test.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** One tick at a moment; `withoutSmtp` as a server without SMTP_URL runs it (createMailer gives no mailer). */
const tick = (at: string, withoutSmtp = false) => {
  clock = new Date(at);
  const mailer = createMailer(withoutSmtp ? undefined : smtpUrl, 'Bao cao <no-reply@sonla.gov.vn>');
  return reminderTick({ service: test.app.services.periodicReports, catalog: test.app.catalog, mailer }, clock);
};

describe('reminder emails', () => {
  it('sends nothing, writes nothing and fails nothing without SMTP_URL', async () => {
    // 5 April 2025 in Vietnam (22:00 UTC on the 4th): five days before the districts' due date.
    const result = await tick('2025-04-04T22:00:00Z', true);
    expect(result).toEqual({ sent: 0, failed: 0 });
    expect(received).toHaveLength(0);
    expect(test.app.db.get<{ n: number }>(sql`select count(*) as n from periodic_report_reminders`)!.n).toBe(0);
  });

  it('does not remind before the fifth day before the due date (Vietnam’s day, not UTC’s)', async () => {
    // 16:00 UTC on 4 April is still the 4th... in UTC, but 23:00 on the 4th in Vietnam: six days before.
    expect(await tick('2025-04-04T16:00:00Z')).toEqual({ sent: 0, failed: 0 });
    expect(received).toHaveLength(0);
  });

  it('reminds each district’s heads 5 days before, once', async () => {
    const first = await tick('2025-04-04T22:00:00Z');
    expect(first.failed).toBe(0);
    expect(first.sent).toBe(test.app.catalog.districts.filter((area) => ['Bắc Yên', 'Sông Mã'].some((name) => area.name.includes(name))).length);
    expect(received.map((mail) => mail.to).flat().sort()).toEqual(['bac-yen@sonla.gov.vn', 'song-ma@sonla.gov.vn']);
    expect(received[0]!.body).toContain('Qu');
    expect(await tick('2025-04-05T09:00:00Z')).toEqual({ sent: 0, failed: 0 });
    expect(received).toHaveLength(2);
  });

  it('reminds the day after the due date only those who have not sent their report', async () => {
    const period = test.app.db.get<{ id: number }>(sql`select id from reporting_periods`)!.id;
    const head = await loginAs(test.app, 'department_head', { areaId: district(test.app, 'Sông Mã').id });
    const built = await head.post('/periodic-reports', { periodId: String(period), areaId: String(district(test.app, 'Sông Mã').id) });
    const id = Number(String(built.headers.location).split('/').pop());
    const version = test.app.db.get<{ version: number }>(sql`select version from periodic_reports where id = ${id}`)!.version;
    expect((await head.post(`/periodic-reports/${id}/submission`, { assessment: 'Đã xong', difficulties: '', proposals: 'Không', nextTasks: '', version: String(version) })).statusCode).toBe(303);
    received.length = 0;
    expect(await tick('2025-04-10T10:00:00Z')).toEqual({ sent: 0, failed: 0 });
    const after = await tick('2025-04-11T01:00:00Z');
    expect(after.sent).toBe(1);
    expect(received.map((mail) => mail.to).flat()).toEqual(['bac-yen@sonla.gov.vn']);
    expect(await tick('2025-04-11T05:00:00Z')).toEqual({ sent: 0, failed: 0 });
  });

  it('shows admins the log of what was sent', async () => {
    // The clock has moved on by weeks: a fresh sign-in.
    admin = await loginAs(test.app, 'admin');
    const page = await admin.get('/admin/reporting-periods/reminders');
    expect(page.statusCode).toBe(200);
    const rows = html(page.body)('#reminders tbody tr');
    expect(rows.length).toBe(test.app.db.get<{ n: number }>(sql`select count(*) as n from periodic_report_reminders where status = 'sent'`)!.n);
    expect(html(page.body)('#reminders').text()).toContain('bac-yen@sonla.gov.vn');
  });
});
