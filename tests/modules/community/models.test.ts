import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { loginAs, type SignedInClient } from '../../helpers/auth.js';
import { district, outreachForm } from '../../helpers/factories.js';
import { html, textOf } from '../../helpers/html.js';
import { monthsBefore } from '../../../src/modules/models/index.js';

/** The prevention models register: validation, state history, the "no activity in 6 months" list, outreach links, scope. */
let test: TestApp;
let head: SignedInClient;
let inspector: SignedInClient;
let songMaHead: SignedInClient;
const clock = new Date('2026-03-10T03:00:00Z');

const count = (table: string) => test.app.db.get<{ n: number }>(sql.raw(`select count(*) as n from ${table}`))!.n;

function fields(overrides: Record<string, string> = {}) {
  return { name: 'Câu lạc bộ pháp luật bản Nà Sản', kind: 'law_club', areaId: String(district(test.app, 'Bắc Yên').id), hostAgency: 'womens_union', startDate: '01/05/2023', members: '20', ...overrides };
}

async function create(overrides: Record<string, string> = {}): Promise<number> {
  const response = await head.post('/models', fields(overrides));
  expect(response.statusCode, response.body.slice(0, 400)).toBe(303);
  return Number(String(response.headers.location).split('/').pop());
}

const version = (id: number) => String(test.app.db.get<{ version: number }>(sql`select version from prevention_models where id = ${id}`)!.version);

/** An outreach activity in an area on a date, held by a model. */
async function activity(areaId: number, date: string, modelId: number | '', speakerIds: number[] = []) {
  return head.post('/outreach', outreachForm({
    activityDate: date,
    areaId: String(areaId),
    participantsTotal: '30',
    participantsWomen: '12',
    modelId: String(modelId),
    speakerIds: speakerIds.map(String),
  }));
}

/** A commune formed from a district (for dates after the reform). */
const communeOf = (name: string) => test.app.catalog.communes.find((area) => test.app.catalog.primaryDistrictOf(area.id) === district(test.app, name).id)!;

beforeAll(async () => {
  test = await buildTestApp({ now: () => clock, env: { SESSION_IDLE_MINUTES: '43200', SESSION_MAX_HOURS: '720' } });
  head = await loginAs(test.app, 'department_head');
  inspector = await loginAs(test.app, 'inspector');
  songMaHead = await loginAs(test.app, 'department_head', { areaId: district(test.app, 'Sông Mã').id });
});
afterAll(async () => {
  await test.close();
});

describe('the model form', () => {
  it('refuses a form with every problem at once (422, Vietnamese messages beside the fields, what was typed kept, nothing written)', async () => {
    const before = [count('prevention_models'), count('prevention_model_events'), count('prevention_model_members'), count('audit_log')];
    const response = await head.post('/models', { name: '  ', kind: 'no_such_kind', areaId: String(district(test.app, 'Bắc Yên').id), hostAgency: '', startDate: '31/02/2024', members: '1,5', notes: 'Ghi chú giữ lại' });
    expect(response.statusCode).toBe(422);
    const $ = html(response.body);
    expect(textOf($, '#field-name-error')).toContain('Nhập tên mô hình.');
    expect(textOf($, '#field-kind-error')).toContain('Chọn loại mô hình.');
    expect(textOf($, '#field-hostAgency-error')).toContain('Chọn cơ quan, tổ chức chủ trì.');
    expect(textOf($, '#field-startDate-error')).toContain('Ngày không hợp lệ');
    expect(textOf($, '#field-members-error')).not.toBe('');
    expect($('#field-startDate').val()).toBe('31/02/2024');
    expect($('#field-members').val()).toBe('1,5');
    expect($('#field-notes').text()).toBe('Ghi chú giữ lại');
    expect($('#field-areaId option[selected]').val()).toBe(String(district(test.app, 'Bắc Yên').id));
    expect([count('prevention_models'), count('prevention_model_events'), count('prevention_model_members'), count('audit_log')]).toEqual(before);
  });

  it('refuses a district after the reform, a future start, and an area outside the person’s scope', async () => {
    const afterReform = await head.post('/models', fields({ startDate: '01/08/2025' }));
    expect(afterReform.statusCode).toBe(422);
    expect(textOf(html(afterReform.body), '#field-areaId-error')).toContain('không còn là đơn vị hành chính từ 01/07/2025');
    const future = await head.post('/models', fields({ startDate: '01/04/2026', areaId: String(communeOf('Bắc Yên').id) }));
    expect(textOf(html(future.body), '#field-startDate-error')).toContain('Ngày này chưa đến.');
    const outside = await songMaHead.post('/models', fields());
    expect(outside.statusCode).toBe(422);
    expect(textOf(html(outside.body), '#field-areaId-error')).toContain('nằm ngoài địa bàn bạn phụ trách');
    const names = test.app.db.all<{ name: string }>(sql`select name from prevention_models`);
    expect(names).toEqual([]);
  });

  it('answers 409 to an edit made on a stale version, keeping what was typed', async () => {
    const id = await create({ name: 'Tổ tự quản biên giới' });
    expect((await head.post(`/models/${id}`, { ...fields({ name: 'Tên thứ nhất' }), version: '1' })).statusCode).toBe(303);
    const stale = await head.post(`/models/${id}`, { ...fields({ name: 'Tên thứ hai' }), version: '1' });
    expect(stale.statusCode).toBe(409);
    expect(html(stale.body)('#field-name').val()).toBe('Tên thứ hai');
    expect(test.app.db.get<{ name: string }>(sql`select name from prevention_models where id = ${id}`)!.name).toBe('Tên thứ nhất');
  });
});

describe('a model’s state and its history', () => {
  it('keeps replication, merger and dissolution in the history, with links both ways, and refuses a second change', async () => {
    const origin = await create({ name: 'CLB Gia đình hạnh phúc Mường Khoa', kind: 'happy_family_club', startDate: '01/02/2023' });
    const copy = await create({ name: 'CLB Gia đình hạnh phúc Hồng Ngài', kind: 'happy_family_club', startDate: '01/03/2024', replicatedFromId: String(origin) });
    const early = await head.post('/models', fields({ name: 'Sao chép quá sớm', startDate: '01/01/2023', replicatedFromId: String(origin) }));
    expect(early.statusCode).toBe(422);
    expect(textOf(html(early.body), '#field-replicatedFromId-error')).toContain('Mô hình gốc thành lập ngày 01/02/2023');

    // Merging needs a target; a merger before the model began is refused; nothing is written.
    const noTarget = await head.post(`/models/${copy}/state`, { to: 'merged', onDate: '01/01/2025', version: version(copy) });
    expect(noTarget.statusCode).toBe(422);
    expect(textOf(html(noTarget.body), '#field-mergedIntoId-error')).toContain('Chọn mô hình đang hoạt động');
    const beforeStart = await head.post(`/models/${copy}/state`, { to: 'dissolved', onDate: '01/01/2024', version: version(copy) });
    expect(textOf(html(beforeStart.body), '#field-onDate-error')).toContain('trước ngày thành lập (01/03/2024)');
    expect(test.app.db.get<{ state: string }>(sql`select state from prevention_models where id = ${copy}`)!.state).toBe('active');

    const merged = await head.post(`/models/${copy}/state`, { to: 'merged', mergedIntoId: String(origin), onDate: '15/01/2025', note: 'Hai bản gần nhau', version: version(copy) });
    expect(merged.statusCode).toBe(303);
    const again = await head.post(`/models/${copy}/state`, { to: 'dissolved', onDate: '20/01/2025', version: version(copy) });
    expect(again.statusCode).toBe(409);

    const $copy = html((await head.get(`/models/${copy}`)).body);
    expect($copy('#model-history tr[data-event]').map((_, row) => $copy(row).attr('data-event')).get()).toEqual(['replicated', 'merged']);
    expect(textOf($copy, '#model-history')).toContain('15/01/2025');
    expect(textOf($copy, '#model-history')).toContain('Hai bản gần nhau');
    expect($copy('#model-origin a').attr('href')).toBe(`/models/${origin}`);
    expect(textOf($copy, '#model-details [data-state]')).toContain('Đã sáp nhập');
    expect($copy('#state-form')).toHaveLength(0);
    const $origin = html((await head.get(`/models/${origin}`)).body);
    expect($origin('#model-replicas a').attr('href')).toBe(`/models/${copy}`);

    const dissolved = await head.post(`/models/${origin}/state`, { to: 'dissolved', onDate: '01/02/2025', version: version(origin) });
    expect(dissolved.statusCode).toBe(303);
    const audit = test.app.db.all<{ action: string }>(sql`select action from audit_log where record_type = 'prevention_model' and record_id = ${origin} order by id`);
    expect(audit.map((row) => row.action)).toEqual(['create', 'update']);
    expect((await head.get('/models?state=dissolved')).body).toContain('CLB Gia đình hạnh phúc Mường Khoa');
  });

  it('keeps member counts over time, the latest one as the model’s count', async () => {
    const id = await create({ name: 'Địa chỉ tin cậy Phiêng Ban', kind: 'trusted_address', startDate: '01/06/2023', members: '9' });
    expect((await head.post(`/models/${id}/members`, { asOf: '01/01/2025', members: '15', version: version(id) })).statusCode).toBe(303);
    expect((await head.post(`/models/${id}/members`, { asOf: '01/01/2024', members: '11', version: version(id) })).statusCode).toBe(303);
    const before = count('prevention_model_members');
    const refused = await head.post(`/models/${id}/members`, { asOf: '01/01/2023', members: 'mười', version: version(id) });
    expect(refused.statusCode).toBe(422);
    expect(html(refused.body)('#members-form #field-members').val()).toBe('mười');
    expect(textOf(html(refused.body), '#members-form')).toContain('số');
    const early = await head.post(`/models/${id}/members`, { asOf: '01/01/2023', members: '4', version: version(id) });
    expect(textOf(html(early.body), '#field-asOf-error')).toContain('trước ngày thành lập (01/06/2023)');
    expect(count('prevention_model_members')).toBe(before);
    const $ = html((await head.get(`/models/${id}`)).body);
    expect($('#model-members tbody tr').map((_, row) => $(row).find('td').map((__, cell) => $(cell).text()).get().join(' ')).get()).toEqual(['01/06/2023 9', '01/01/2024 11', '01/01/2025 15']);
    expect(test.app.db.get<{ members: number }>(sql`select members from prevention_models where id = ${id}`)!.members).toBe(15);
  });
});

describe('models with no activity in the last 6 months', () => {
  it('computes the date 6 months back, the month’s last day when it has no such day', () => {
    expect(monthsBefore('2026-03-10', 6)).toBe('2025-09-10');
    expect(monthsBefore('2026-08-31', 6)).toBe('2026-02-28');
    expect(monthsBefore('2024-08-31', 6)).toBe('2024-02-29');
  });

  it('lists active models started by the limit with no activity since it (an activity on the limit day counts), for heads on /models and their home page', async () => {
    const phuYen = district(test.app, 'Phù Yên').id;
    const phuYenCommune = communeOf('Phù Yên').id;
    const onLimit = await create({ name: 'Idle-A hoạt động đúng ngày giới hạn', areaId: String(phuYen), startDate: '01/01/2025' });
    const dayBefore = await create({ name: 'Idle-B hoạt động một ngày trước giới hạn', areaId: String(phuYen), startDate: '01/01/2025' });
    const young = await create({ name: 'Idle-C mới thành lập', areaId: String(phuYenCommune), startDate: '11/09/2025' });
    const startedOnLimit = await create({ name: 'Idle-D thành lập đúng ngày giới hạn', areaId: String(phuYenCommune), startDate: '10/09/2025' });
    const ended = await create({ name: 'Idle-E đã giải thể', areaId: String(phuYen), startDate: '01/01/2025' });
    await head.post(`/models/${ended}/state`, { to: 'dissolved', onDate: '01/05/2025', version: version(ended) });
    expect((await activity(phuYenCommune, '10/09/2025', onLimit)).statusCode).toBe(303);
    expect((await activity(phuYenCommune, '09/09/2025', dayBefore)).statusCode).toBe(303);
    void young;
    void startedOnLimit;

    const $ = html((await head.get('/models?idle=1')).body);
    const listed = $('#models-table tbody tr a').map((_, link) => $(link).text()).get();
    expect(listed.filter((name) => name.startsWith('Idle-')).sort()).toEqual(['Idle-B hoạt động một ngày trước giới hạn', 'Idle-D thành lập đúng ngày giới hạn']);
    expect(textOf($, '#models-idle-note')).toContain('10/09/2025');
    const total = $('#models-table tbody tr').length;

    const home = html((await head.get('/')).body);
    expect(home('#idle-models a').attr('href')).toBe('/models?idle=1');
    expect(textOf(home, '#idle-models')).toBe(`${total} mô hình không có hoạt động nào trong 6 tháng qua`);
    // Inspectors read the register but their home page is about their own work.
    expect(html((await inspector.get('/')).body)('#idle-models')).toHaveLength(0);
  });
});

describe('outreach held by a model and carried out by people of the roster', () => {
  it('links an activity to its model and speakers, shows it on the model’s page, and refuses a model not active on the date', async () => {
    const id = await create({ name: 'CLB phòng chống mua bán người Tà Xùa', kind: 'anti_trafficking_club', startDate: '01/01/2024' });
    const person = await head.post('/propagandists', { name: 'Mùa A Sử', organisation: 'Đồn Biên phòng', areaId: String(district(test.app, 'Bắc Yên').id), role: 'reporter', trainedOn: '01/02/2024' });
    const personId = Number(String(person.headers.location).split('/').pop());
    const before = count('outreach_activities');
    const tooEarly = await activity(district(test.app, 'Bắc Yên').id, '01/12/2023', id);
    expect(tooEarly.statusCode).toBe(422);
    expect(textOf(html(tooEarly.body), '#field-modelId-error')).toContain('không hoạt động vào ngày này');
    expect(html(tooEarly.body)('#field-modelId option[selected]').val()).toBe(String(id));
    const unknownSpeaker = await activity(district(test.app, 'Bắc Yên').id, '01/03/2024', id, [999999]);
    expect(textOf(html(unknownSpeaker.body), '#field-speakerIds-error')).toContain('danh sách báo cáo viên');
    expect(count('outreach_activities')).toBe(before);

    const created = await activity(district(test.app, 'Bắc Yên').id, '01/03/2024', id, [personId]);
    expect(created.statusCode).toBe(303);
    const activityUrl = String(created.headers.location);
    const $activity = html((await head.get(activityUrl)).body);
    expect($activity('#activity-model a').attr('href')).toBe(`/models/${id}`);
    expect(textOf($activity, '#activity-speakers')).toBe('Mùa A Sử');
    const $edit = html((await head.get(`${activityUrl}/edit`)).body);
    expect($edit('#field-modelId option[selected]').val()).toBe(String(id));
    expect($edit('#field-speakerIds option[selected]').val()).toBe(String(personId));
    const $model = html((await head.get(`/models/${id}`)).body);
    expect($model('#model-activities a').attr('href')).toBe(activityUrl);
    expect(textOf($model, '#model-activities-heading')).toContain('(1)');
  });
});

describe('scope', () => {
  it('shows a person tied to a district only its models, and answers 404 for another district’s model', async () => {
    const songMa = await create({ name: 'Tổ phụ nữ giúp nhau Sông Mã', kind: 'women_economic_group', areaId: String(district(test.app, 'Sông Mã').id), startDate: '01/01/2024' });
    const bacYen = await create({ name: 'Tổ truyền thông Bắc Yên', kind: 'community_communication_team', startDate: '01/01/2024' });
    const $ = html((await songMaHead.get('/models')).body);
    const names = $('#models-table tbody tr a').map((_, link) => $(link).text()).get();
    expect(names).toContain('Tổ phụ nữ giúp nhau Sông Mã');
    expect(names.some((name) => name.includes('Bắc Yên') || name.startsWith('Idle-'))).toBe(false);
    expect((await songMaHead.get(`/models/${bacYen}`)).statusCode).toBe(404);
    expect((await songMaHead.get(`/models/${songMa}`)).statusCode).toBe(200);
    expect((await songMaHead.post(`/models/${bacYen}/members`, { asOf: '01/02/2025', members: '5', version: version(bacYen) })).statusCode).toBe(404);
    const empty = html((await songMaHead.get('/models?kind=trusted_address')).body);
    expect(textOf(empty, '.empty-state')).toContain('Không có mô hình nào khớp bộ lọc.');
  });
});
