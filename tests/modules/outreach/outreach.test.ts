import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { loginAs, type SignedInClient } from '../../helpers/auth.js';
import { district, outreachForm } from '../../helpers/factories.js';
import { html, textOf } from '../../helpers/html.js';

let test: TestApp;
let head: SignedInClient;
let inspector: SignedInClient;
let auditor: SignedInClient;
let maiSon: number;
let bacYen: number;

const count = (table: string) => test.app.db.get<{ n: number }>(sql.raw(`select count(*) as n from ${table}`))!.n;
const tables = ['outreach_activities', 'outreach_measures', 'outreach_topics', 'outreach_target_groups', 'audit_log'];
const counts = () => Object.fromEntries(tables.map((table) => [table, count(table)]));
const idOf = (location: unknown) => Number(String(location).split('/').pop());

beforeAll(async () => {
  test = await buildTestApp({ now: () => new Date('2025-12-15T03:00:00Z'), env: { SESSION_IDLE_MINUTES: '43200' } });
  head = await loginAs(test.app, 'department_head');
  inspector = await loginAs(test.app, 'inspector');
  auditor = await loginAs(test.app, 'auditor');
  maiSon = district(test.app, 'Mai Sơn').id;
  bacYen = district(test.app, 'Bắc Yên').id;
});
afterAll(async () => {
  await test.close();
});

describe('the outreach form', () => {
  it('refuses each bad field with its message beside it, writes nothing and keeps what was typed', async () => {
    const base = { areaId: maiSon, village: 'Bản Hua Tát', 'm-zalo-members': '1.250' };
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ channels: [] }, 'channels', 'Chọn ít nhất một hình thức hoặc kênh.'],
      [{ channels: ['village_meeting', 'fax'] }, 'channels', 'Hình thức, kênh không hợp lệ.'],
      [{ 'm-village_meeting-sessions': '' }, 'm-village_meeting-sessions', 'Nhập số buổi (ít nhất 1).'],
      [{ 'm-village_meeting-sessions': '0' }, 'm-village_meeting-sessions', 'Nhập số buổi (ít nhất 1).'],
      [{ 'm-village_meeting-sessions': '1,5' }, 'm-village_meeting-sessions', 'Chỉ nhập số nguyên'],
      [{ channels: ['commitment_signing'], 'm-commitment_signing-commitments': '' }, 'm-commitment_signing-commitments', 'Nhập số bản cam kết được ký (ít nhất 1).'],
      [{ channels: ['village_meeting', 'zalo'], 'm-zalo-members': '' }, 'm-zalo-posts', 'Nhập ít nhất một số liệu lớn hơn 0 cho kênh này.'],
      [{ channels: ['village_meeting', 'loudspeaker'], 'm-loudspeaker-minutes': 'ba mươi' }, 'm-loudspeaker-minutes', 'Nhập số nguyên không âm.'],
      [{ channels: ['zalo'], 'm-zalo-posts': '2', participantsTotal: '40', participantsWomen: '0' }, 'participantsTotal', 'Chỉ ghi người tham dự khi có hình thức trực tiếp'],
      [{ participantsTotal: '' }, 'participantsTotal', 'Nhập số (có thể là 0).'],
      [{ participantsWomen: '11' }, 'participantsWomen', 'Số nữ không được lớn hơn tổng số (10).'],
      [{ 'g-officials': '3' }, 'g-officials', 'Nhóm này chưa được chọn ở “Nhóm đối tượng”.'],
      [{ targetGroups: ['students', 'officials'], 'g-students': '8', 'g-officials': '5' }, 'groupSplit', 'Tổng số người tách theo nhóm (13) không được lớn hơn số người tham dự (10).'],
      [{ 'g-students': '-2' }, 'g-students', 'Nhập số nguyên không âm.'],
      [{ targetGroups: ['students', 'aliens'] }, 'targetGroups', 'Nhóm đối tượng không hợp lệ.'],
      [{ topics: [] }, 'topics', 'Chọn ít nhất một chủ đề.'],
      [{ topics: ['astrology'] }, 'topics', 'Chủ đề không hợp lệ.'],
      [{ topics: ['other'] }, 'topicOther', 'Ghi rõ chủ đề khác.'],
      [{ topicOther: 'An toàn giao thông' }, 'topicOther', 'Chọn “Khác (ghi rõ)” trong các chủ đề'],
      [{ topics: ['other'], topicOther: 'x'.repeat(201) }, 'topicOther', '200'],
    ];
    const before = counts();
    for (const [override, field, message] of cases) {
      const response = await inspector.post('/outreach', outreachForm({ ...base, ...override }));
      const label = JSON.stringify(override).slice(0, 80);
      expect(response.statusCode, label).toBe(422);
      const $ = html(response.body);
      expect(textOf($, `[id="field-${field}-error"]`), label).toContain(message);
      // The error list at the top links to the field.
      expect($(`.error-summary a[href="#field-${field}"]`).length, label).toBe(1);
      expect($('#field-village').val(), label).toBe('Bản Hua Tát');
      expect($('[name="m-zalo-members"]').val(), label).toBe(override['m-zalo-members'] ?? '1.250');
      for (const code of (override.channels as string[] | undefined) ?? ['village_meeting']) {
        expect($(`input[name="channels"][value="${code}"]`).is(':checked') || code === 'fax', label).toBe(true);
      }
    }
    expect(counts()).toEqual(before);
  });

  it('shows, without JavaScript, every channel’s figures under its channel with a note', async () => {
    const $ = html((await inspector.get('/outreach/new')).body);
    expect(textOf($, '#field-channels .js-choice-note')).toContain('không chọn không được lưu');
    expect($('#measures-village_meeting input[name="m-village_meeting-sessions"]').val()).toBe('1');
    expect($('#measures-zalo input').map((_, input) => $(input).attr('name')).get()).toEqual(['m-zalo-posts', 'm-zalo-members']);
    expect($('#measures-loudspeaker input').map((_, input) => $(input).attr('name')).get()).toEqual(['m-loudspeaker-broadcasts', 'm-loudspeaker-minutes']);
    // The new target groups and agencies are offered.
    for (const group of ['unemployed', 'street_children', 'women_at_risk', 'workers', 'general_public', 'health_service_users']) expect($(`input[name="targetGroups"][value="${group}"]`), group).toHaveLength(1);
    for (const agency of ['party_committee', 'peoples_council', 'pc_province', 'pc_district']) expect($(`#field-organisingAgency option[value="${agency}"]`), agency).toHaveLength(1);
    expect($('input[name="topics"]')).toHaveLength(11);
  });

  it('saves one activity with several channels, each with its own measures, and ignores the figures of channels not chosen', async () => {
    const response = await inspector.post(
      '/outreach',
      outreachForm({
        areaId: maiSon,
        activityDate: '10/04/2025',
        channels: ['village_meeting', 'loudspeaker', 'zalo', 'newsletter'],
        'm-village_meeting-sessions': '2',
        'm-loudspeaker-broadcasts': '6',
        'm-loudspeaker-minutes': '90',
        'm-zalo-posts': '3',
        'm-zalo-members': '1.250',
        'm-newsletter-issues': '1',
        'm-facebook-posts': '7',
        topics: ['safe_migration', 'other'],
        topicOther: 'Lừa đảo qua mạng',
        participantsTotal: '80',
        participantsWomen: '50',
      }),
    );
    expect(response.statusCode).toBe(303);
    const id = idOf(response.headers.location);
    const measures = test.app.db.all<{ channel: string; measure: string; value: number }>(sql`select channel, measure, value from outreach_measures where activity_id = ${id} order by channel, measure`);
    expect(measures).toEqual([
      { channel: 'loudspeaker', measure: 'broadcasts', value: 6 },
      { channel: 'loudspeaker', measure: 'minutes', value: 90 },
      { channel: 'newsletter', measure: 'copies', value: 0 },
      { channel: 'newsletter', measure: 'issues', value: 1 },
      { channel: 'village_meeting', measure: 'sessions', value: 2 },
      { channel: 'zalo', measure: 'members', value: 1250 },
      { channel: 'zalo', measure: 'posts', value: 3 },
    ]);
    expect(test.app.db.get(sql`select sessions, participants_total as total, format, topic_other as other from outreach_activities where id = ${id}`)).toEqual({ sessions: 2, total: 80, format: 'village_meeting', other: 'Lừa đảo qua mạng' });
    const $ = html((await head.get(`/outreach/${id}`)).body);
    expect($('#activity-channels li')).toHaveLength(4);
    expect(textOf($, '#activity-channels li[data-channel="zalo"]')).toContain('1.250');
    expect(textOf($, '#activity-topics')).toContain('Khác (ghi rõ): Lừa đảo qua mạng');
    // Edited: the form comes back filled with the channels' figures.
    const edit = html((await inspector.get(`/outreach/${id}/edit`)).body);
    expect(edit('input[name="channels"]:checked').map((_, box) => $(box).val()).get()).toEqual(['village_meeting', 'loudspeaker', 'newsletter', 'zalo']);
    expect(edit('[name="m-zalo-members"]').val()).toBe('1250');
    const audit = test.app.db.get<{ changes: string }>(sql`select changes from audit_log where record_type = 'outreach' and record_id = ${id} and action = 'create'`)!;
    expect(JSON.parse(audit.changes).channels[1]).toContain('zalo: posts 3, members 1250');
  });

  it('counts a media-only activity as output, not as a session, and needs no participants', async () => {
    const response = await inspector.post('/outreach', outreachForm({ areaId: bacYen, activityDate: '12/04/2025', channels: ['zalo'], 'm-zalo-posts': '4', 'm-zalo-members': '300', participantsTotal: '', participantsWomen: '' }));
    expect(response.statusCode).toBe(303);
    const row = test.app.db.get(sql`select sessions, participants_total as total from outreach_activities where id = ${idOf(response.headers.location)}`);
    expect(row).toEqual({ sessions: 0, total: 0 });
  });
});

describe('reach per target group', () => {
  let unsplit: number;
  beforeAll(async () => {
    // In Phù Yên: a 3-group activity of 100 participants with no split.
    const response = await inspector.post('/outreach', outreachForm({ areaId: district(test.app, 'Phù Yên').id, activityDate: '05/05/2025', targetGroups: ['students', 'workers', 'officials'], participantsTotal: '100', participantsWomen: '40', topics: ['gender_equality'] }));
    unsplit = idOf(response.headers.location);
  });

  it('never counts one person under every group: 100 in the total, “chưa tách” for each group', async () => {
    const phuYen = district(test.app, 'Phù Yên').id;
    const figure = async (group: string, key: string) => textOf(html((await head.get(`/reports/districts?from=01/01/2025&to=30/06/2025&group=${group}`)).body), `#summary-table tr[data-area="${phuYen}"] td[data-figure="${key}"]`);
    expect(await figure('outreach', 'participants')).toBe('100');
    for (const group of ['students', 'workers', 'officials']) expect(await figure('reach', `reach-${group}`), group).toBe('chưa tách');
    expect(await figure('reach', 'reach-general_public')).toBe('0');
    expect(await figure('reach', 'notSplit')).toBe('100');
    for (const group of ['students', 'workers', 'officials']) {
      const list = html((await head.get(`/outreach?area=${phuYen}&group=${group}`)).body);
      expect(textOf(list, '#outreach-totals'), group).toBe('1 buổi · 0 lượt người thuộc nhóm này · 100 lượt người ở hoạt động chưa tách theo nhóm');
    }
    expect(unsplit).toBeGreaterThan(0);
  });

  it('uses the split where given, with the rest not split, so groups and “not split” add up to the participants', async () => {
    const thuanChau = district(test.app, 'Thuận Châu').id;
    const response = await inspector.post(
      '/outreach',
      outreachForm({ areaId: thuanChau, activityDate: '06/05/2025', targetGroups: ['students', 'officials', 'workers'], 'g-students': '60', 'g-officials': '30', participantsTotal: '100', participantsWomen: '40' }),
    );
    expect(response.statusCode).toBe(303);
    const $ = html((await head.get('/reports/districts?from=01/01/2025&to=30/06/2025&group=reach')).body);
    const cell = (key: string) => textOf($, `#summary-table tr[data-area="${thuanChau}"] td[data-figure="${key}"]`);
    expect([cell('reach-students'), cell('reach-officials'), cell('reach-workers'), cell('notSplit')]).toEqual(['60', '30', 'chưa tách', '10']);
    const list = html((await head.get(`/outreach?area=${thuanChau}&group=students`)).body);
    expect(textOf(list, '#outreach-totals')).toBe('1 buổi · 60 lượt người thuộc nhóm này · 0 lượt người ở hoạt động chưa tách theo nhóm');
    // A reach figure links to the group's activities.
    const link = $(`#summary-table tr[data-area="${thuanChau}"] td[data-figure="reach-students"] a`).attr('href')!;
    expect(link).toContain('group=students');
    expect(html((await head.get(link)).body)('#outreach-table tbody tr')).toHaveLength(1);
  });
});

describe('topics and channels as filters', () => {
  it('filters the list by topic, channel and in person, always within the person’s area', async () => {
    const scoped = await loginAs(test.app, 'inspector', { areaId: bacYen });
    await scoped.post('/outreach', outreachForm({ areaId: bacYen, activityDate: '20/04/2025', topics: ['safe_migration'], channels: ['loudspeaker'], 'm-loudspeaker-broadcasts': '2', participantsTotal: '', participantsWomen: '' }));
    const rows = async (client: SignedInClient, query: string) => html((await client.get(`/outreach?${query}`)).body)('#outreach-table tbody tr').length;
    // Mai Sơn's and Bắc Yên's activities on safe migration, but the Bắc Yên inspector sees only Bắc Yên's.
    expect(await rows(head, 'topic=safe_migration')).toBe(2);
    expect(await rows(scoped, 'topic=safe_migration')).toBe(1);
    expect(await rows(scoped, `topic=safe_migration&area=${maiSon}`)).toBe(0);
    expect(await rows(head, 'channel=loudspeaker')).toBe(2);
    expect(await rows(scoped, 'channel=loudspeaker')).toBe(1);
    expect(await rows(scoped, 'channel=zalo')).toBe(1);
    expect(await rows(scoped, 'inPerson=1')).toBe(0);
    expect(await rows(head, `inPerson=1&area=${maiSon}`)).toBe(1);
    // An older link naming a format still filters by that channel.
    expect(await rows(head, `format=village_meeting&area=${maiSon}`)).toBe(1);
  });

  it('filters the summary and its exports by topic, and breaks them down by topic and channel, the same in every format', async () => {
    const query = 'from=01/01/2025&to=30/06/2025&topic=safe_migration';
    const page = async (group: string) => html((await auditor.get(`/reports/districts?${query}&group=${group}`)).body);
    const total = async (group: string, key: string) => textOf(await page(group), `#summary-table tr[data-area="total"] td[data-figure="${key}"]`);
    expect(await total('outreach', 'outreachSessions')).toBe('2'); // Mai Sơn's two sessions; Bắc Yên's loudspeaker is no session
    expect(await total('media', 'media-loudspeaker-broadcasts')).toBe('8');
    expect(await total('media', 'media-zalo-posts')).toBe('3'); // the Zalo-only activity has another topic
    expect(await total('topics', 'topic-safe_migration')).toBe('2');
    expect(await total('topics', 'topic-gender_equality')).toBe('0');
    const unfiltered = textOf(html((await auditor.get('/reports/districts?from=01/01/2025&to=30/06/2025&group=topics')).body), '#summary-table tr[data-area="total"] td[data-figure="topic-gender_equality"]');
    expect(unfiltered).toBe('1');
    const link = (await page('media'))('#summary-table tr[data-area="total"] td[data-figure="media-loudspeaker-broadcasts"] a').attr('href')!;
    expect(link).toContain('channel=loudspeaker');
    expect(link).toContain('topic=safe_migration');
    expect(html((await head.get(link)).body)('#outreach-table tbody tr')).toHaveLength(2);

    // Page, CSV, XLSX and PDF agree on every outreach column.
    const groups = ['outreach', 'media', 'reach', 'topics'];
    const pageCells: Record<string, string> = {};
    for (const group of groups) {
      const $ = await page(group);
      $('#summary-table tr[data-area="total"] td').each((_, cell) => {
        pageCells[$(cell).attr('data-label')!] = $(cell).text().trim();
      });
    }
    const csv = parse((await auditor.get(`/reports/districts.csv?${query}`)).body.replace(/^\uFEFF/, '')) as string[][];
    const csvTotal = Object.fromEntries(csv[0]!.map((heading, index) => [heading, csv.at(-1)![index]!]));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await auditor.get(`/reports/districts.xlsx?${query}`)).rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(String(sheet.getCell('A3').value) + String(sheet.getCell('A4').value)).toContain('Chủ đề: Di cư an toàn');
    const headings = (sheet.getRow(6).values as unknown[]).slice(1).map(String);
    const xlsxTotal = Object.fromEntries(headings.map((heading, index) => [heading, sheet.getRow(sheet.rowCount).getCell(index + 1).value]));
    const plain = (value: unknown) => String(value ?? '').replace(/\./g, '');
    for (const [label, value] of Object.entries(pageCells)) {
      expect(plain(csvTotal[label]), label).toBe(plain(value));
      expect(plain(xlsxTotal[label]), label).toBe(plain(value));
    }
    const exportsAudited = test.app.db.all<{ changes: string }>(sql`select changes from audit_log where action = 'export' order by id desc limit 2`);
    expect(exportsAudited.map((row) => JSON.parse(row.changes).topic)).toEqual(['safe_migration', 'safe_migration']);
    const records = parse((await auditor.get(`/reports/records/outreach.csv?${query}`)).body.replace(/^\uFEFF/, '')) as string[][];
    expect(records).toHaveLength(1 + 2);
    expect(records.flat().some((cell) => cell.includes('Hệ thống loa truyền thanh cơ sở: Lượt phát 2'))).toBe(true);
    expect((await auditor.get('/reports/districts?topic=astrology')).statusCode).toBe(422);
  });
});

describe('the activities reclassified by the migration', () => {
  it('are listed, with the reason, to admins and auditors in their area, and linked from the outreach page', async () => {
    const activity = test.app.db.get<{ id: number; area_id: number; activity_date: string }>(sql`select id, area_id, activity_date from outreach_activities where area_id = ${bacYen} limit 1`)!;
    test.app.db.run(sql`insert into outreach_reclassifications (activity_id, area_id, activity_date, reason, old_format, old_channel, sessions_before, sessions_after, measures_after, at)
                        values (${activity.id}, ${activity.area_id}, ${activity.activity_date}, 'media_not_session', 'rally', 'zalo', 1, 0, 'zalo.members=0; zalo.posts=1', '2025-12-01T00:00:00Z')`);
    const admin = await loginAs(test.app, 'admin');
    const $ = html((await admin.get('/outreach/reclassified')).body);
    expect($('#reclassified-table tbody tr')).toHaveLength(1);
    expect(textOf($, '#reclassified-table tbody tr')).toContain('Kênh truyền thông ghi 0 người tham dự');
    expect(textOf($, '#reclassified-table tbody tr')).toContain('1 → 0');
    expect(html((await admin.get('/outreach')).body)('#outreach-reclassified a').attr('href')).toBe('/outreach/reclassified');
    expect(html((await head.get('/outreach')).body)('#outreach-reclassified')).toHaveLength(0);
    const elsewhere = await loginAs(test.app, 'auditor', { areaId: maiSon });
    expect(html((await elsewhere.get('/outreach/reclassified')).body)('#reclassified-table tbody tr')).toHaveLength(0);
    expect((await inspector.get('/outreach/reclassified')).statusCode).toBe(403);
  });
});
