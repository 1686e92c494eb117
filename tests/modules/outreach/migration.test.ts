import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';

/**
 * The move to channels with their own measures, on a database built at the schema before it (every migration up
 * to 0018) holding activities recorded the old way: one format, one channel, leaflets, posters, broadcast minutes.
 */
const folder = path.resolve('db/migrations');
const BEFORE = '0018_victim_support_versions';
let dir: string;
let sqlite: Database.Database;

type Old = [format: string, channel: string, total: number, women: number, leaflets: number, posters: number, minutes: number];
const oldActivities: Record<string, Old> = {
  meeting: ['village_meeting', 'in_person', 120, 80, 200, 0, 0],
  zaloPost: ['rally', 'zalo', 0, 0, 0, 0, 0],
  loudspeaker: ['mobile', 'loudspeaker', 0, 0, 0, 0, 30],
  loudspeakerAtRally: ['rally', 'loudspeaker', 300, 150, 0, 0, 45],
  radio: ['thematic_talk', 'press', 0, 0, 0, 0, 15],
  leaflets: ['village_meeting', 'print', 0, 0, 500, 20, 0],
  commitments: ['commitment_signing', 'in_person', 40, 25, 0, 0, 0],
  hotline: ['legal_counselling', 'hotline', 0, 0, 0, 0, 0],
};
const ids: Record<string, number> = {};

/** What the summary showed before (every activity a session) and shows now, per area. */
const figures = (sessions: string) =>
  sqlite.prepare(`select area_id as area, ${sessions} as sessions, sum(participants_total) as participants, sum(participants_women) as women from outreach_activities group by area_id order by area_id`).all();

let before: unknown[];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcmbn-migration-'));
  // The migrations up to the one before this change, with their journal cut there.
  const oldFolder = path.join(dir, 'migrations');
  fs.mkdirSync(path.join(oldFolder, 'meta'), { recursive: true });
  const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta/_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
  const cut = journal.entries.findIndex((entry) => entry.tag === BEFORE) + 1;
  expect(cut).toBeGreaterThan(0);
  fs.writeFileSync(path.join(oldFolder, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));
  for (const entry of journal.entries.slice(0, cut)) fs.copyFileSync(path.join(folder, `${entry.tag}.sql`), path.join(oldFolder, `${entry.tag}.sql`));

  sqlite = new Database(path.join(dir, 'test.sqlite'));
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle(sqlite);
  migrate(db, { migrationsFolder: oldFolder });
  const area = (code: string) => Number(sqlite.prepare(`insert into areas (level, code, name, name_key) values ('district', ?, ?, ?)`).run(code, `Huyện ${code}`, code).lastInsertRowid);
  const [first, second] = [area('100'), area('200')];
  const insert = sqlite.prepare(
    `insert into outreach_activities (activity_date, area_id, format, channel, organising_agency, participants_total, participants_women, leaflets, posters, broadcast_minutes, created_at, updated_at)
     values ('2025-03-10', ?, ?, ?, 'womens_union', ?, ?, ?, ?, ?, '2025-03-10T00:00:00Z', '2025-03-10T00:00:00Z')`,
  );
  Object.entries(oldActivities).forEach(([name, row], index) => {
    ids[name] = Number(insert.run(index % 2 === 0 ? first : second, ...row).lastInsertRowid);
    sqlite.prepare(`insert into outreach_target_groups (activity_id, group_code) values (?, 'students'), (?, 'officials')`).run(ids[name], ids[name]);
  });
  before = figures('count(*)');

  migrate(db, { migrationsFolder: folder });
});
afterAll(() => {
  sqlite.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const measuresOf = (name: string) =>
  Object.fromEntries(
    (sqlite.prepare('select channel, measure, value from outreach_measures where activity_id = ? order by channel, measure').all(ids[name]) as Array<{ channel: string; measure: string; value: number }>).map((row) => [
      `${row.channel}.${row.measure}`,
      row.value,
    ]),
  );

describe('migrating outreach activities to channels with their own measures', () => {
  it('turns each activity’s single format and channel into its channel entries with their measures', () => {
    expect(measuresOf('meeting')).toEqual({ 'village_meeting.sessions': 1, 'leaflets_posters.copies': 200, 'leaflets_posters.displays': 0 });
    expect(measuresOf('zaloPost')).toEqual({ 'zalo.posts': 1, 'zalo.members': 0 });
    expect(measuresOf('loudspeaker')).toEqual({ 'loudspeaker.broadcasts': 1, 'loudspeaker.minutes': 30 });
    expect(measuresOf('loudspeakerAtRally')).toEqual({ 'rally.sessions': 1, 'loudspeaker.broadcasts': 1, 'loudspeaker.minutes': 45 });
    expect(measuresOf('radio')).toEqual({ 'radio_tv.items': 1, 'radio_tv.minutes': 15 });
    expect(measuresOf('leaflets')).toEqual({ 'leaflets_posters.copies': 500, 'leaflets_posters.displays': 20 });
    expect(measuresOf('commitments')).toEqual({ 'commitment_signing.commitments': 40 });
    expect(measuresOf('hotline')).toEqual({ 'legal_counselling.sessions': 1 });
    // A media-only activity is titled by its channel; the rest keep their format.
    const formats = Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, (sqlite.prepare('select format from outreach_activities where id = ?').get(id) as { format: string }).format]));
    expect(formats).toMatchObject({ meeting: 'village_meeting', zaloPost: 'zalo', loudspeaker: 'loudspeaker', loudspeakerAtRally: 'rally', radio: 'radio_tv', leaflets: 'leaflets_posters' });
    // Target groups are kept, not split.
    expect(sqlite.prepare('select count(*) as n, count(participants) as split from outreach_target_groups').get()).toEqual({ n: 16, split: 0 });
  });

  it('changes no figure of an earlier summary except the sessions of the activities it lists, each with its reason', () => {
    const after = figures('sum(sessions)');
    const reclassified = sqlite.prepare('select activity_id as id, area_id as area, reason, old_format as format, old_channel as channel, sessions_before as "before", sessions_after as "after", measures_after as measures from outreach_reclassifications order by activity_id').all() as Array<{ id: number; area: number; reason: string; before: number; after: number; measures: string }>;
    expect(reclassified.map((row) => [row.id, row.reason, row.before, row.after])).toEqual([
      [ids.zaloPost, 'media_not_session', 1, 0],
      [ids.loudspeaker, 'media_not_session', 1, 0],
      [ids.radio, 'media_not_session', 1, 0],
      [ids.leaflets, 'media_not_session', 1, 0],
      [ids.commitments, 'commitments_not_session', 1, 0],
    ]);
    expect(reclassified[0]!.measures).toBe('zalo.members=0; zalo.posts=1');
    // Before: 4 and 4 sessions; participants and women as recorded.
    expect(before).toEqual([
      { area: 1, sessions: 4, participants: 160, women: 105 },
      { area: 2, sessions: 4, participants: 300, women: 150 },
    ]);
    expect(after).toEqual([
      { area: 1, sessions: 1, participants: 160, women: 105 },
      { area: 2, sessions: 2, participants: 300, women: 150 },
    ]);
    // Each area's drop in sessions is exactly what the list says.
    for (const [index, row] of (before as Array<{ area: number; sessions: number }>).entries()) {
      const listed = reclassified.filter((one) => one.area === row.area).reduce((sum, one) => sum + one.before - one.after, 0);
      expect((after[index] as { sessions: number }).sessions, `area ${row.area}`).toBe(row.sessions - listed);
    }
  });

  it('keeps the summary’s remembered figures fresh: writes to the new tables move their counters', () => {
    const version = () => (sqlite.prepare(`select version from table_versions where name = 'outreach_measures'`).get() as { version: number }).version;
    const start = version();
    sqlite.prepare(`insert into outreach_measures (activity_id, channel, measure, value) values (?, 'facebook', 'posts', 1)`).run(ids.meeting);
    expect(version()).toBe(start + 1);
  });
});
