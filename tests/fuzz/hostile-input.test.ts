import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { buildTestApp, htmxHeaders, type TestApp } from '../helpers/app.js';
import { loginAs, multipartBody, type SignedInClient } from '../helpers/auth.js';
import { createReport, createRoundWithTeam, createVenue } from '../helpers/factories.js';

/**
 * Property: no input, however hostile, makes the app answer 5xx; a refused write answers 4xx with a page and
 * writes nothing. Every declared route gets random and hostile form fields and query strings.
 */
let test: TestApp;
let admin: SignedInClient;
const ids: Record<string, string> = {};

const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom(
    '',
    ' ',
    "' OR 1=1 --",
    '"; DROP TABLE rounds; --',
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '\u0000\u0001\u001f',
    '\u202e\u200b',
    '-1',
    '0',
    '-0',
    '1e309',
    'NaN',
    'Infinity',
    '99999999999999999999999',
    '2147483648',
    '9007199254740993',
    '31/02/2025',
    '2025-13-45',
    '00/00/0000',
    '../../../../etc/passwd',
    '%00',
    '{"$gt": ""}',
    'a'.repeat(5000),
    'đ'.repeat(300),
    '１２３',
  ),
);

const fieldNames = fc.constantFrom(
  'title', 'decisionNumber', 'kind', 'areaIds', 'startDate', 'endDate', 'leadAgency', 'objectives', 'teamName', 'teamAgency', 'teamRole', 'teamUser',
  'version', 'campaignId', 'submissionKey', 'name', 'email', 'role', 'areaId', 'password', 'passwordConfirm', 'currentPassword', 'status', 'to', 'note',
  'address', 'ownerName', 'phone', 'licenceExpiry', 'staffCount', 'venueId', 'visitDate', 'visitTime', 'intent', 'answer_A1', 'note_A1', 'fixed_1',
  'staffPresent', 'staffCounselled', 'ownersPresent', 'conclusion', 'decision', 'comment', 'measure', 'fineAmount', 'responsibleKind', 'responsibleAgency',
  'responsibleUserId', 'dueDate', 'description', 'agency', 'referredOn', 'reference', 'victimDetails', 'body', 'checkId', 'targetArea', 'target_rounds',
  'activityDate', 'participantsTotal', 'participantsWomen', 'targetGroups', 'format', 'channel', 'organisingAgency', 'lang', 'returnTo', 'enable',
  'itemCode', 'itemVi', 'revision', 'publish', 'cancel', 'q', 'page', 'area', 'year', 'from', 'to', 'level', 'month', 'round', 'severity', '__proto__', 'constructor',
);

const fields = fc.array(fc.tuple(fieldNames, hostile), { maxLength: 12 });

function counts() {
  return test.app.db.get<Record<string, number>>(sql`
    select (select count(*) from rounds) as rounds, (select count(*) from users) as users, (select count(*) from venues) as venues,
           (select count(*) from checks) as checks, (select count(*) from findings) as findings, (select count(*) from follow_ups) as followUps,
           (select count(*) from campaigns) as campaigns, (select count(*) from outreach_activities) as outreach,
           (select count(*) from check_attachments) as attachments, (select count(*) from follow_up_comments) as comments,
           (select count(*) from audit_log where action not in ('login', 'logout', 'login_failed', 'password_check_failed', 'export')) as audit`)!;
}

function urlFor(pattern: string, random: string | null): string {
  return pattern.replace(/:(\w+)/g, (_all, name: string) => (random !== null ? encodeURIComponent(random) : (ids[name] ?? '1')));
}

beforeAll(async () => {
  test = await buildTestApp({ env: { SAMPLE_DATA: 'true' } });
  admin = await loginAs(test.app, 'admin');
  const head = await loginAs(test.app, 'department_head');
  const inspector = await loginAs(test.app, 'inspector');
  const roundId = createRoundWithTeam(test.app, [admin.user.id, inspector.user.id]);
  const venueId = createVenue(test.app);
  const checkId = createReport(test.app, { roundId, venueId, inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'approved', violations: ['A1', 'E2'] });
  const finding = test.app.db.get<{ id: number }>(sql`select id from findings where check_id = ${checkId} limit 1`)!;
  const followUp = await head.post(`/findings/${finding.id}/follow-ups`, { measure: 'other', responsibleKind: 'venue', dueDate: '30/12/2025' });
  ids.id = String(roundId);
  ids.attachmentId = '1';
  ids.commentId = '1';
  ids.token = '00000000-0000-0000-0000-000000000000';
  ids.file = 'reports.csv';
  void followUp;
});
afterAll(async () => {
  await test.close();
});

describe('hostile input', () => {
  it('never gets a 5xx from any form, and a refused form writes nothing', async () => {
    const posts = test.app.declaredRoutes.filter((route) => route.method === 'POST' && !['/logout', '/login', '/setup'].includes(route.url));
    expect(posts.length).toBeGreaterThan(30);
    for (const route of posts) {
      await fc.assert(
        fc.asyncProperty(fields, fc.option(hostile, { nil: null }), fc.boolean(), fc.boolean(), async (pairs, randomId, asHtmx, asMultipart) => {
          const url = urlFor(route.url, randomId);
          const before = counts();
          const body = Object.create(null) as Record<string, string[]>;
          for (const [name, value] of pairs) (body[name] ??= []).push(value);
          let response;
          if (asMultipart) {
            const flat = Object.fromEntries(Object.entries(body).map(([name, values]) => [name, values[0]!]));
            const upload = multipartBody({ _csrf: admin.csrf, ...flat }, { filename: pairs[0]?.[1] ?? 'x', content: Buffer.from(pairs.map((pair) => pair[1]).join('')) });
            response = await admin.request({ method: 'POST', url, headers: { ...upload.headers, ...(asHtmx ? htmxHeaders('main') : {}) }, payload: upload.payload });
          } else {
            response = await admin.post(url, body, asHtmx ? htmxHeaders('main') : {});
          }
          expect(response.statusCode, `${route.url} ${JSON.stringify(pairs).slice(0, 300)}`).toBeLessThan(500);
          if (response.statusCode >= 400) {
            expect(counts(), `${route.url} wrote on ${response.statusCode}`).toEqual(before);
            expect(response.body.length).toBeGreaterThan(0);
          }
        }),
        { numRuns: 25 },
      );
    }
  }, 300_000);

  it('never gets a 5xx from any query string, however malformed', async () => {
    const gets = test.app.declaredRoutes.filter((route) => route.method === 'GET' && !route.url.startsWith('/static'));
    for (const route of gets) {
      await fc.assert(
        fc.asyncProperty(fields, fc.option(hostile, { nil: null }), async (pairs, randomId) => {
          const query = pairs.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
          const response = await admin.get(`${urlFor(route.url, randomId)}?${query}`);
          expect(response.statusCode, `${route.url}?${query.slice(0, 200)}`).toBeLessThan(500);
        }),
        { numRuns: 15 },
      );
    }
  }, 300_000);

  it('answers broken UTF-8, wrong content types and oversized bodies with a 4xx page', async () => {
    const broken = Buffer.concat([Buffer.from(`_csrf=${encodeURIComponent(admin.csrf)}&title=`), Buffer.from([0xc3, 0x28, 0xff, 0xfe])]);
    const response = await admin.request({ method: 'POST', url: '/rounds', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: broken });
    expect(response.statusCode).toBe(422);
    const xml = await admin.request({ method: 'POST', url: '/rounds', headers: { 'content-type': 'application/xml', 'x-csrf-token': admin.csrf }, payload: '<a/>' });
    expect(xml.statusCode).toBeGreaterThanOrEqual(400);
    expect(xml.statusCode).toBeLessThan(500);
    const huge = await admin.request({ method: 'POST', url: '/rounds', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${admin.csrf}&title=${'a'.repeat(1_100_000)}` });
    expect(huge.statusCode).toBe(413);
    expect(huge.body).toContain('Dữ liệu quá lớn');
    const json = await admin.request({ method: 'POST', url: '/rounds', headers: { 'content-type': 'application/json', 'x-csrf-token': admin.csrf }, payload: '{"title": ' });
    expect(json.statusCode).toBe(400);
  });
});
