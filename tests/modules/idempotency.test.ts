import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { loginAs, type SignedInClient } from '../helpers/auth.js';
import { createReport, createRoundWithTeam, createVenue, district, roundFields, outreachForm } from '../helpers/factories.js';
import { html } from '../helpers/html.js';

/** Every create form carries a one-time key: the same POST sent twice creates one record and answers as the first. */
let test: TestApp;
let admin: SignedInClient;
let head: SignedInClient;
let inspector: SignedInClient;
let roundId: number;
let findingId: number;

beforeAll(async () => {
  test = await buildTestApp();
  admin = await loginAs(test.app, 'admin');
  head = await loginAs(test.app, 'department_head');
  inspector = await loginAs(test.app, 'inspector');
  roundId = createRoundWithTeam(test.app, [inspector.user.id]);
  const checkId = createReport(test.app, { roundId, venueId: createVenue(test.app), inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'approved', violations: ['A1'] });
  findingId = test.app.db.get<{ id: number }>(sql`select id from findings where check_id = ${checkId}`)!.id;
});
afterAll(async () => {
  await test.close();
});

const count = (table: string) => test.app.db.get<{ n: number }>(sql.raw(`select count(*) as n from ${table}`))!.n;

async function keyOf(client: SignedInClient, formUrl: string): Promise<string> {
  const key = html((await client.get(formUrl)).body)('input[name="submissionKey"]').first().val() as string;
  expect(key, formUrl).toMatch(/^[0-9a-f-]{36}$/);
  return key;
}

const forms: Array<{ name: string; client: () => SignedInClient; form: () => string; post: () => string; table: string; fields: () => Record<string, unknown> }> = [
  { name: 'round', client: () => head, form: () => '/rounds/new', post: () => '/rounds', table: 'rounds', fields: () => roundFields(test.app) },
  {
    name: 'venue',
    client: () => head,
    form: () => '/venues/new',
    post: () => '/venues',
    table: 'venues',
    fields: () => ({ kind: 'bar', name: 'Quán một lần', areaId: district(test.app, 'Mai Sơn').id, address: 'Số 9', status: 'operating' }),
  },
  {
    name: 'report',
    client: () => inspector,
    form: () => `/rounds/${roundId}/checks/new`,
    post: () => `/rounds/${roundId}/checks`,
    table: 'checks',
    fields: () => ({ venueId: createVenue(test.app), visitDate: '11/03/2025' }),
  },
  {
    name: 'outreach activity',
    client: () => inspector,
    form: () => '/outreach/new',
    post: () => '/outreach',
    table: 'outreach_activities',
    fields: () => outreachForm({ activityDate: '15/03/2025', areaId: district(test.app, 'Bắc Yên').id, format: 'rally', organisingAgency: 'police' }),
  },
  {
    name: 'campaign',
    client: () => head,
    form: () => '/campaigns/new',
    post: () => '/campaigns',
    table: 'campaigns',
    fields: () => ({ title: 'Kế hoạch một lần', kind: 'awareness', startDate: '01/01/2025', endDate: '31/12/2025' }),
  },
  {
    name: 'follow-up',
    client: () => head,
    form: () => `/findings/${findingId}`,
    post: () => `/findings/${findingId}/follow-ups`,
    table: 'follow_ups',
    fields: () => ({ measure: 'other', responsibleKind: 'venue', dueDate: '30/12/2025' }),
  },
  {
    name: 'prevention model',
    client: () => head,
    form: () => '/models/new',
    post: () => '/models',
    table: 'prevention_models',
    fields: () => ({ name: 'Câu lạc bộ một lần', kind: 'law_club', areaId: district(test.app, 'Bắc Yên').id, hostAgency: 'justice', startDate: '01/03/2024', members: '15' }),
  },
  {
    name: 'monitoring record',
    client: () => inspector,
    form: () => '/monitoring/new',
    post: () => '/monitoring',
    table: 'monitoring_records',
    fields: () => ({ areaId: district(test.app, 'Bắc Yên').id, year: '2024', period: 'q3', 'count-foreign_marriage': '2' }),
  },
  {
    name: 'propagandist',
    client: () => head,
    form: () => '/propagandists/new',
    post: () => '/propagandists',
    table: 'propagandists',
    fields: () => ({ name: 'Hà Thị Một Lần', organisation: 'Hội LHPN', areaId: district(test.app, 'Bắc Yên').id, role: 'reporter', trainedOn: '01/02/2024' }),
  },
  {
    name: 'account',
    client: () => admin,
    form: () => '/admin/users/new',
    post: () => '/admin/users',
    table: 'users',
    fields: () => ({ email: 'mot-lan@sonla.gov.vn', name: 'Một Lần', role: 'auditor', areaId: '', password: 'mat-khau-du-dai' }),
  },
];

describe('submitting a create form twice', () => {
  it.each(forms.map((form) => [form.name, form] as const))('creates one %s and answers the repeat as the first', async (_name, form) => {
    const client = form.client();
    const submissionKey = await keyOf(client, form.form());
    const fields = { ...form.fields(), submissionKey };
    const before = count(form.table);
    const first = await client.post(form.post(), fields);
    const second = await client.post(form.post(), fields);
    expect(first.statusCode, first.body.slice(0, 200)).toBe(303);
    expect(second.statusCode).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    expect(count(form.table)).toBe(before + 1);
    // A fresh form gets a fresh key, so the next record is a new one.
    expect(await keyOf(client, form.form())).not.toBe(submissionKey);
  });
});
