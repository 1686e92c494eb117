/**
 * Builds a large, realistic database for benchmarks: ten years (2016–2026) of one province's work.
 *   npm run seed:large -- --reports 1000000 [--data-dir ./data-large]
 * Venues, findings, follow-ups and outreach scale with the number of reports (50,000 venues, 200,000 findings,
 * 300,000 follow-ups and 20,000 outreach activities for 1,000,000 reports). Checklist answers, findings and
 * follow-ups are generated inside SQLite (INSERT … SELECT), which is what makes a million reports take minutes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../db/client.js';
import { runMigrations } from '../../db/migrate.js';
import { seedAdministrativeUnits } from '../../db/seed.js';
import { buildAreaCatalog } from '../areas/index.js';
import { checklistsService } from '../modules/checklists/index.js';
import { auditService } from '../modules/audit/index.js';
import { hashPassword } from '../access/passwords.js';

const { values } = parseArgs({ options: { reports: { type: 'string', default: '1000000' }, 'data-dir': { type: 'string', default: './data-large' } } });
const reportCount = Number(values.reports);
if (!Number.isInteger(reportCount) || reportCount < 1000) throw new Error('--reports must be a whole number ≥ 1000');
const dataDir = path.resolve(values['data-dir']!);
const file = path.join(dataDir, 'app.db');
const started = performance.now();
const log = (message: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${message}`);

fs.rmSync(dataDir, { recursive: true, force: true });
const db = openDatabase(file);
runMigrations(db);
seedAdministrativeUnits(db, { info: log });
const checklists = checklistsService({ db, audit: auditService(db) });
checklists.seed();
const checklist = checklists.latest();
const catalog = buildAreaCatalog(db, '14');
const sqlite = db.$client;
// Bulk loading: no journal, no fsync; the usual settings come back at the end.
sqlite.pragma('journal_mode = OFF');
sqlite.pragma('synchronous = OFF');
sqlite.pragma('cache_size = -1000000');
sqlite.pragma('temp_store = MEMORY');

/** A small, fast, seeded generator so every run builds the same data. */
let seed = 20_160_101;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const iso = (date: Date) => date.toISOString().slice(0, 10);
const now = new Date().toISOString();

const REFORM = '2025-07-01';
const FIRST = Date.UTC(2016, 0, 1);
const LAST = Date.UTC(2026, 10, 20);
const DAY = 86_400_000;

// People: a head (the benchmark signs in as this account), inspectors and an auditor.
const password = await hashPassword('benchmark-password');
const insertUser = sqlite.prepare(
  `insert into users (email, name, role, area_id, password_hash, lang, disabled_at, password_changed_at, version, created_at, updated_at)
   values (?, ?, ?, null, ?, null, null, ?, 1, ?, ?)`,
);
const headId = Number(insertUser.run('head@bench.local', 'Trưởng phòng (benchmark)', 'department_head', password, now, now, now).lastInsertRowid);
insertUser.run('auditor@bench.local', 'Thanh tra (benchmark)', 'auditor', password, now, now, now);
const inspectors = Array.from({ length: 60 }, (_, index) => Number(insertUser.run(`inspector${index}@bench.local`, `Cán bộ ${index}`, 'inspector', password, now, now, now).lastInsertRowid));
log('accounts');

// Venues, in the communes (their current areas).
const kinds = ['karaoke', 'karaoke', 'karaoke', 'restaurant', 'restaurant', 'bar', 'massage', 'lodging', 'lodging', 'cafe', 'hair_relax', 'other'];
const words = ['Hoa Mai', 'Bình Minh', 'Sao Mai', 'Ánh Dương', 'Hoa Ban', 'Suối Tát', 'Đỉnh Núi', 'Bản Mường', 'Thảo Nguyên', 'Hương Rừng', 'Phố Núi', 'Trăng Xanh'];
const venueCount = Math.max(100, Math.round(reportCount / 20));
const venuesByCommune = new Map<number, Array<{ id: number; kind: string }>>();
const insertVenue = sqlite.prepare(
  `insert into venues (kind, name, area_id, address, owner_name, phone, business_registration_number, licence_number, licence_expiry, staff_count, status, notes, dedupe_key, search_text, version, created_at, updated_at)
   values (?, ?, ?, ?, '', '', '', ?, ?, ?, 'operating', '', ?, ?, 1, ?, ?)`,
);
sqlite.transaction(() => {
  for (let index = 0; index < venueCount; index += 1) {
    const commune = pick(catalog.communes);
    const kind = pick(kinds);
    const name = `${kind === 'karaoke' ? 'Karaoke' : kind === 'lodging' ? 'Nhà nghỉ' : kind === 'restaurant' ? 'Nhà hàng' : 'Quán'} ${pick(words)} ${index}`;
    const address = `Số ${index % 300}, ${commune.name}`;
    const key = `${name} ${address}`.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
    const expiry = iso(new Date(FIRST + random() * (LAST + 3 * 365 * DAY - FIRST)));
    const id = Number(insertVenue.run(kind, name, commune.id, address, `GP-${index}`, expiry, Math.floor(random() * 20), key, `${key} ${commune.nameKey}`, now, now).lastInsertRowid);
    if (!venuesByCommune.has(commune.id)) venuesByCommune.set(commune.id, []);
    venuesByCommune.get(commune.id)!.push({ id, kind });
  }
})();
log(`${venueCount} venues`);

// Rounds: before the reform by district, after it by commune; reports spread over them.
const insertRound = sqlite.prepare(
  `insert into rounds (title, decision_number, kind, status, start_date, end_date, lead_agency, objectives, search_text, is_sample, campaign_id, version, created_at, updated_at)
   values (?, ?, 'planned', ?, ?, ?, 'police', '', ?, 0, null, 1, ?, ?)`,
);
const insertRoundArea = sqlite.prepare('insert into round_areas (round_id, area_id) values (?, ?)');
const insertTeam = sqlite.prepare(`insert into round_team_members (round_id, position, full_name, agency, team_role, user_id) values (?, 0, ?, 'police', 'head', ?)`);
interface PlannedRound {
  id: number;
  start: number;
  communes: number[];
  inspector: number;
}
const planned: PlannedRound[] = [];
sqlite.transaction(() => {
  for (let time = FIRST; time < LAST; time += 9 * DAY) {
    const date = iso(new Date(time));
    const before = date < REFORM;
    const area = before ? pick(catalog.districts) : pick(catalog.communes);
    const communes = before ? catalog.filterIds(area.id).slice(1) : [area.id];
    const end = iso(new Date(time + 4 * DAY));
    if (before && end >= REFORM) continue;
    const inspector = pick(inspectors);
    const title = `Kiểm tra liên ngành ${area.name} ${date}`;
    const status = time < LAST - 30 * DAY ? 'completed' : 'in_progress';
    const id = Number(insertRound.run(title, `${planned.length + 1}/QĐ-BCĐ`, status, date, end, title.toLowerCase(), now, now).lastInsertRowid);
    insertRoundArea.run(id, area.id);
    insertTeam.run(id, `Cán bộ ${inspector}`, inspector);
    planned.push({ id, start: time, communes: communes.filter((commune) => venuesByCommune.has(commune)), inspector });
  }
})();
log(`${planned.length} rounds`);

// Reports: 90% approved, 5% submitted, 5% draft; dates inside their round.
const insertCheck = sqlite.prepare(
  `insert into checks (round_id, venue_id, area_id, template_id, inspector_id, visit_date, visit_time, status, team_present, representative_name, representative_position,
     owners_present, staff_present, staff_counselled, materials_given, venue_comments, conclusion, review_comment, violation_count, amends_id, superseded_by_id,
     submitted_at, reviewed_at, reviewed_by, version, created_at, updated_at)
   values (?, ?, ?, ?, ?, ?, '20:00', ?, '[]', 'Chủ cơ sở', 'Chủ', 1, ?, ?, '', '', 'Đã kiểm tra', '', 0, null, null, ?, ?, ?, 1, ?, ?)`,
);
const usable = planned.filter((round) => round.communes.length > 0);
const perRound = Math.ceil(reportCount / usable.length);
let written = 0;
const batch = sqlite.transaction((rounds: PlannedRound[]) => {
  for (const round of rounds) {
    for (let index = 0; index < perRound && written < reportCount; index += 1) {
      const commune = pick(round.communes);
      const venue = pick(venuesByCommune.get(commune)!);
      const date = iso(new Date(round.start + Math.floor(random() * 5) * DAY));
      const roll = random();
      const status = roll < 0.9 ? 'approved' : roll < 0.95 ? 'submitted' : 'draft';
      const staff = 1 + Math.floor(random() * 10);
      const moment = `${date}T14:00:00.000Z`;
      insertCheck.run(round.id, venue.id, commune, checklist.id, round.inspector, date, status, staff, staff, status === 'draft' ? null : moment, status === 'approved' ? moment : null, status === 'approved' ? headId : null, moment, moment);
      written += 1;
    }
  }
});
for (let start = 0; start < usable.length; start += 50) batch(usable.slice(start, start + 50));
log(`${written} reports`);

// Checklist answers for every report, generated inside SQLite: about 0.8% violations.
sqlite.exec('create temp table items (code text, category text, severity text, applies_to text, vi text, basis text, position integer)');
const insertItem = sqlite.prepare('insert into temp.items values (?, ?, ?, ?, ?, ?, ?)');
checklist.body.items.forEach((item, index) => insertItem.run(item.code, item.category, item.category === 'G' || item.code === 'E2' ? 'critical' : item.severity, item.applies_to, item.vi, item.basis, index + 1));
const findingsTarget = Math.round(reportCount / 5);
const answerCount = reportCount * 25;
const modulus = Math.max(2, Math.round(answerCount / (findingsTarget * 1.2)));
sqlite.exec(`
  insert into check_answers (check_id, item_code, answer, note)
  select c.id, i.code,
         case when c.status = 'draft' then null when ((c.id * 7919 + i.position * 104729) % ${modulus}) = 0 then 'violation' else 'compliant' end,
         case when c.status != 'draft' and ((c.id * 7919 + i.position * 104729) % ${modulus}) = 0 then 'Vi phạm ' || i.code else '' end
  from checks c join venues v on v.id = c.venue_id join temp.items i on i.applies_to = 'all' or i.applies_to = v.kind`);
log('checklist answers');
sqlite.exec(`
  update checks set violation_count = coalesce((select count(*) from check_answers a where a.check_id = checks.id and a.answer = 'violation'), 0)
  where status != 'draft'`);
log('violation counts');

// Findings from the violations of submitted and approved reports; the critical ones mostly referred.
sqlite.exec(`
  insert into findings (check_id, venue_id, round_id, area_id, visit_date, item_code, category, title, legal_basis, description, severity, status, closed_at,
                        referral_agency, referred_by, referred_on, referral_reference, victim_details, created_by, version, created_at, updated_at)
  select c.id, c.venue_id, c.round_id, c.area_id, c.visit_date, a.item_code, i.category, i.vi, i.basis, a.note, i.severity,
         case when c.visit_date < '2025-01-01' then 'closed' else 'open' end, case when c.visit_date < '2025-01-01' then c.updated_at end,
         case when i.severity = 'critical' and (c.id % 5) != 0 then 'police' end, case when i.severity = 'critical' and (c.id % 5) != 0 then ${headId} end,
         case when i.severity = 'critical' and (c.id % 5) != 0 then c.visit_date end, case when i.severity = 'critical' and (c.id % 5) != 0 then 'HS-' || c.id else '' end,
         '', c.inspector_id, 1, c.created_at, c.updated_at
  from check_answers a join checks c on c.id = a.check_id join temp.items i on i.code = a.item_code
  where a.answer = 'violation' and c.status in ('submitted', 'approved')`);
const findingsWritten = (sqlite.prepare('select count(*) as n from findings').get() as { n: number }).n;
log(`${findingsWritten} findings`);

// Follow-ups: one per finding, a second for half of them; fines with amounts; statuses by age.
const measures = ['sign_contracts', 'register_residence', 'renew_licence', 'fix_premises', 'fine', 'other'];
sqlite.exec(`create temp table measures (position integer, code text)`);
measures.forEach((code, index) => sqlite.prepare('insert into temp.measures values (?, ?)').run(index, code));
sqlite.exec(`
  insert into follow_ups (finding_id, venue_id, area_id, measure, fine_amount, responsible_kind, responsible_agency, responsible_user_id, due_date, status, done_at,
                          verified_at, verified_by, verified_by_check_id, verification_note, description, created_by, version, created_at, updated_at)
  select f.id, f.venue_id, f.area_id, m.code, case when m.code = 'fine' then 1000000 * (1 + (f.id % 30)) end,
         case when (f.id + n.k) % 3 = 0 then 'user' when (f.id + n.k) % 3 = 1 then 'agency' else 'venue' end,
         case when (f.id + n.k) % 3 = 1 then 'police' end,
         case when (f.id + n.k) % 3 = 0 then ${inspectors[0]} + (f.id % ${inspectors.length}) end,
         date(f.visit_date, '+' || (15 + (f.id % 60)) || ' days'),
         case when f.visit_date < '2025-01-01' then 'verified' when f.id % 4 = 0 then 'done' when f.id % 4 = 1 then 'in_progress' else 'open' end,
         null, case when f.visit_date < '2025-01-01' then f.updated_at end, case when f.visit_date < '2025-01-01' then ${headId} end, null,
         case when f.visit_date < '2025-01-01' then 'Đã xác minh' else '' end, '', ${headId}, 1, f.created_at, f.updated_at
  from findings f join (select 0 as k union all select 1) n on n.k = 0 or f.id % 2 = 0
  join temp.measures m on m.position = (f.id + n.k) % ${measures.length}`);
log(`${(sqlite.prepare('select count(*) as n from follow_ups').get() as { n: number }).n} follow-ups`);

// Outreach activities.
const formats = ['rally', 'conference', 'training', 'village_meeting', 'legal_counselling', 'household_visit'];
const media: Array<[string, string, string]> = [['loudspeaker', 'broadcasts', 'minutes'], ['zalo', 'posts', 'members'], ['leaflets_posters', 'copies', 'displays']];
const topics = ['trafficking_law', 'traffickers_methods', 'safe_migration', 'domestic_violence', 'marriage_family'];
const groups = ['women_reproductive_age', 'students', 'border_residents', 'venue_staff', 'mobile_people'];
const insertActivity = sqlite.prepare(
  `insert into outreach_activities (campaign_id, activity_date, area_id, village, format, channel, organising_agency, sessions, participants_total, participants_women, notes, created_by, version, created_at, updated_at)
   values (null, ?, ?, ?, ?, '', 'womens_union', 1, ?, ?, '', ?, 1, ?, ?)`,
);
const insertMeasure = sqlite.prepare('insert into outreach_measures (activity_id, channel, measure, value) values (?, ?, ?, ?)');
const insertTopic = sqlite.prepare('insert into outreach_topics (activity_id, topic_code) values (?, ?)');
const insertGroup = sqlite.prepare('insert into outreach_target_groups (activity_id, group_code) values (?, ?)');
const outreachCount = Math.round(reportCount / 50);
sqlite.transaction(() => {
  for (let index = 0; index < outreachCount; index += 1) {
    const date = iso(new Date(FIRST + random() * (LAST - FIRST)));
    const area = date < REFORM ? pick(catalog.districts) : pick(catalog.communes);
    const total = 20 + Math.floor(random() * 200);
    const format = pick(formats);
    const id = Number(insertActivity.run(date, area.id, `Bản ${index % 40}`, format, total, Math.floor(total * random()), pick(inspectors), now, now).lastInsertRowid);
    insertMeasure.run(id, format, 'sessions', 1);
    if (index % 2 === 0) {
      const [channel, first, second] = pick(media);
      insertMeasure.run(id, channel, first, 1 + Math.floor(random() * 5));
      insertMeasure.run(id, channel, second, Math.floor(random() * 300));
    }
    insertTopic.run(id, pick(topics));
    insertGroup.run(id, pick(groups));
  }
})();
log(`${outreachCount} outreach activities`);

sqlite.exec(`insert into app_meta (key, value) values ('sample_rounds', 'large seed')`);
sqlite.exec('analyze');
sqlite.pragma('journal_mode = WAL');
sqlite.pragma('synchronous = NORMAL');
db.$client.close();
log(`done: ${file} (${Math.round(fs.statSync(file).size / 1024 / 1024)} MB). Sign in as head@bench.local / benchmark-password`);
