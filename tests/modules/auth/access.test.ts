import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Role } from '../../../db/schema/index.js';
import { buildTestApp, htmxHeaders, type TestApp } from '../../helpers/app.js';
import { Client, createUser, loginAs, TEST_PASSWORD, type SignedInClient } from '../../helpers/auth.js';
import { createReport, createRound, createRoundWithTeam, createSupervisionRecord, createVenue, roundFields, outreachForm } from '../../helpers/factories.js';
import { Jimp } from 'jimp';
import { systemActor } from '../../../src/access/actor.js';

/**
 * Every route against every role: allowed → 2xx/3xx, forbidden → 403 with nothing written,
 * anonymous → sent to the sign-in page (401 with HX-Redirect for htmx).
 */
const allRoles: Role[] = ['admin', 'department_head', 'inspector', 'auditor'];

interface RouteCase {
  method: 'GET' | 'POST';
  url: string;
  allowed: Role[];
  /** Builds the request for one attempt (fresh records where the action consumes them). */
  prepare?: (client: SignedInClient, role: Role) => Promise<{ url?: string; fields?: Record<string, unknown>; file?: { filename: string; content: Buffer } }>;
}

const fileRoles: Role[] = ['admin', 'department_head', 'inspector'];
const headRoles: Role[] = ['admin', 'department_head'];

/** A round whose team lists this client (so an inspector may file in it), with a venue in its area. */
function roundFor(client: SignedInClient) {
  const roundId = createRoundWithTeam(test.app, [client.user.id]);
  return { roundId, venueId: createVenue(test.app) };
}

/**
 * A draft this client filed (when their role may file), or a submitted or approved report filed by an inspector,
 * so that heads and admins review someone else's report (nobody reviews their own).
 */
function reportFor(client: SignedInClient, role: Role, status: 'draft' | 'submitted' | 'approved' = 'draft') {
  const owner = status === 'draft' && fileRoles.includes(role) ? client : clients.inspector;
  const { roundId, venueId } = roundFor(owner);
  return createReport(test.app, { roundId, venueId, inspectorId: owner.user.id, reviewerId: clients.department_head.user.id, status, violations: ['E2', 'A1'] });
}

let photo: Buffer;

function campaignFields() {
  return { title: `Kế hoạch ${++emailCounter}`, planNumber: '', kind: 'awareness', startDate: '01/01/2025', endDate: '31/12/2025', ownerId: '', description: '' };
}

async function campaignId(): Promise<number> {
  const response = await clients.department_head.post('/campaigns', campaignFields());
  return Number(String(response.headers.location).split('/').pop());
}

function outreachFields() {
  return outreachForm({
    campaignId: '',
    activityDate: '15/03/2025',
    areaId: String(test.app.catalog.districts[0]!.id),
    format: 'village_meeting',
    channel: 'in_person',
    targetGroups: ['students'],
    organisingAgency: 'womens_union',
    participantsTotal: '40',
    participantsWomen: '20',
  });
}

async function activityId(): Promise<number> {
  const response = await clients.department_head.post('/outreach', outreachFields());
  return Number(String(response.headers.location).split('/').pop());
}

let victimQuarters = 0;
/** A quarter's victim-support form for a quarter no other record holds. */
function victimFields() {
  victimQuarters += 1;
  return { areaId: String(test.app.catalog.districts[0]!.id), year: String(2000 + Math.floor(victimQuarters / 4)), quarter: String((victimQuarters % 4) + 1), 'returned-female-adult': '6' };
}

async function victimRecordId(): Promise<number> {
  const response = await clients.department_head.post('/victim-support', victimFields());
  return Number(String(response.headers.location).split('/').pop());
}

function modelFields() {
  return { name: `Câu lạc bộ ${++emailCounter}`, kind: 'law_club', areaId: String(test.app.catalog.districts[0]!.id), hostAgency: 'womens_union', startDate: '01/03/2024', members: '20' };
}

async function modelId(): Promise<number> {
  const response = await clients.department_head.post('/models', modelFields());
  return Number(String(response.headers.location).split('/').pop());
}

let monitoringMonths = 0;
/** A month's monitoring form for a month no other record of the area holds. */
function monitoringFields() {
  monitoringMonths += 1;
  return { areaId: String(test.app.catalog.districts[0]!.id), year: String(2000 + Math.floor(monitoringMonths / 12)), period: `m${(monitoringMonths % 12) + 1}`, 'count-work_abroad': '7' };
}

async function monitoringRecordId(): Promise<number> {
  const response = await clients.department_head.post('/monitoring', monitoringFields());
  return Number(String(response.headers.location).split('/').pop());
}

function propagandistFields() {
  return { name: `Lò Văn ${++emailCounter}`, organisation: 'Hội LHPN huyện', areaId: String(test.app.catalog.districts[0]!.id), role: 'propagandist', trainedOn: '10/05/2024' };
}

async function propagandistId(): Promise<number> {
  const response = await clients.department_head.post('/propagandists', propagandistFields());
  return Number(String(response.headers.location).split('/').pop());
}

/** A finding (from a submitted report filed by a head) with its id and the venue it is about. */
function findingFor(severity: 'critical' | 'normal' = 'normal') {
  const id = reportFor(clients.department_head, 'department_head', 'submitted');
  const row = test.app.db.get<{ id: number; venue_id: number }>(
    sql`select id, venue_id from findings where check_id = ${id} and (severity = 'critical') = ${severity === 'critical' ? 1 : 0} order by id limit 1`,
  );
  if (!row) throw new Error('no finding');
  return row;
}

async function followUpFor(assignee?: SignedInClient) {
  const finding = findingFor();
  const response = await clients.department_head.post(`/findings/${finding.id}/follow-ups`, {
    measure: 'other',
    responsibleKind: assignee ? 'user' : 'venue',
    responsibleUserId: assignee ? String(assignee.user.id) : '',
    dueDate: '30/12/2025',
  });
  return Number(String(response.headers.location).split('/').pop());
}

/** A round taken to completed, so its result document can be made. */
function completedRound(): number {
  const id = createRound(test.app);
  for (const to of ['in_progress', 'completed'] as const) test.app.services.rounds.changeStatus(systemActor('test'), id, { to, note: '' });
  return id;
}

function resultFields() {
  return { issuingBody: 'ỦY BAN NHÂN DÂN TỈNH SƠN LA', number: '5', symbol: 'BC-UBND', place: 'Sơn La', documentDate: '05/01/2026', summary: 'Kết quả kiểm tra', authority: 'TM. ỦY BAN NHÂN DÂN', signerPosition: 'CHỦ TỊCH', version: '0' };
}

/**
 * A supervision record this client filed (when their role may file), or one filed by an inspector that heads and
 * admins review; `teamOf` also puts this client on the round's team (recommendations are moved by the team).
 */
function supervisionFor(client: SignedInClient, role: Role, status: 'draft' | 'submitted' | 'approved' = 'draft', recommendations = 0) {
  const owner = status === 'draft' && fileRoles.includes(role) ? client : clients.inspector;
  return createSupervisionRecord(test.app, { ownerId: owner.user.id, reviewerId: clients.department_head.user.id, status, recommendations, teamUserIds: owner === client ? [] : [client.user.id] });
}

let periodCounter = 0;
/** A fresh reporting period (Q1/2025: districts report to the province). */
function reportingPeriodId(): number {
  periodCounter += 1;
  const result = test.app.services.periodicReports.createPeriod(systemActor('test'), {
    kind: 'quarterly',
    title: `Kỳ thử ${periodCounter}`,
    campaignId: null,
    periodStart: '2025-01-01',
    periodEnd: '2025-03-31',
    dueCommune: null,
    dueDistrict: '2025-04-05',
    dueProvince: '2025-04-10',
  });
  if (!result.ok) throw new Error('no period');
  return result.value.id;
}

/** A periodic report of a fresh period: the province's (its heads write it) or a district's (the province's heads review it). */
function periodicReportId(area: 'province' | 'district', status: 'draft' | 'submitted' = 'draft'): number {
  const service = test.app.services.periodicReports;
  const built = service.build(systemActor('test'), reportingPeriodId(), area === 'province' ? test.app.catalog.province.id : test.app.catalog.districts[0]!.id);
  if (!built.ok) throw new Error('no report');
  if (status === 'submitted') service.submit(systemActor('test'), built.value.id, { assessment: 'Đánh giá', difficulties: '', proposals: 'Không', nextTasks: '' }, 1);
  return built.value.id;
}

function periodicVersion(id: number): string {
  return String(test.app.db.get<{ version: number }>(sql`select version from periodic_reports where id = ${id}`)!.version);
}

const periodicFields = { assessment: 'Đánh giá', difficulties: '', proposals: 'Không', nextTasks: '' };

let test: TestApp;
const clients = {} as Record<Role, SignedInClient>;

function writeCounts() {
  return test.app.db.get<Record<string, number>>(sql`
    select (select count(*) from rounds) as rounds, (select count(*) from users) as users,
           (select count(*) from audit_log where action not in ('login', 'login_failed', 'logout')) as audit,
           (select count(*) from round_status_changes) as changes, (select count(*) from venues) as venues,
           (select count(*) from checks) as checks, (select sum(version) from checks) as checkVersions,
           (select count(*) from check_attachments) as attachments, (select count(*) from checklist_templates) as templates,
           (select sum(revision) from checklist_templates) as revisions, (select count(*) from findings) as findings,
           (select sum(version) from findings) as findingVersions, (select count(*) from follow_ups) as followUps,
           (select sum(version) from follow_ups) as followUpVersions, (select count(*) from follow_up_comments) as comments,
           (select count(*) from campaigns) as campaigns, (select sum(version) from campaigns) as campaignVersions,
           (select count(*) from campaign_targets) as targets, (select count(*) from outreach_activities) as outreach,
           (select sum(version) from outreach_activities) as outreachVersions,
           (select count(*) from victim_support_records) as victimRecords, (select sum(version) from victim_support_records) as victimVersions,
           (select count(*) from victim_support_counts) as victimCounts, (select count(*) from api_tokens) as tokens,
           (select count(*) from api_tokens where revoked_at is not null) as revokedTokens,
           (select count(*) from webhook_endpoints) as webhooks, (select sum(version) from webhook_endpoints) as webhookVersions,
           (select count(*) from webhook_deliveries where state = 'pending') as pendingDeliveries,
           (select count(*) from prevention_models) as models, (select sum(version) from prevention_models) as modelVersions,
           (select count(*) from prevention_model_events) as modelEvents, (select count(*) from prevention_model_members) as modelMembers,
           (select count(*) from monitoring_records) as monitoring, (select sum(version) from monitoring_records) as monitoringVersions,
           (select count(*) from monitoring_counts) as monitoringCounts, (select count(*) from propagandists) as propagandists,
           (select sum(version) from propagandists) as propagandistVersions, (select count(*) from propagandist_trainings) as trainings,
           (select count(*) from activity_speakers) as speakers,
           (select count(*) from supervision_records) as supervision, (select sum(version) from supervision_records) as supervisionVersions,
           (select count(*) from recommendations) as recommendations, (select sum(version) from recommendations) as recommendationVersions,
           (select count(*) from recommendation_comments) as recommendationComments,
           (select count(*) from reporting_periods) as periods, (select sum(version) from reporting_periods) as periodVersions,
           (select count(*) from periodic_reports) as periodicReports, (select sum(version) from periodic_reports) as periodicVersions,
           (select count(*) from periodic_report_steps) as periodicSteps`);
}

function roundVersion(id: number): string {
  return String(test.app.db.get<{ version: number }>(sql`select version from rounds where id = ${id}`)!.version);
}

function userVersion(id: number): string {
  return String(test.app.db.get<{ version: number }>(sql`select version from users where id = ${id}`)!.version);
}


/** A webhook endpoint registered by the admin, with one delivery already failed (so it can be sent again). */
async function webhookWithDelivery(): Promise<{ id: number; deliveryId: number }> {
  const created = await clients.admin.post('/admin/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['report.submitted'], areaId: '', enabled: '1' });
  const id = Number(test.app.db.get<{ id: number }>(sql`select max(id) as id from webhook_endpoints`)!.id);
  if (created.statusCode !== 201) throw new Error('no webhook');
  const at = new Date().toISOString();
  test.app.db.run(sql`insert into webhook_deliveries (endpoint_id, event_id, type, occurred_at, body, state, next_attempt_at, retry_until, created_at)
                      values (${id}, ${`test-${id}`}, 'report.submitted', ${at}, '{}', 'failed', ${at}, ${at}, ${at})`);
  const deliveryId = Number(test.app.db.get<{ id: number }>(sql`select max(id) as id from webhook_deliveries`)!.id);
  return { id, deliveryId };
}

function webhookVersion(id: number): string {
  return String(test.app.db.get<{ version: number }>(sql`select version from webhook_endpoints where id = ${id}`)!.version);
}

let emailCounter = 0;
const cases: RouteCase[] = [
  { method: 'GET', url: '/', allowed: allRoles },
  { method: 'GET', url: '/profile', allowed: allRoles },
  { method: 'GET', url: '/profile/tokens/new', allowed: allRoles },
  { method: 'POST', url: '/profile/tokens', allowed: allRoles, prepare: async () => ({ fields: { name: 'Tập lệnh', access: 'read', days: '30' } }) },
  {
    method: 'POST',
    url: '/profile/tokens/:tokenId/revoke',
    allowed: allRoles,
    prepare: async (client) => ({ url: `/profile/tokens/${test.app.services.tokens.create(systemActor('test'), client.user.id, 'personal', { name: 'Thu hồi', access: 'read', days: 30 }, '').id}/revoke` }),
  },
  {
    method: 'POST',
    url: '/profile/password',
    allowed: allRoles,
    prepare: async () => ({ fields: { currentPassword: TEST_PASSWORD, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD } }),
  },
  { method: 'POST', url: '/profile/sessions/end', allowed: allRoles, prepare: async () => ({ fields: { others: '1' } }) },
  { method: 'GET', url: '/rounds', allowed: allRoles },
  { method: 'GET', url: '/rounds/new', allowed: ['admin', 'department_head'] },
  { method: 'GET', url: '/rounds/team-row', allowed: ['admin', 'department_head'] },
  { method: 'POST', url: '/rounds', allowed: ['admin', 'department_head'], prepare: async () => ({ fields: roundFields(test.app) }) },
  { method: 'GET', url: '/rounds/:id', allowed: allRoles, prepare: async () => ({ url: `/rounds/${createRound(test.app)}` }) },
  { method: 'GET', url: '/rounds/:id/edit', allowed: ['admin', 'department_head'], prepare: async () => ({ url: `/rounds/${createRound(test.app)}/edit` }) },
  {
    method: 'POST',
    url: '/rounds/:id',
    allowed: ['admin', 'department_head'],
    prepare: async () => {
      const id = createRound(test.app);
      return { url: `/rounds/${id}`, fields: roundFields(test.app, { version: roundVersion(id) }) };
    },
  },
  {
    method: 'POST',
    url: '/rounds/:id/status',
    allowed: ['admin', 'department_head'],
    prepare: async () => ({ url: `/rounds/${createRound(test.app)}/status`, fields: { to: 'in_progress' } }),
  },
  { method: 'GET', url: '/audit', allowed: ['admin', 'auditor'] },
  { method: 'GET', url: '/admin/users', allowed: ['admin'] },
  { method: 'GET', url: '/admin/users/new', allowed: ['admin'] },
  {
    method: 'POST',
    url: '/admin/users',
    allowed: ['admin'],
    prepare: async () => ({ fields: { email: `new-${++emailCounter}@sonla.gov.vn`, name: 'Cán bộ mới', role: 'inspector', areaId: '', password: TEST_PASSWORD } }),
  },
  { method: 'GET', url: '/admin/users/:id', allowed: ['admin'], prepare: async () => ({ url: `/admin/users/${(await createUser(test.app, 'inspector')).id}` }) },
  {
    method: 'POST',
    url: '/admin/users/:id',
    allowed: ['admin'],
    prepare: async () => {
      const { id } = await createUser(test.app, 'inspector');
      return { url: `/admin/users/${id}`, fields: { name: 'Tên mới', role: 'auditor', areaId: '', version: userVersion(id) } };
    },
  },
  {
    method: 'POST',
    url: '/admin/users/:id/disabled',
    allowed: ['admin'],
    prepare: async () => ({ url: `/admin/users/${(await createUser(test.app, 'inspector')).id}/disabled` }),
  },
  {
    method: 'POST',
    url: '/admin/users/:id/password',
    allowed: ['admin'],
    prepare: async () => ({ url: `/admin/users/${(await createUser(test.app, 'inspector')).id}/password`, fields: { password: 'mật-khẩu-mới-dài' } }),
  },
  { method: 'GET', url: '/venues', allowed: allRoles },
  { method: 'GET', url: '/venues/search', allowed: allRoles, prepare: async (client) => ({ url: `/venues/search?round=${roundFor(client).roundId}&q=karaoke` }) },
  { method: 'GET', url: '/venues/new', allowed: fileRoles },
  {
    method: 'POST',
    url: '/venues',
    allowed: fileRoles,
    prepare: async () => ({ fields: { kind: 'bar', name: `Quán ${++emailCounter}`, areaId: String(test.app.catalog.districts[0]!.id), address: `Số ${emailCounter}`, status: 'operating' } }),
  },
  { method: 'GET', url: '/venues/import', allowed: headRoles },
  { method: 'GET', url: '/venues/import/template.csv', allowed: headRoles },
  {
    method: 'POST',
    url: '/venues/import',
    allowed: headRoles,
    prepare: async () => ({ file: { filename: 'co-so.csv', content: Buffer.from(`loai_hinh,ten_co_so,dia_ban\nbar,Quán nhập ${++emailCounter},Huyện Mai Sơn\n`) } }),
  },
  {
    method: 'POST',
    url: '/venues/import/:token',
    allowed: headRoles,
    prepare: async (client, role) => {
      const owner = headRoles.includes(role) ? client : clients.admin;
      const preview = await owner.upload('/venues/import', { filename: 'a.csv', content: Buffer.from(`loai_hinh,ten_co_so,dia_ban\nbar,Quán xác nhận ${++emailCounter},Huyện Mai Sơn\n`) });
      return { url: /action="(\/venues\/import\/[0-9a-f-]{36})"/.exec(preview.body)![1]! };
    },
  },
  { method: 'GET', url: '/venues/:id', allowed: allRoles, prepare: async () => ({ url: `/venues/${createVenue(test.app)}` }) },
  { method: 'GET', url: '/venues/:id/edit', allowed: fileRoles, prepare: async () => ({ url: `/venues/${createVenue(test.app)}/edit` }) },
  {
    method: 'POST',
    url: '/venues/:id',
    allowed: fileRoles,
    prepare: async () => {
      const id = createVenue(test.app);
      return { url: `/venues/${id}`, fields: { kind: 'bar', name: `Đổi tên ${id}`, areaId: String(test.app.catalog.districts[4]!.id), address: `Số ${id}`, status: 'operating', version: '1' } };
    },
  },
  { method: 'GET', url: '/rounds/:id/checks/new', allowed: fileRoles, prepare: async (client) => ({ url: `/rounds/${roundFor(client).roundId}/checks/new` }) },
  {
    method: 'POST',
    url: '/rounds/:id/checks',
    allowed: fileRoles,
    prepare: async (client) => {
      const { roundId, venueId } = roundFor(client);
      return { url: `/rounds/${roundId}/checks`, fields: { venueId, visitDate: '11/03/2025' } };
    },
  },
  { method: 'GET', url: '/checks', allowed: allRoles },
  { method: 'GET', url: '/checks/:id', allowed: allRoles, prepare: async (client, role) => ({ url: `/checks/${reportFor(client, role)}` }) },
  {
    method: 'POST',
    url: '/checks/:id',
    allowed: fileRoles,
    prepare: async (client, role) => ({ url: `/checks/${reportFor(client, role)}`, fields: { intent: 'save', version: '1', visitDate: '11/03/2025', conclusion: 'Nháp' } }),
  },
  {
    method: 'POST',
    url: '/checks/:id/conflict',
    allowed: fileRoles,
    prepare: async (client, role) => ({ url: `/checks/${reportFor(client, role)}/conflict`, fields: { version: '1', visitDate: '11/03/2025', conclusion: 'Trên điện thoại' } }),
  },
  { method: 'POST', url: '/checks/:id/review', allowed: headRoles, prepare: async (client, role) => ({ url: `/checks/${reportFor(client, role, 'submitted')}/review`, fields: { decision: 'approve' } }) },
  { method: 'POST', url: '/checks/:id/amendments', allowed: headRoles, prepare: async (client, role) => ({ url: `/checks/${reportFor(client, role, 'approved')}/amendments` }) },
  {
    method: 'POST',
    url: '/checks/:id/attachments',
    allowed: fileRoles,
    prepare: async (client, role) => ({ url: `/checks/${reportFor(client, role)}/attachments`, file: { filename: 'anh.png', content: photo } }),
  },
  {
    method: 'POST',
    url: '/checks/:id/attachments/:attachmentId/delete',
    allowed: fileRoles,
    prepare: async (client, role) => {
      const owner = fileRoles.includes(role) ? client : clients.department_head;
      const id = reportFor(owner, fileRoles.includes(role) ? role : 'department_head');
      await owner.upload(`/checks/${id}/attachments`, { filename: 'anh.png', content: photo });
      const attachment = test.app.db.get<{ id: number }>(sql`select id from check_attachments where check_id = ${id}`)!;
      return { url: `/checks/${id}/attachments/${attachment.id}/delete` };
    },
  },
  ...[false, true].map((thumbnail) => ({
    method: 'GET' as const,
    url: `/checks/:id/attachments/:attachmentId${thumbnail ? '/thumbnail' : ''}`,
    allowed: allRoles,
    prepare: async () => {
      const id = reportFor(clients.department_head, 'department_head');
      await clients.department_head.upload(`/checks/${id}/attachments`, { filename: 'anh.png', content: photo });
      const attachment = test.app.db.get<{ id: number }>(sql`select id from check_attachments where check_id = ${id}`)!;
      return { url: `/checks/${id}/attachments/${attachment.id}${thumbnail ? '/thumbnail' : ''}` };
    },
  })),
  { method: 'GET', url: '/findings', allowed: allRoles },
  { method: 'GET', url: '/findings/:id', allowed: allRoles, prepare: async () => ({ url: `/findings/${findingFor().id}` }) },
  {
    method: 'POST',
    url: '/checks/:id/findings',
    allowed: fileRoles,
    prepare: async (client, role) => ({ url: `/checks/${reportFor(client, role, 'submitted')}/findings`, fields: { title: 'Vi phạm khác', severity: 'low' } }),
  },
  {
    method: 'POST',
    url: '/findings/:id/referral',
    allowed: headRoles,
    prepare: async () => ({ url: `/findings/${findingFor('critical').id}/referral`, fields: { agency: 'police', referredOn: '11/03/2025', reference: 'HS-1', victimDetails: '', version: '1' } }),
  },
  {
    method: 'POST',
    url: '/findings/:id/closure',
    allowed: headRoles,
    prepare: async () => {
      const finding = test.app.db.get<{ id: number }>(sql`select f.id from findings f where f.severity != 'critical' and f.status = 'open' and not exists (select 1 from follow_ups u where u.finding_id = f.id) order by f.id desc limit 1`)
        ?? findingFor();
      const response = await clients.department_head.post(`/findings/${finding.id}/follow-ups`, { measure: 'other', responsibleKind: 'venue', dueDate: '30/12/2025' });
      await clients.department_head.post(`${response.headers.location as string}/status`, { to: 'done', confirm: 'yes' });
      return { url: `/findings/${finding.id}/closure` };
    },
  },
  {
    method: 'POST',
    url: '/findings/:id/severity',
    allowed: headRoles,
    prepare: async () => ({ url: `/findings/${findingFor().id}/severity`, fields: { severity: 'high' } }),
  },
  {
    method: 'POST',
    url: '/findings/:id/follow-ups',
    allowed: headRoles,
    prepare: async () => ({ url: `/findings/${findingFor().id}/follow-ups`, fields: { measure: 'other', responsibleKind: 'venue', dueDate: '30/12/2025' } }),
  },
  { method: 'GET', url: '/follow-ups', allowed: allRoles },
  { method: 'GET', url: '/follow-ups/:id', allowed: allRoles, prepare: async () => ({ url: `/follow-ups/${await followUpFor()}` }) },
  {
    method: 'POST',
    url: '/follow-ups/:id/status',
    allowed: fileRoles,
    prepare: async (client) => ({ url: `/follow-ups/${await followUpFor(client)}/status`, fields: { to: 'in_progress' } }),
  },
  {
    method: 'POST',
    url: '/follow-ups/:id/verification',
    allowed: headRoles,
    prepare: async () => {
      const id = await followUpFor();
      await clients.department_head.post(`/follow-ups/${id}/status`, { to: 'done', confirm: 'yes' });
      return { url: `/follow-ups/${id}/verification`, fields: { note: 'Đã kiểm tra' } };
    },
  },
  { method: 'POST', url: '/follow-ups/:id/comments', allowed: fileRoles, prepare: async () => ({ url: `/follow-ups/${await followUpFor()}/comments`, fields: { body: 'Trao đổi' } }) },
  {
    method: 'GET',
    url: '/follow-ups/:id/comments/:commentId/file',
    allowed: allRoles,
    prepare: async () => {
      const id = await followUpFor();
      await clients.department_head.upload(`/follow-ups/${id}/comments`, { filename: 'anh.png', content: photo }, { body: 'Ảnh' });
      const comment = test.app.db.get<{ id: number }>(sql`select id from follow_up_comments where follow_up_id = ${id}`)!;
      return { url: `/follow-ups/${id}/comments/${comment.id}/file` };
    },
  },
  {
    method: 'GET',
    url: '/venues/:id/reinspection',
    allowed: fileRoles,
    prepare: async (client, role) => {
      const owner = fileRoles.includes(role) ? client : clients.department_head;
      const { roundId, venueId } = roundFor(owner);
      createReport(test.app, { roundId, venueId, inspectorId: owner.user.id, reviewerId: clients.department_head.user.id, status: 'submitted', violations: ['A1'] });
      return { url: `/venues/${venueId}/reinspection?round=${roundId}` };
    },
  },
  { method: 'GET', url: '/rounds/:id/result', allowed: ['admin', 'department_head', 'auditor'], prepare: async () => ({ url: `/rounds/${completedRound()}/result` }) },
  { method: 'POST', url: '/rounds/:id/result', allowed: headRoles, prepare: async () => ({ url: `/rounds/${completedRound()}/result`, fields: resultFields() }) },
  ...(['pdf', 'docx'] as const).map((format) => ({
    method: 'GET' as const,
    url: `/rounds/:id/result.${format}`,
    allowed: ['admin', 'department_head', 'auditor'] as Role[],
    prepare: async () => ({ url: `/rounds/${completedRound()}/result.${format}` }),
  })),
  { method: 'GET', url: '/rounds/overlaps', allowed: headRoles, prepare: async () => ({ url: '/rounds/overlaps?startDate=10/03/2025&endDate=12/03/2025' }) },
  { method: 'GET', url: '/campaigns', allowed: allRoles },
  { method: 'GET', url: '/campaigns/new', allowed: headRoles },
  { method: 'POST', url: '/campaigns', allowed: headRoles, prepare: async () => ({ fields: campaignFields() }) },
  { method: 'GET', url: '/campaigns/:id', allowed: allRoles, prepare: async () => ({ url: `/campaigns/${await campaignId()}` }) },
  { method: 'GET', url: '/campaigns/:id/edit', allowed: headRoles, prepare: async () => ({ url: `/campaigns/${await campaignId()}/edit` }) },
  { method: 'POST', url: '/campaigns/:id', allowed: headRoles, prepare: async () => ({ url: `/campaigns/${await campaignId()}`, fields: { ...campaignFields(), version: '1' } }) },
  { method: 'POST', url: '/campaigns/:id/status', allowed: headRoles, prepare: async () => ({ url: `/campaigns/${await campaignId()}/status`, fields: { to: 'active' } }) },
  {
    method: 'POST',
    url: '/campaigns/:id/targets',
    allowed: headRoles,
    prepare: async () => ({ url: `/campaigns/${await campaignId()}/targets`, fields: { targetArea: [String(test.app.catalog.districts[0]!.id)], target_rounds: ['2'], target_venues: ['5'], target_sessions: [''], target_participants: [''] } }),
  },
  { method: 'GET', url: '/outreach', allowed: allRoles },
  { method: 'GET', url: '/outreach/new', allowed: fileRoles },
  { method: 'GET', url: '/outreach/reclassified', allowed: ['admin', 'auditor'] },
  { method: 'POST', url: '/outreach', allowed: fileRoles, prepare: async () => ({ fields: outreachFields() }) },
  { method: 'GET', url: '/outreach/:id', allowed: allRoles, prepare: async () => ({ url: `/outreach/${await activityId()}` }) },
  { method: 'GET', url: '/outreach/:id/edit', allowed: fileRoles, prepare: async () => ({ url: `/outreach/${await activityId()}/edit` }) },
  { method: 'GET', url: '/victim-support', allowed: ['admin', 'department_head', 'auditor'] },
  { method: 'GET', url: '/victim-support/new', allowed: headRoles },
  { method: 'POST', url: '/victim-support', allowed: headRoles, prepare: async () => ({ fields: victimFields() }) },
  { method: 'GET', url: '/victim-support/:id', allowed: ['admin', 'department_head', 'auditor'], prepare: async () => ({ url: `/victim-support/${await victimRecordId()}` }) },
  { method: 'GET', url: '/victim-support/:id/edit', allowed: headRoles, prepare: async () => ({ url: `/victim-support/${await victimRecordId()}/edit` }) },
  { method: 'POST', url: '/victim-support/:id', allowed: headRoles, prepare: async () => ({ url: `/victim-support/${await victimRecordId()}`, fields: { version: '1', 'returned-male-adult': '5' } }) },
  {
    method: 'POST',
    url: '/victim-support/:id/delete',
    allowed: headRoles,
    prepare: async () => ({ url: `/victim-support/${await victimRecordId()}/delete`, fields: { version: '1', confirm: 'yes' } }),
  },
  { method: 'POST', url: '/outreach/:id', allowed: fileRoles, prepare: async () => ({ url: `/outreach/${await activityId()}`, fields: { ...outreachFields(), version: '1' } }) },
  { method: 'GET', url: '/models', allowed: allRoles },
  { method: 'GET', url: '/models/new', allowed: headRoles },
  { method: 'POST', url: '/models', allowed: headRoles, prepare: async () => ({ fields: modelFields() }) },
  { method: 'GET', url: '/models/:id', allowed: allRoles, prepare: async () => ({ url: `/models/${await modelId()}` }) },
  { method: 'GET', url: '/models/:id/edit', allowed: headRoles, prepare: async () => ({ url: `/models/${await modelId()}/edit` }) },
  { method: 'POST', url: '/models/:id', allowed: headRoles, prepare: async () => ({ url: `/models/${await modelId()}`, fields: { ...modelFields(), version: '1' } }) },
  { method: 'POST', url: '/models/:id/state', allowed: headRoles, prepare: async () => ({ url: `/models/${await modelId()}/state`, fields: { to: 'dissolved', onDate: '01/01/2025', version: '1' } }) },
  { method: 'POST', url: '/models/:id/members', allowed: headRoles, prepare: async () => ({ url: `/models/${await modelId()}/members`, fields: { asOf: '01/06/2024', members: '25', version: '1' } }) },
  { method: 'GET', url: '/monitoring', allowed: allRoles },
  { method: 'GET', url: '/monitoring/new', allowed: fileRoles },
  { method: 'POST', url: '/monitoring', allowed: fileRoles, prepare: async () => ({ fields: monitoringFields() }) },
  { method: 'GET', url: '/monitoring/:id', allowed: allRoles, prepare: async () => ({ url: `/monitoring/${await monitoringRecordId()}` }) },
  { method: 'GET', url: '/monitoring/:id/edit', allowed: fileRoles, prepare: async () => ({ url: `/monitoring/${await monitoringRecordId()}/edit` }) },
  { method: 'POST', url: '/monitoring/:id', allowed: fileRoles, prepare: async () => ({ url: `/monitoring/${await monitoringRecordId()}`, fields: { version: '1', 'count-work_abroad': '9' } }) },
  { method: 'GET', url: '/propagandists', allowed: allRoles },
  { method: 'GET', url: '/propagandists/new', allowed: headRoles },
  { method: 'POST', url: '/propagandists', allowed: headRoles, prepare: async () => ({ fields: propagandistFields() }) },
  { method: 'GET', url: '/propagandists/:id', allowed: allRoles, prepare: async () => ({ url: `/propagandists/${await propagandistId()}` }) },
  { method: 'GET', url: '/propagandists/:id/edit', allowed: headRoles, prepare: async () => ({ url: `/propagandists/${await propagandistId()}/edit` }) },
  { method: 'POST', url: '/propagandists/:id', allowed: headRoles, prepare: async () => ({ url: `/propagandists/${await propagandistId()}`, fields: { ...propagandistFields(), version: '1' } }) },
  {
    method: 'POST',
    url: '/propagandists/:id/trainings',
    allowed: headRoles,
    prepare: async () => ({ url: `/propagandists/${await propagandistId()}/trainings`, fields: { trainedOn: '02/02/2025', course: 'Luật 53/2024', version: '1' } }),
  },
  { method: 'GET', url: '/calendar', allowed: allRoles },
  {
    method: 'GET',
    url: '/rounds/:id/supervision/new',
    allowed: fileRoles,
    prepare: async (client) => ({ url: `/rounds/${createRoundWithTeam(test.app, [client.user.id], { purpose: 'supervision' })}/supervision/new` }),
  },
  {
    method: 'POST',
    url: '/rounds/:id/supervision',
    allowed: fileRoles,
    prepare: async (client) => ({
      url: `/rounds/${createRoundWithTeam(test.app, [client.user.id], { purpose: 'supervision' })}/supervision`,
      fields: { areaId: String(test.app.catalog.districts.find((area) => area.name.includes('Bắc Yên'))!.id), visitDate: '11/03/2025' },
    }),
  },
  { method: 'GET', url: '/supervision/:id', allowed: allRoles, prepare: async (client, role) => ({ url: `/supervision/${supervisionFor(client, role).id}` }) },
  {
    method: 'POST',
    url: '/supervision/:id',
    allowed: fileRoles,
    prepare: async (client, role) => ({ url: `/supervision/${supervisionFor(client, role).id}`, fields: { intent: 'save', version: '1', visitDate: '11/03/2025', place: 'Trụ sở UBND' } }),
  },
  { method: 'POST', url: '/supervision/:id/review', allowed: headRoles, prepare: async (client, role) => ({ url: `/supervision/${supervisionFor(client, role, 'submitted').id}/review`, fields: { decision: 'approve' } }) },
  { method: 'POST', url: '/supervision/:id/amendments', allowed: headRoles, prepare: async (client, role) => ({ url: `/supervision/${supervisionFor(client, role, 'approved').id}/amendments` }) },
  {
    method: 'POST',
    url: '/supervision/:id/recommendations',
    allowed: fileRoles,
    prepare: async (client, role) => ({ url: `/supervision/${supervisionFor(client, role).id}/recommendations`, fields: { body: 'Kiện toàn Ban Chỉ đạo', addressee: 'Công an', dueDate: '30/06/2025' } }),
  },
  {
    method: 'POST',
    url: '/supervision/:id/recommendations/:recommendationId/delete',
    allowed: fileRoles,
    prepare: async (client, role) => {
      const record = supervisionFor(client, role, 'draft', 1);
      return { url: `/supervision/${record.id}/recommendations/${record.recommendationIds[0]}/delete` };
    },
  },
  { method: 'GET', url: '/recommendations', allowed: allRoles },
  { method: 'GET', url: '/recommendations/:id', allowed: allRoles, prepare: async (client, role) => ({ url: `/recommendations/${supervisionFor(client, role, 'approved', 1).recommendationIds[0]}` }) },
  {
    method: 'POST',
    url: '/recommendations/:id/status',
    allowed: fileRoles,
    prepare: async (client, role) => ({ url: `/recommendations/${supervisionFor(client, role, 'approved', 1).recommendationIds[0]}/status`, fields: { to: 'in_progress' } }),
  },
  {
    method: 'POST',
    url: '/recommendations/:id/verification',
    allowed: headRoles,
    prepare: async () => {
      const id = supervisionFor(clients.department_head, 'department_head', 'approved', 1).recommendationIds[0]!;
      await clients.department_head.post(`/recommendations/${id}/status`, { to: 'done', confirm: 'yes' });
      return { url: `/recommendations/${id}/verification`, fields: { note: 'Đã thực hiện' } };
    },
  },
  {
    method: 'POST',
    url: '/recommendations/:id/comments',
    allowed: fileRoles,
    prepare: async (client, role) => ({ url: `/recommendations/${supervisionFor(client, role, 'approved', 1).recommendationIds[0]}/comments`, fields: { body: 'Trao đổi' } }),
  },
  { method: 'GET', url: '/areas/:id', allowed: allRoles, prepare: async () => ({ url: `/areas/${test.app.catalog.districts[0]!.id}` }) },
  { method: 'GET', url: '/outbox', allowed: allRoles },
  { method: 'GET', url: '/offline/report', allowed: fileRoles },
  { method: 'GET', url: '/offline/bundle', allowed: fileRoles },
  { method: 'GET', url: '/reports/districts', allowed: ['admin', 'department_head', 'auditor'] },
  ...(['csv', 'xlsx', 'pdf'] as const).map((format) => ({ method: 'GET' as const, url: `/reports/districts.${format}`, allowed: ['admin', 'department_head', 'auditor'] as Role[] })),
  { method: 'GET', url: '/reports/records/:file', allowed: ['admin', 'department_head', 'auditor'], prepare: async () => ({ url: '/reports/records/flat.csv' }) },
  { method: 'GET', url: '/admin/webhooks', allowed: ['admin'] },
  { method: 'GET', url: '/admin/webhooks/new', allowed: ['admin'] },
  {
    method: 'POST',
    url: '/admin/webhooks',
    allowed: ['admin'],
    prepare: async () => ({ fields: { url: 'https://he-thong.example.vn/hook', events: ['report.submitted'], areaId: '', enabled: '1' } }),
  },
  { method: 'GET', url: '/admin/webhooks/:id', allowed: ['admin'], prepare: async () => ({ url: `/admin/webhooks/${(await webhookWithDelivery()).id}` }) },
  {
    method: 'POST',
    url: '/admin/webhooks/:id',
    allowed: ['admin'],
    prepare: async () => {
      const { id } = await webhookWithDelivery();
      return { url: `/admin/webhooks/${id}`, fields: { url: 'https://he-thong.example.vn/other', events: ['finding.created'], areaId: '', enabled: '1', version: webhookVersion(id) } };
    },
  },
  { method: 'POST', url: '/admin/webhooks/:id/secret', allowed: ['admin'], prepare: async () => ({ url: `/admin/webhooks/${(await webhookWithDelivery()).id}/secret` }) },
  { method: 'POST', url: '/admin/webhooks/:id/delete', allowed: ['admin'], prepare: async () => ({ url: `/admin/webhooks/${(await webhookWithDelivery()).id}/delete`, fields: { confirm: 'yes' } }) },
  {
    method: 'POST',
    url: '/admin/webhooks/:id/deliveries/:deliveryId/resend',
    allowed: ['admin'],
    prepare: async () => {
      const { id, deliveryId } = await webhookWithDelivery();
      return { url: `/admin/webhooks/${id}/deliveries/${deliveryId}/resend` };
    },
  },
  { method: 'GET', url: '/admin/reporting-periods', allowed: ['admin'] },
  { method: 'GET', url: '/admin/reporting-periods/new', allowed: ['admin'] },
  {
    method: 'POST',
    url: '/admin/reporting-periods',
    allowed: ['admin'],
    prepare: async () => ({ fields: { kind: 'yearly', title: 'Năm 2024', campaignId: '', periodStart: '01/01/2024', periodEnd: '31/12/2024', dueDistrict: '10/01/2025', dueCommune: '', dueProvince: '20/01/2025', version: '' } }),
  },
  { method: 'GET', url: '/admin/reporting-periods/reminders', allowed: ['admin'] },
  { method: 'GET', url: '/admin/reporting-periods/:id/edit', allowed: ['admin'], prepare: async () => ({ url: `/admin/reporting-periods/${reportingPeriodId()}/edit` }) },
  {
    method: 'POST',
    url: '/admin/reporting-periods/:id',
    allowed: ['admin'],
    prepare: async () => ({
      url: `/admin/reporting-periods/${reportingPeriodId()}`,
      fields: { kind: 'quarterly', title: 'Quý I', campaignId: '', periodStart: '01/01/2025', periodEnd: '31/03/2025', dueDistrict: '06/04/2025', dueCommune: '', dueProvince: '10/04/2025', version: '1' },
    }),
  },
  { method: 'GET', url: '/periodic-reports', allowed: ['admin', 'department_head', 'auditor'] },
  {
    method: 'POST',
    url: '/periodic-reports',
    allowed: headRoles,
    prepare: async () => ({ fields: { periodId: String(reportingPeriodId()), areaId: String(test.app.catalog.province.id) } }),
  },
  { method: 'GET', url: '/periodic-reports/inbox', allowed: headRoles },
  { method: 'GET', url: '/periodic-reports/:id', allowed: ['admin', 'department_head', 'auditor'], prepare: async () => ({ url: `/periodic-reports/${periodicReportId('province')}` }) },
  {
    method: 'POST',
    url: '/periodic-reports/:id',
    allowed: headRoles,
    prepare: async () => {
      const id = periodicReportId('province');
      return { url: `/periodic-reports/${id}`, fields: { ...periodicFields, version: periodicVersion(id) } };
    },
  },
  {
    method: 'POST',
    url: '/periodic-reports/:id/submission',
    allowed: headRoles,
    prepare: async () => {
      const id = periodicReportId('province');
      return { url: `/periodic-reports/${id}/submission`, fields: { ...periodicFields, version: periodicVersion(id) } };
    },
  },
  {
    method: 'POST',
    url: '/periodic-reports/:id/review',
    allowed: headRoles,
    prepare: async () => ({ url: `/periodic-reports/${periodicReportId('district', 'submitted')}/review`, fields: { decision: 'return', comment: 'Bổ sung' } }),
  },
  {
    method: 'POST',
    url: '/periodic-reports/:id/correction',
    allowed: headRoles,
    prepare: async () => ({ url: `/periodic-reports/${periodicReportId('province', 'submitted')}/correction`, fields: { reason: 'Đính chính' } }),
  },
  {
    method: 'GET',
    url: '/periodic-reports/:id/figures.xlsx',
    allowed: ['admin', 'department_head', 'auditor'],
    prepare: async () => ({ url: `/periodic-reports/${periodicReportId('province')}/figures.xlsx` }),
  },
  {
    method: 'GET',
    url: '/periodic-reports/:id/report.pdf',
    allowed: ['admin', 'department_head', 'auditor'],
    prepare: async () => ({ url: `/periodic-reports/${periodicReportId('province')}/report.pdf` }),
  },
  {
    method: 'GET',
    url: '/periodic-reports/:id/report.docx',
    allowed: ['admin', 'department_head', 'auditor'],
    prepare: async () => ({ url: `/periodic-reports/${periodicReportId('province')}/report.docx` }),
  },
  // Last: publishing a trimmed checklist version would change what later reports can answer.
  { method: 'GET', url: '/admin/checklists', allowed: ['admin'] },
  { method: 'POST', url: '/admin/checklists', allowed: ['admin'] },
  { method: 'GET', url: '/admin/checklists/:id', allowed: ['admin'], prepare: async () => ({ url: '/admin/checklists/1' }) },
  {
    method: 'POST',
    url: '/admin/checklists/:id',
    allowed: ['admin'],
    prepare: async () => {
      const draftUrl = (await clients.admin.post('/admin/checklists')).headers.location as string;
      const revision = test.app.db.get<{ revision: number }>(sql`select revision from checklist_templates where id = ${Number(draftUrl.split('/').pop())}`)!.revision;
      return { url: draftUrl, fields: { revision, titleVi: 'Bộ câu hỏi', itemCode: ['A1'], itemCategory: ['A'], itemSeverity: ['medium'], itemAppliesTo: ['all'], itemVi: ['Có giấy phép'], itemEn: [''], itemBasis: [''] } };
    },
  },
  {
    method: 'POST',
    url: '/admin/checklists/:id/publication',
    allowed: ['admin'],
    prepare: async () => ({ url: `${(await clients.admin.post('/admin/checklists')).headers.location as string}/publication` }),
  },
  { method: 'GET', url: '/admin/users/:id/tokens/new', allowed: ['admin'], prepare: async () => ({ url: `/admin/users/${clients.auditor.user.id}/tokens/new` }) },
  { method: 'POST', url: '/admin/users/:id/tokens', allowed: ['admin'], prepare: async () => ({ url: `/admin/users/${clients.auditor.user.id}/tokens`, fields: { name: 'Hệ thống', access: 'read', days: '90' } }) },
  {
    method: 'POST',
    url: '/admin/users/:id/tokens/:tokenId/revoke',
    allowed: ['admin'],
    prepare: async () => ({ url: `/admin/users/${clients.auditor.user.id}/tokens/${test.app.services.tokens.create(systemActor('test'), clients.auditor.user.id, 'service', { name: 'Hệ thống', access: 'read', days: 30 }, '').id}/revoke` }),
  },
  { method: 'POST', url: '/logout', allowed: allRoles },
];

beforeAll(async () => {
  test = await buildTestApp();
  for (const role of allRoles) clients[role] = await loginAs(test.app, role);
  photo = await new Jimp({ width: 40, height: 30, color: 0x3366ccff }).getBuffer('image/png');
});
afterAll(async () => {
  await test.close();
});

describe('access rules', () => {
  it('covers every route the app declares', () => {
    // The JSON API's routes answer tokens, not sessions: their table is tests/modules/api/api.test.ts.
    const declared = test.app.declaredRoutes.filter((route) => !route.public && route.method !== 'HEAD' && !route.url.startsWith('/api/')).map((route) => `${route.method} ${route.url}`);
    const tested = cases.map((route) => `${route.method} ${route.url}`);
    expect([...new Set(declared)].sort()).toEqual([...new Set(tested)].sort());
  });

  for (const route of cases) {
    for (const role of allRoles) {
      const allowed = route.allowed.includes(role);
      it(`${route.method} ${route.url} as ${role} → ${allowed ? 'allowed' : '403'}`, async () => {
        // Sign-out ends the session, so it gets a client of its own.
        const client = route.url === '/logout' ? await loginAs(test.app, role) : clients[role];
        const prepared = route.prepare ? await route.prepare(client, role) : {};
        const url = prepared.url ?? route.url;
        const before = writeCounts();
        const response =
          route.method === 'GET' ? await client.get(url) : prepared.file ? await client.upload(url, prepared.file) : await client.post(url, prepared.fields ?? {});
        if (allowed) {
          expect(response.statusCode, response.body.slice(0, 300)).toBeGreaterThanOrEqual(200);
          expect(response.statusCode).toBeLessThan(400);
          if (route.url !== '/logout') expect(response.headers.location ?? '').not.toContain('/login');
        } else {
          expect(response.statusCode).toBe(403);
          expect(response.body).toContain('Không có quyền');
          expect(writeCounts()).toEqual(before);
        }
      });
    }

    it(`${route.method} ${route.url} without signing in → sign-in page, nothing written`, async () => {
      const anonymous = new Client(test.app);
      await anonymous.get('/login');
      const prepared = route.prepare ? await route.prepare(clients.admin, 'admin') : {};
      const url = prepared.url ?? route.url;
      const before = writeCounts();
      const response =
        route.method === 'GET' ? await anonymous.get(url) : prepared.file ? await anonymous.upload(url, prepared.file) : await anonymous.post(url, prepared.fields ?? {});
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toMatch(/^\/login/);
      if (route.method === 'GET' && url !== '/') expect(response.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
      expect(writeCounts()).toEqual(before);
      const htmx = await anonymous.request({ method: route.method, url, headers: htmxHeaders('main') });
      expect(htmx.statusCode).toBe(401);
      expect(htmx.headers['hx-redirect']).toMatch(/^\/login/);
    });
  }

  it('leaves the sign-in page, setup, health and static files open', async () => {
    const anonymous = new Client(test.app);
    expect((await anonymous.get('/login')).statusCode).toBe(200);
    expect((await anonymous.get('/healthz')).statusCode).toBe(200);
    expect((await anonymous.get('/static/css/app.css')).statusCode).toBe(200);
    expect((await anonymous.get('/setup')).statusCode).toBe(403);
  });
});
