import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { loginAs, type SignedInClient } from '../helpers/auth.js';
import { createReport, createRound, createRoundWithTeam, createVenue, district, roundFields } from '../helpers/factories.js';
import { html, textOf } from '../helpers/html.js';

let test: TestApp;
let head: SignedInClient;
let admin: SignedInClient;
let inspector: SignedInClient;

beforeAll(async () => {
  test = await buildTestApp({ now: () => new Date('2025-03-12T03:00:00Z') });
  head = await loginAs(test.app, 'department_head');
  admin = await loginAs(test.app, 'admin');
  inspector = await loginAs(test.app, 'inspector');
});
afterAll(async () => {
  await test.close();
});

const count = (table: 'rounds' | 'audit_log') => test.app.db.get<{ n: number }>(sql.raw(`select count(*) as n from ${table}`))!.n;

/** The hidden and named fields a form would send, as a browser would send them (the first submit button's value included). */
function fieldsOf($: ReturnType<typeof html>, form: string): Record<string, string> {
  const fields: Record<string, string> = {};
  $(`${form} input[type="hidden"]`).each((_, input) => {
    fields[$(input).attr('name')!] = $(input).attr('value') ?? '';
  });
  return fields;
}

describe('"Add a member" without JavaScript', () => {
  it('sends the form back with one more team row, everything typed kept and nothing saved', async () => {
    const before = count('rounds');
    const fields = roundFields(test.app, { title: 'Đợt có thêm người', teamName: ['Nguyễn Văn An', 'Lò Thị Bình'], teamAgency: ['police', 'culture'], teamRole: ['head', 'member'] });
    const response = await head.post('/rounds', { ...fields, intent: 'addMember' });
    expect(response.statusCode).toBe(200);
    const $ = html(response.body);
    expect($('#field-title').val()).toBe('Đợt có thêm người');
    expect($('#field-startDate').val()).toBe('10/03/2025');
    expect($(`input[name="areaIds"][value="${district(test.app, 'Bắc Yên').id}"]`).is(':checked')).toBe(true);
    const rows = $('#team-rows .team-row');
    expect(rows).toHaveLength(3);
    expect(rows.eq(0).find('input[name="teamName"]').val()).toBe('Nguyễn Văn An');
    expect(rows.eq(1).find('input[name="teamName"]').val()).toBe('Lò Thị Bình');
    expect(rows.eq(1).find('select[name="teamAgency"] option:selected').val()).toBe('culture');
    expect(rows.eq(2).find('input[name="teamName"]').val()).toBe('');
    expect($('#round-form .form-alert')).toHaveLength(0);
    expect(count('rounds')).toBe(before);
    // The button itself: a submit button for the form, a row fetch for htmx.
    const button = $('button[data-team-add]');
    expect(button.attr('type')).toBe('submit');
    expect(button.attr('name')).toBe('intent');
    expect(button.attr('value')).toBe('addMember');
    expect(button.attr('hx-get')).toBe('/rounds/team-row');
  });

  it('adds a row to the rows already on the form each time, also when editing', async () => {
    const id = createRound(test.app, { title: 'Đợt sửa đội' });
    const edit = html((await head.get(`/rounds/${id}/edit`)).body);
    const shown = edit('#team-rows .team-row').length;
    const fields = roundFields(test.app, { title: 'Đợt sửa đội (đổi tên)', teamName: Array(shown).fill(''), teamAgency: Array(shown).fill(''), teamRole: Array(shown).fill('member'), version: '1' });
    const response = await head.post(`/rounds/${id}`, { ...fields, intent: 'addMember' });
    expect(response.statusCode).toBe(200);
    const $ = html(response.body);
    expect($('#team-rows .team-row')).toHaveLength(shown + 1);
    expect($('#field-title').val()).toBe('Đợt sửa đội (đổi tên)');
    expect(test.app.db.get<{ title: string }>(sql`select title from rounds where id = ${id}`)!.title).toBe('Đợt sửa đội');
  });

  it('is refused to an auditor', async () => {
    const auditor = await loginAs(test.app, 'auditor');
    expect((await auditor.post('/rounds', { ...roundFields(test.app), intent: 'addMember' })).statusCode).toBe(403);
  });
});

describe('irreversible changes without JavaScript', () => {
  it('completing a round asks first, changes nothing until confirmed, then completes it', async () => {
    const id = createRound(test.app, { title: 'Đợt cần xác nhận' });
    expect((await head.post(`/rounds/${id}/status`, { to: 'in_progress', version: '1' })).statusCode).toBe(303);
    const audited = count('audit_log');
    const step = await head.post(`/rounds/${id}/status`, { to: 'completed', version: '2' });
    expect(step.statusCode).toBe(200);
    const $ = html(step.body);
    expect(textOf($, 'h1')).toBe('Đánh dấu đợt kiểm tra đã hoàn thành?');
    expect(textOf($, '.confirm-step')).toContain('Đợt cần xác nhận');
    expect(textOf($, '.confirm-step')).toContain('không thể hoàn tác');
    expect($(`.confirm-step a[href="/rounds/${id}"]`)).toHaveLength(1);
    expect(test.app.db.get<{ status: string }>(sql`select status from rounds where id = ${id}`)!.status).toBe('in_progress');
    expect(count('audit_log')).toBe(audited);

    const confirmed = fieldsOf($, `.confirm-step form[action="/rounds/${id}/status"]`);
    expect(confirmed).toMatchObject({ to: 'completed', version: '2', confirm: 'yes' });
    expect((await head.post(`/rounds/${id}/status`, confirmed)).statusCode).toBe(303);
    expect(test.app.db.get<{ status: string }>(sql`select status from rounds where id = ${id}`)!.status).toBe('completed');
  });

  it('cancelling a round carries the typed reason through the confirmation', async () => {
    const id = createRound(test.app, { title: 'Đợt sẽ hủy' });
    const step = html((await head.post(`/rounds/${id}/status`, { to: 'cancelled', version: '1', note: 'Trùng lịch với đợt khác' })).body);
    expect(textOf(step, 'h1')).toBe('Hủy đợt kiểm tra này? Đợt đã hủy không thể mở lại.');
    expect(test.app.db.get<{ status: string }>(sql`select status from rounds where id = ${id}`)!.status).toBe('planned');
    expect((await head.post(`/rounds/${id}/status`, fieldsOf(step, '.confirm-step form'))).statusCode).toBe(303);
    expect(test.app.db.get<{ status: string }>(sql`select status from rounds where id = ${id}`)!.status).toBe('cancelled');
  });

  it('starting a round is not final and needs no confirmation', async () => {
    const id = createRound(test.app);
    expect((await head.post(`/rounds/${id}/status`, { to: 'in_progress', version: '1' })).statusCode).toBe(303);
  });

  it('is still refused to a role that may not change the round, before any confirmation is offered', async () => {
    const id = createRound(test.app);
    expect((await inspector.post(`/rounds/${id}/status`, { to: 'cancelled', version: '1' })).statusCode).toBe(403);
    expect((await head.post('/rounds/999999/status', { to: 'cancelled' })).statusCode).toBe(404);
  });

  it('closing a campaign asks first, then closes it', async () => {
    const created = await head.post('/campaigns', { title: 'Kế hoạch sẽ kết thúc', planNumber: '', kind: 'action_month', startDate: '01/03/2025', endDate: '31/05/2025', ownerId: '', description: '' });
    const id = Number(String(created.headers.location).split('/').pop());
    expect((await head.post(`/campaigns/${id}/status`, { to: 'active' })).statusCode).toBe(303);
    const step = html((await head.post(`/campaigns/${id}/status`, { to: 'closed' })).body);
    expect(textOf(step, 'h1')).toBe('Kết thúc kế hoạch này? Kế hoạch đã kết thúc không thể mở lại.');
    expect(test.app.db.get<{ status: string }>(sql`select status from campaigns where id = ${id}`)!.status).toBe('active');
    expect((await head.post(`/campaigns/${id}/status`, fieldsOf(step, '.confirm-step form'))).statusCode).toBe(303);
    expect(test.app.db.get<{ status: string }>(sql`select status from campaigns where id = ${id}`)!.status).toBe('closed');
  });

  it('marking a follow-up done and closing its finding each ask first', async () => {
    const roundId = createRoundWithTeam(test.app, [inspector.user.id], { endDate: '2025-06-30' });
    const venueId = createVenue(test.app);
    const checkId = createReport(test.app, { roundId, venueId, inspectorId: inspector.user.id, reviewerId: head.user.id, status: 'submitted', violations: ['A1'] });
    const finding = test.app.db.get<{ id: number }>(sql`select id from findings where check_id = ${checkId}`)!;
    const added = await head.post(`/findings/${finding.id}/follow-ups`, { measure: 'register_residence', responsibleKind: 'venue', dueDate: '20/03/2025' });
    const followUpUrl = String(added.headers.location);
    const followUpStatus = () => test.app.db.get<{ status: string }>(sql`select status from follow_ups where finding_id = ${finding.id}`)!.status;

    const step = html((await head.post(`${followUpUrl}/status`, { to: 'done' })).body);
    expect(textOf(step, 'h1')).toBe('Đánh dấu biện pháp khắc phục này đã thực hiện xong?');
    expect(followUpStatus()).toBe('open');
    expect((await head.post(`${followUpUrl}/status`, fieldsOf(step, '.confirm-step form'))).statusCode).toBe(303);
    expect(followUpStatus()).toBe('done');

    const closure = html((await head.post(`/findings/${finding.id}/closure`)).body);
    expect(textOf(closure, 'h1')).toBe('Đóng vi phạm này?');
    expect(textOf(closure, '.confirm-step')).toContain('A1.');
    expect(test.app.db.get<{ status: string }>(sql`select status from findings where id = ${finding.id}`)!.status).toBe('open');
    expect((await head.post(`/findings/${finding.id}/closure`, fieldsOf(closure, '.confirm-step form'))).statusCode).toBe(303);
    expect(test.app.db.get<{ status: string }>(sql`select status from findings where id = ${finding.id}`)!.status).toBe('closed');
  });
});

describe('publishing a checklist version', () => {
  it('saves the draft, then asks before publishing it, with or without the editor’s "save and publish"', async () => {
    const draftUrl = String((await admin.post('/admin/checklists')).headers.location);
    const id = Number(draftUrl.split('/').pop());
    const status = () => test.app.db.get<{ status: string }>(sql`select status from checklist_templates where id = ${id}`)!.status;

    const direct = html((await admin.post(`${draftUrl}/publication`)).body);
    expect(textOf(direct, 'h1')).toContain('Ban hành?');
    expect(status()).toBe('draft');

    const editor = html((await admin.get(draftUrl)).body);
    const list = (name: string) => editor(`[name="${name}"]`).map((_, element) => String(editor(element).val() ?? '')).get();
    const step = await admin.post(draftUrl, {
      revision: String(editor('input[name="revision"]').val()),
      titleVi: 'Bộ câu hỏi chờ ban hành',
      titleEn: 'Checklist awaiting publication',
      itemCode: list('itemCode'),
      itemCategory: list('itemCategory'),
      itemSeverity: list('itemSeverity'),
      itemAppliesTo: list('itemAppliesTo'),
      itemVi: list('itemVi'),
      itemEn: list('itemEn'),
      itemBasis: list('itemBasis'),
      publish: '1',
    });
    expect(step.statusCode).toBe(200);
    const $ = html(step.body);
    expect(textOf($, '.confirm-step')).toContain('Bộ câu hỏi chờ ban hành');
    expect(test.app.db.get<{ title_vi: string }>(sql`select title_vi from checklist_templates where id = ${id}`)!.title_vi).toBe('Bộ câu hỏi chờ ban hành');
    expect(status()).toBe('draft');

    expect((await admin.post(`${draftUrl}/publication`, fieldsOf($, '.confirm-step form'))).statusCode).toBe(303);
    expect(status()).toBe('published');
  });
});

describe('forms that search or filter (GET)', () => {
  it('never carry the CSRF token or a form key into the URL, and always have a submit button outside <noscript>', async () => {
    const roundId = createRound(test.app, { title: 'Đợt xem biểu mẫu' });
    const venueId = createVenue(test.app);
    const pages: Array<[SignedInClient, string]> = [
      [head, '/'],
      [head, '/rounds'],
      [head, '/rounds/new'],
      [head, `/rounds/${roundId}`],
      [head, `/rounds/${roundId}/edit`],
      [head, '/checks'],
      [head, '/findings'],
      [head, '/follow-ups'],
      [head, '/outreach'],
      [head, '/campaigns'],
      [head, '/calendar'],
      [head, '/venues'],
      [head, `/venues/${venueId}`],
      [admin, '/audit'],
      [admin, '/admin/users'],
      [admin, '/admin/checklists'],
    ];
    let getForms = 0;
    for (const [client, url] of pages) {
      const response = await client.get(url);
      expect(response.statusCode, url).toBe(200);
      const $ = html(response.body);
      $('form').each((_, element) => {
        const form = $(element);
        const method = (form.attr('method') ?? 'get').toLowerCase();
        if (method === 'get') {
          getForms += 1;
          expect(form.find('input[name="_csrf"], input[name="submissionKey"]'), `${url}: ${form.attr('action')}`).toHaveLength(0);
          expect(form.parents('form'), `${url}: ${form.attr('action')} inside another form`).toHaveLength(0);
          const buttons = form.find('button[type="submit"], button:not([type]), input[type="submit"]').filter((__, button) => $(button).parents('noscript').length === 0);
          expect(buttons.length, `${url}: ${form.attr('action')} has no submit button`).toBeGreaterThan(0);
        } else {
          // A button that turns a POST form into a GET would carry the form's secrets into the URL.
          expect(form.find('[formmethod="get"]'), `${url}: ${form.attr('action')}`).toHaveLength(0);
        }
      });
      expect($('noscript button'), url).toHaveLength(0);
    }
    expect(getForms).toBeGreaterThanOrEqual(10);
  });

  it('marks the filter buttons that only htmx makes unnecessary, on the calendar too', async () => {
    const calendar = html((await head.get('/calendar')).body);
    expect(calendar('#calendar-filter button[type="submit"].js-optional-submit')).toHaveLength(1);
    const rounds = html((await head.get('/rounds')).body);
    expect(rounds('#round-filters button.js-optional-submit')).toHaveLength(1);
  });
});
