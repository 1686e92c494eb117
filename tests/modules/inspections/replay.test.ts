import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { Client, loginAs, type SignedInClient } from '../../helpers/auth.js';
import { actorOf, createReport, createRoundWithTeam, createVenue } from '../../helpers/factories.js';
import { html } from '../../helpers/html.js';
import { reportInput } from '../../../src/modules/inspections/index.js';

/**
 * Report writes sent again with their one-time key (a reply lost on a weak link, a phone's outbox sending again)
 * are answered as the first time and write nothing; the same key with other content is refused; the phone's
 * outbox gets JSON; a stale save is a conflict, recorded, shown field by field and resolved by a normal save.
 */
let test: TestApp;
let inspector: SignedInClient;
let head: SignedInClient;
let roundId: number;

const REUSED = 'Yêu cầu này đã được gửi với nội dung khác. Hãy tải lại trang và gửi lại.';
const outbox = { 'x-outbox': '1' };
const pdf = (text = 'biên bản') => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);

beforeAll(async () => {
  test = await buildTestApp();
  inspector = await loginAs(test.app, 'inspector');
  head = await loginAs(test.app, 'department_head');
  roundId = createRoundWithTeam(test.app, [inspector.user.id]);
});
afterAll(async () => {
  await test.close();
});

const count = (table: string, where = '1 = 1') => test.app.db.get<{ n: number }>(sql.raw(`select count(*) as n from ${table} where ${where}`))!.n;
const checkRow = (id: number) => test.app.db.get<{ version: number; status: string; conclusion: string; representative_name: string }>(sql`select version, status, conclusion, representative_name from checks where id = ${id}`)!;
const auditRows = (id: number, action?: string) => count('audit_log', `record_type = 'check' and record_id = ${id}${action ? ` and action = '${action}'` : ''}`);

/** The fields a browser would send with this form: hidden and text inputs, checked boxes, text areas; repeated names kept. */
function formFields(body: string, formId: string): Record<string, string | string[]> {
  const $ = html(body);
  const fields: Record<string, string | string[]> = {};
  const add = (name: string, value: string) => {
    const before = fields[name];
    fields[name] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value];
  };
  $(`#${formId} [name], [form="${formId}"][name]`).each((_, element) => {
    const node = $(element);
    const name = node.attr('name')!;
    const type = (node.attr('type') ?? '').toLowerCase();
    const tag = node.prop('tagName')?.toLowerCase();
    if (tag === 'button' || type === 'submit' || type === 'file') return;
    if ((type === 'radio' || type === 'checkbox') && node.attr('checked') === undefined) return;
    if (tag === 'textarea') add(name, node.text());
    else add(name, node.attr('value') ?? '');
  });
  return fields;
}

async function draft(): Promise<{ id: number; fields: Record<string, string | string[]> }> {
  const id = createReport(test.app, { roundId, venueId: createVenue(test.app), inspectorId: inspector.user.id });
  const page = await inspector.get(`/checks/${id}`);
  const fields = formFields(page.body, 'report-form');
  expect(fields.requestKey).toMatch(/^[0-9a-f-]{36}$/);
  return { id, fields };
}

/** Every item answered compliant, with the numbers and conclusion a submission needs. */
function complete(fields: Record<string, string | string[]>): Record<string, string | string[]> {
  const answered: Record<string, string | string[]> = { ...fields, staffPresent: '4', staffCounselled: '3', ownersPresent: '1', conclusion: 'Cơ sở chấp hành tốt.', confirmSubmit: '1' };
  for (const name of Object.keys(fields)) if (name.startsWith('note_')) answered[`answer_${name.slice(5)}`] = 'compliant';
  return answered;
}

describe('starting a report with its key', () => {
  it('creates one report for the same start sent twice, and refuses the key with other values, writing nothing', async () => {
    const page = await inspector.get(`/rounds/${roundId}/checks/new`);
    const submissionKey = html(page.body)('input[name="submissionKey"]').val() as string;
    const fields = { venueId: String(createVenue(test.app)), visitDate: '11/03/2025', submissionKey };
    const checks = count('checks');
    const audits = count('audit_log', "action = 'create' and record_type = 'check'");
    const first = await inspector.post(`/rounds/${roundId}/checks`, fields);
    const second = await inspector.post(`/rounds/${roundId}/checks`, fields);
    expect(first.statusCode).toBe(303);
    expect(second.statusCode).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    const json = await inspector.post(`/rounds/${roundId}/checks`, fields, outbox);
    expect(json.statusCode).toBe(200);
    expect(json.json()).toEqual({ ok: true, id: Number(first.headers.location!.split('/').pop()), location: first.headers.location, version: 1, replayed: true });

    const other = await inspector.post(`/rounds/${roundId}/checks`, { ...fields, visitDate: '12/03/2025' });
    expect(other.statusCode).toBe(422);
    expect(html(other.body)('main').text()).toContain(REUSED);
    expect(count('checks')).toBe(checks + 1);
    expect(count('audit_log', "action = 'create' and record_type = 'check'")).toBe(audits + 1);
  });

  it('answers the outbox with JSON: the new report, or the fields in error', async () => {
    const requestKey = crypto.randomUUID();
    const created = await inspector.post(`/rounds/${roundId}/checks`, { venueId: String(createVenue(test.app)), visitDate: '11/03/2025', requestKey }, outbox);
    expect(created.statusCode).toBe(200);
    const body = created.json();
    expect(body).toMatchObject({ ok: true, location: `/checks/${body.id}`, version: 1, replayed: false });
    expect(checkRow(body.id).status).toBe('draft');

    const refused = await inspector.post(`/rounds/${roundId}/checks`, { venueId: '', visitDate: '11/03/2025', requestKey: crypto.randomUUID() }, outbox);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ ok: false, reason: 'invalid', location: `/rounds/${roundId}/checks/new` });
    expect(refused.json().errors.venueId[0]).toMatch(/\S/);
  });
});

describe('saving and submitting with a key', () => {
  it('saves once when the same save is sent twice, answering the repeat as the first', async () => {
    const { id, fields } = await draft();
    const before = checkRow(id).version;
    const audits = auditRows(id);
    const save = { ...fields, conclusion: 'Lần một', intent: 'save' };
    const first = await inspector.post(`/checks/${id}`, save);
    const second = await inspector.post(`/checks/${id}`, save);
    expect(first.statusCode).toBe(303);
    expect(second.statusCode).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    // The repeat's answer carries the same message ("saved"), not a conflict.
    expect(second.cookies.find((cookie) => cookie.name === 'flash')?.value).toBe('checks.saved');
    expect(checkRow(id)).toMatchObject({ version: before + 1, conclusion: 'Lần một' });
    expect(auditRows(id)).toBe(audits + 1);
  });

  it('refuses the same key with other content (422, with the message) and writes nothing', async () => {
    const { id, fields } = await draft();
    await inspector.post(`/checks/${id}`, { ...fields, conclusion: 'Bản đầu', intent: 'save' });
    const version = checkRow(id).version;
    const audits = auditRows(id);
    const page = await inspector.post(`/checks/${id}`, { ...fields, conclusion: 'Bản khác', intent: 'save' });
    expect(page.statusCode).toBe(422);
    expect(html(page.body)('main').text()).toContain(REUSED);
    const json = await inspector.post(`/checks/${id}`, { ...fields, conclusion: 'Bản khác nữa', intent: 'save' }, outbox);
    expect(json.statusCode).toBe(422);
    expect(json.json()).toEqual({ ok: false, reason: 'keyReused', message: REUSED });
    expect(checkRow(id)).toMatchObject({ version, conclusion: 'Bản đầu' });
    expect(auditRows(id)).toBe(audits);
  });

  it('refuses a key used by another person or for another report', async () => {
    const { id, fields } = await draft();
    await inspector.post(`/checks/${id}`, { ...fields, intent: 'save' });
    const other = await draft();
    const response = await inspector.post(`/checks/${other.id}`, { ...other.fields, requestKey: fields.requestKey, intent: 'save' }, outbox);
    expect(response.statusCode).toBe(422);
    expect(response.json().reason).toBe('keyReused');
    expect(checkRow(other.id).version).toBe(1);
  });

  it('submits once, making its findings once, when the submission is sent again', async () => {
    const { id, fields } = await draft();
    const submit = { ...complete(fields), answer_A1: 'violation', note_A1: 'Không có sổ', intent: 'submit' };
    const first = await inspector.post(`/checks/${id}`, submit, outbox);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ ok: true, id, location: `/checks/${id}`, version: 2, replayed: false });
    const findings = count('findings', `check_id = ${id}`);
    const audits = auditRows(id);
    const again = await inspector.post(`/checks/${id}`, submit, outbox);
    expect(again.json()).toEqual({ ok: true, id, location: `/checks/${id}`, version: 2, replayed: true });
    // A browser's repeat too: the redirect and message of a submission, not "you may no longer edit it".
    const page = await inspector.post(`/checks/${id}`, submit);
    expect(page.statusCode).toBe(303);
    expect(page.cookies.find((cookie) => cookie.name === 'flash')?.value).toBe('checks.submitted');
    expect(checkRow(id)).toMatchObject({ version: 2, status: 'submitted' });
    expect(count('findings', `check_id = ${id}`)).toBe(findings);
    expect(findings).toBeGreaterThan(0);
    expect(auditRows(id)).toBe(audits);
  });

  it('answers the outbox with the fields in error for a submission refused, and a draft saved in part with its version', async () => {
    const { id, fields } = await draft();
    const refused = await inspector.post(`/checks/${id}`, { ...fields, intent: 'submit' }, outbox);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ ok: false, reason: 'invalid', location: `/checks/${id}` });
    expect(refused.json().errors.conclusion[0]).toMatch(/\S/);
    expect(checkRow(id).version).toBe(1);

    const inPart = { ...fields, staffPresent: 'nhiều', conclusion: 'Lưu một phần', intent: 'save', requestKey: crypto.randomUUID() };
    const saved = await inspector.post(`/checks/${id}`, inPart, outbox);
    expect(saved.statusCode).toBe(422);
    expect(saved.json()).toMatchObject({ ok: false, reason: 'invalid', savedInPart: true, version: 2 });
    // Sent again: the same answer, and no false conflict.
    const again = await inspector.post(`/checks/${id}`, inPart, outbox);
    expect(again.json()).toMatchObject({ ok: false, reason: 'invalid', savedInPart: true, version: 2 });
    expect(checkRow(id)).toMatchObject({ version: 2, conclusion: 'Lưu một phần' });
  });

  it('answers the outbox that a submitted report can no longer be edited', async () => {
    const id = createReport(test.app, { roundId, venueId: createVenue(test.app), inspectorId: inspector.user.id, status: 'submitted' });
    const response = await inspector.post(`/checks/${id}`, { version: '2', conclusion: 'Sửa sau khi nộp', intent: 'save', requestKey: crypto.randomUUID() }, outbox);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ ok: false, reason: 'state' });
    expect(response.json().message).toMatch(/\S/);
    expect(checkRow(id).conclusion).toBe('Kết luận');
  });
});

describe('uploading with a key', () => {
  it('adds the file once when the same upload is sent twice; another file with that key is refused', async () => {
    const { id } = await draft();
    const requestKey = crypto.randomUUID();
    const content = pdf();
    const audits = count('audit_log', "record_type = 'attachment'");
    const first = await inspector.upload(`/checks/${id}/attachments`, { filename: 'bien-ban.pdf', content, contentType: 'application/pdf' }, { requestKey });
    const second = await inspector.upload(`/checks/${id}/attachments`, { filename: 'bien-ban.pdf', content, contentType: 'application/pdf' }, { requestKey });
    expect(first.statusCode).toBe(303);
    expect(second.statusCode).toBe(303);
    expect(second.headers.location).toBe(`/checks/${id}#attachments`);
    const json = await inspector.upload(`/checks/${id}/attachments`, { filename: 'bien-ban.pdf', content, contentType: 'application/pdf' }, { requestKey }, outbox);
    expect(json.json()).toMatchObject({ ok: true, id, replayed: true, location: `/checks/${id}#attachments` });
    expect(count('check_attachments', `check_id = ${id}`)).toBe(1);
    expect(json.json().attachmentId).toBe(test.app.db.get<{ id: number }>(sql`select id from check_attachments where check_id = ${id}`)!.id);
    expect(count('audit_log', "record_type = 'attachment'")).toBe(audits + 1);

    const other = await inspector.upload(`/checks/${id}/attachments`, { filename: 'bien-ban.pdf', content: pdf('khác'), contentType: 'application/pdf' }, { requestKey }, outbox);
    expect(other.statusCode).toBe(422);
    expect(other.json()).toEqual({ ok: false, reason: 'keyReused', message: REUSED });
    expect(count('check_attachments', `check_id = ${id}`)).toBe(1);
  });

  it('saves and attaches once when the report form with a file is sent twice, even after a conflict kept the file', async () => {
    const { id, fields } = await draft();
    const text = Object.fromEntries(Object.entries({ ...fields, conclusion: 'Có ảnh', intent: 'attach' }).filter(([, value]) => typeof value === 'string')) as Record<string, string>;
    const file = { filename: 'anh.pdf', content: pdf('kèm'), contentType: 'application/pdf' };
    const first = await inspector.upload(`/checks/${id}`, file, text);
    const second = await inspector.upload(`/checks/${id}`, file, text);
    expect(first.statusCode).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    expect(count('check_attachments', `check_id = ${id}`)).toBe(1);
    expect(checkRow(id).version).toBe(2);

    // Stale: the file is kept, the save refused; sending the same again does not attach it again.
    const stale = { ...text, requestKey: crypto.randomUUID(), conclusion: 'Cũ' };
    expect((await inspector.upload(`/checks/${id}`, { ...file, content: pdf('hai') }, stale)).statusCode).toBe(409);
    expect((await inspector.upload(`/checks/${id}`, { ...file, content: pdf('hai') }, stale)).statusCode).toBe(409);
    expect(count('check_attachments', `check_id = ${id}`)).toBe(2);
  });
});

describe('the outbox signed out or with a bad token', () => {
  it('answers 401 JSON asking to sign in, and 403 JSON for a bad form token', async () => {
    const { id, fields } = await draft();
    const stranger = new Client(test.app);
    const signedOut = await stranger.post(`/checks/${id}`, { ...fields, intent: 'save' }, outbox);
    expect(signedOut.statusCode).toBe(401);
    expect(signedOut.json()).toEqual({ ok: false, reason: 'signIn', location: '/login?next=%2Foutbox' });
    const badToken = await inspector.post(`/checks/${id}`, { ...fields, _csrf: 'sai', intent: 'save' }, outbox);
    expect(badToken.statusCode).toBe(403);
    expect(badToken.json()).toEqual({ ok: false, reason: 'csrf' });
    expect(checkRow(id).version).toBe(1);
    // Without the header, a person still gets the pages.
    expect((await stranger.post(`/checks/${id}`, { ...fields, intent: 'save' })).statusCode).toBe(303);
  });
});

describe('a conflict', () => {
  it('is answered 409 with the conflict page address and recorded; the page shows both values; resolving saves once', async () => {
    const { id, fields } = await draft();
    // The phone edits offline while the report is saved elsewhere (another device of its inspector).
    const detail = test.app.services.inspections.getReport(actorOf(test.app, inspector.user.id), id);
    const elsewhere = test.app.services.inspections.saveReport(
      actorOf(test.app, inspector.user.id),
      id,
      reportInput({ ...test.app.services.inspections.formValuesOf(detail), conclusion: 'Kết luận trên máy chủ', representativeName: 'Chủ quán A' }, 'save'),
    );
    expect(elsewhere.ok).toBe(true);
    const phone = { ...fields, conclusion: 'Kết luận trên điện thoại', representativeName: 'Chủ quán B', answer_A1: 'violation', note_A1: 'Không có sổ', intent: 'save' };

    const stale = await inspector.post(`/checks/${id}`, phone, outbox);
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ ok: false, reason: 'conflict', location: `/checks/${id}`, conflictUrl: `/checks/${id}/conflict` });
    expect(stale.json().message).toMatch(/\S/);
    expect(checkRow(id)).toMatchObject({ version: 2, conclusion: 'Kết luận trên máy chủ' });
    const conflict = test.app.db.get<{ changes: string }>(sql`select changes from audit_log where record_type = 'check' and record_id = ${id} and action = 'conflict'`)!;
    expect(Object.keys(JSON.parse(conflict.changes)).sort()).toEqual(['conclusion', 'item A1', 'representativeName']);
    expect(JSON.parse(conflict.changes).conclusion).toEqual(['Kết luận trên máy chủ', 'Kết luận trên điện thoại']);

    // The phone opens the conflict page with what it holds and the version it was based on.
    const audits = auditRows(id);
    const page = await inspector.post(`/checks/${id}/conflict`, phone);
    expect(page.statusCode).toBe(200);
    expect(auditRows(id)).toBe(audits);
    const $ = html(page.body);
    const conclusion = $('fieldset.conflict-field').filter((_, element) => $(element).find('[name="choice_conclusion"]').length > 0);
    expect(conclusion.find('[data-side="server"]').text()).toBe('Kết luận trên máy chủ');
    expect(conclusion.find('[data-side="phone"]').text()).toBe('Kết luận trên điện thoại');
    expect(conclusion.text()).toContain('Trên máy chủ');
    expect(conclusion.text()).toContain('Trên điện thoại');
    expect($('fieldset.conflict-field')).toHaveLength(3);
    expect($('#conflict-form input[name="version"]').val()).toBe('2');
    expect($('#conflict-form input[name="resolvedConflict"]').val()).toBe('1');
    expect($('input[name="choice_conclusion"][value="phone"]').attr('checked')).toBeDefined();
    expect($(`a[href="/checks/${id}"]`).text()).toContain('Bỏ bản trên điện thoại');

    // The inspector keeps the phone's conclusion and answer, and takes the server's representative.
    const resolved = { ...formFields(page.body, 'conflict-form'), choice_representativeName: 'server' };
    const saved = await inspector.post(`/checks/${id}`, resolved);
    expect(saved.statusCode).toBe(303);
    expect(checkRow(id)).toMatchObject({ version: 3, conclusion: 'Kết luận trên điện thoại', representative_name: 'Chủ quán A' });
    expect(test.app.db.get<{ answer: string }>(sql`select answer from check_answers where check_id = ${id} and item_code = 'A1'`)!.answer).toBe('violation');
    expect(await inspector.post(`/checks/${id}`, resolved).then((response) => response.statusCode)).toBe(303);
    expect(checkRow(id).version).toBe(3);
    expect(auditRows(id, 'conflictResolved')).toBe(1);
    expect(auditRows(id, 'conflict')).toBe(1);

    // Both events in the report's history, by name.
    const auditor = await loginAs(test.app, 'auditor');
    const history = await auditor.get(`/audit?type=check&record=${id}`);
    expect(history.body).toContain('Xung đột khi lưu');
    expect(history.body).toContain('Lưu sau khi giải quyết xung đột');
  });

  it('offers the field-by-field page from the 409 page of a browser', async () => {
    const { id, fields } = await draft();
    await inspector.post(`/checks/${id}`, { ...fields, conclusion: 'Cửa sổ một', intent: 'save' });
    const stale = await inspector.post(`/checks/${id}`, { ...fields, requestKey: crypto.randomUUID(), conclusion: 'Cửa sổ hai', intent: 'save' });
    expect(stale.statusCode).toBe(409);
    expect(html(stale.body)(`button[formaction="/checks/${id}/conflict"]`)).toHaveLength(1);
    expect(auditRows(id, 'conflict')).toBe(1);
  });
});

describe('pages never kept on a phone', () => {
  it('marks findings, follow-ups, audit, accounts and summaries X-Offline: never, and a draft its inspector may edit X-Offline: keep', async () => {
    const admin = await loginAs(test.app, 'admin');
    for (const url of ['/findings', '/follow-ups', '/audit', '/reports/districts']) expect((await head.get(url)).headers['x-offline'], url).toBe('never');
    expect((await admin.get('/admin/users')).headers['x-offline']).toBe('never');
    const { id } = await draft();
    const report = await inspector.get(`/checks/${id}`);
    expect(report.statusCode).toBe(200);
    expect(report.headers['x-offline']).toBe('keep');
    // Read by a head, the same report is neither kept nor refused.
    const read = await head.get(`/checks/${id}`);
    expect(read.statusCode).toBe(200);
    expect(read.headers['x-offline']).toBeUndefined();
  });
});
