/**
 * npm run bench [-- --data-dir ./data-large --duration 10 --connections 20 --cpu-prof ./profiles]
 * Builds the server and starts it as `npm start` does (production mode) on a large database (npm run seed:large)
 * and measures, side by side, a bare baseline route and the real pages signed in as a department head, then the
 * CSV export of every report (time and the server's peak memory), then 50 connections for 30 s while /healthz is
 * watched. Each start is timed (spawn to /healthz answering) and the server's resting memory read just after.
 * With --cpu-prof, the server of the page runs writes a V8 CPU profile into that folder when it stops, with the
 * time window of each measurement beside it (windows.json): `npx tsx tests/bench/cpu-profile.ts <folder>`
 * summarises each one.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { buildServer, freePort, signInOverHttp, startServer, stopServer } from '../helpers/server.js';

const { values } = parseArgs({
  options: { 'data-dir': { type: 'string', default: './data-large' }, duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '20' }, 'cpu-prof': { type: 'string' }, scaling: { type: 'boolean', default: false } },
});
const sourceDir = path.resolve(values['data-dir']!);
const duration = Number(values.duration);
const connections = Number(values.connections);
if (!fs.existsSync(path.join(sourceDir, 'app.db'))) {
  console.error(`No database at ${sourceDir}. Build one first: npm run seed:large -- --reports 1000000 --data-dir ${values['data-dir']}`);
  process.exit(2);
}
// The run files reports, so it works on a copy: the large database stays as seeded for the next run.
const dataDir = `${sourceDir}-bench`;
fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(dataDir, { recursive: true });
new Database(path.join(sourceDir, 'app.db')).pragma('wal_checkpoint(TRUNCATE)');
fs.copyFileSync(path.join(sourceDir, 'app.db'), path.join(dataDir, 'app.db'));

function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** The CPU time a process has used so far, in milliseconds (from /proc, in clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Waits (up to two minutes) until the server is idle: requests cut off by a run's end may still be finishing. */
async function quiet(pid: number): Promise<void> {
  for (let second = 0; second < 120; second += 1) {
    const before = cpuMs(pid);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (cpuMs(pid) - before < 50) return;
  }
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function signIn(base: string, email: string) {
  const session = await signInOverHttp(base, email, 'benchmark-password');
  if (session.loginStatus !== 303) throw new Error(`sign-in failed for ${email}: ${session.loginStatus}`);
  return session;
}

/** Drafts for the filing benchmark: each request saves a different one, once. */
function prepareDrafts(count: number): { ids: number[]; codes: string[]; inspectorEmail: string; visitDate: string } {
  const db = new Database(path.join(dataDir, 'app.db'));
  const inspector = db.prepare("select id, email from users where email = 'inspector0@bench.local'").get() as { id: number; email: string };
  const round = db.prepare("select r.id, r.start_date as start from rounds r where r.status = 'in_progress' order by r.id desc limit 1").get() as { id: number; start: string };
  db.prepare("insert or ignore into round_team_members (round_id, position, full_name, agency, team_role, user_id) values (?, 9, 'Cán bộ 0', 'police', 'member', ?)").run(round.id, inspector.id);
  const area = db.prepare('select area_id from round_areas where round_id = ?').get(round.id) as { area_id: number };
  const venue = db.prepare("select id from venues where area_id = ? and kind = 'karaoke' limit 1").get(area.area_id) as { id: number } | undefined
    ?? (db.prepare("select id from venues where kind = 'karaoke' limit 1").get() as { id: number });
  db.prepare('update venues set area_id = ? where id = ?').run(area.area_id, venue.id);
  const template = db.prepare("select id, body from checklist_templates where code = 'venue-inspection' and status = 'published' order by version desc limit 1").get() as { id: number; body: string };
  const codes = (JSON.parse(template.body) as { items: Array<{ code: string }> }).items.map((item) => item.code);
  const now = new Date().toISOString();
  const insert = db.prepare(
    `insert into checks (round_id, venue_id, area_id, template_id, inspector_id, visit_date, visit_time, status, team_present, representative_name, representative_position,
       owners_present, staff_present, staff_counselled, materials_given, venue_comments, conclusion, review_comment, violation_count, version, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, '', 'draft', '[]', '', '', null, null, null, '', '', '', '', 0, 1, ?, ?)`,
  );
  const answer = db.prepare('insert into check_answers (check_id, item_code, answer, note) values (?, ?, null, \'\')');
  const ids: number[] = [];
  db.transaction(() => {
    for (let index = 0; index < count; index += 1) {
      const id = Number(insert.run(round.id, venue.id, area.area_id, template.id, inspector.id, round.start, now, now).lastInsertRowid);
      for (const code of codes) answer.run(id, code);
      ids.push(id);
    }
  })();
  db.close();
  return { ids, codes, inspectorEmail: inspector.email, visitDate: round.start.split('-').reverse().join('/') };
}

/** When each load run started and ended, on the clock V8's CPU profiles use (microseconds, monotonic). */
const windows: Array<{ name: string; startUs: number; endUs: number }> = [];
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

async function run(name: string, options: autocannon.Options): Promise<{ name: string; rps: number; p50: number; p99: number; errors: number; non2xx: number; codes: string }> {
  const startUs = nowUs();
  const result = await autocannon({ connections, duration, ...options });
  windows.push({ name, startUs, endUs: nowUs() });
  const codes = Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => `${code}×${(stat as { count: number }).count}`).join(' ');
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx, codes };
}

/** One request at a time: how long a single person waits (the first time, then the median and worst of a few). */
async function single(name: string, url: string, headers: Record<string, string>, times = 5): Promise<string> {
  const durations: number[] = [];
  for (let index = 0; index < times; index += 1) {
    const start = performance.now();
    const response = await fetch(url, { headers });
    await response.arrayBuffer();
    durations.push(performance.now() - start);
  }
  const first = durations[0]!;
  durations.sort((a, b) => a - b);
  return `| ${name} | ${first.toFixed(0)} | ${durations[Math.floor(times / 2)]!.toFixed(0)} | ${durations[times - 1]!.toFixed(0)} |`;
}

const starts: string[] = [];

/** Starts the server, timing spawn to /healthz, and reads its memory after two seconds at rest. */
async function start(label: string, nodeArgs: string[] = []): Promise<{ server: ChildProcess; base: string }> {
  const port = await freePort();
  const began = performance.now();
  // The general rate limit would turn most of the 60-second export run into 429s: it is measured elsewhere.
  const server = await startServer(dataDir, port, { stdio: 'inherit', timeoutMs: 30_000, nodeArgs, env: { RATE_LIMIT_PER_MINUTE: '1000000' } });
  const startMs = performance.now() - began;
  await new Promise((resolve) => setTimeout(resolve, 2000));
  starts.push(`| ${label} | ${startMs.toFixed(0)} | ${rssMb(server.pid!).toFixed(0)} |`);
  return { server, base: `http://127.0.0.1:${port}` };
}

/** The list pages, measured under load and one request at a time. */
const listPages = (district: number, year: string): Array<[string, string]> => [
  ['rounds list', '/rounds'],
  ['venue search', '/venues?q=hoa+mai'],
  ['reports by area and date', `/checks?area=${district}&from=01/01/${year}&to=31/12/${year}`],
  ['overdue follow-ups', '/follow-ups?overdue=1'],
];

function busiestDistrict(): number {
  const db = new Database(path.join(dataDir, 'app.db'), { readonly: true });
  const district = (db.prepare("select a.id from areas a join round_areas ra on ra.area_id = a.id where a.level = 'district' group by a.id order by count(*) desc limit 1").get() as { id: number }).id;
  db.close();
  return district;
}

/**
 * The same pages served by one and then two processes (WORKERS). The load generator runs on the same cores as
 * the server, so on a two-core machine the second worker competes with it: the figure is a floor.
 */
async function scaling(): Promise<void> {
  const rows: Array<{ name: string; one: Awaited<ReturnType<typeof run>>; two?: Awaited<ReturnType<typeof run>> }> = [];
  const pages: Array<[string, string]> = [['baseline GET /ping', '/ping'], ...listPages(busiestDistrict(), '2024').map(([name, url]): [string, string] => [`GET ${name}`, url])];
  for (const workers of [1, 2]) {
    const port = await freePort();
    const server = await startServer(dataDir, port, { stdio: 'inherit', timeoutMs: 30_000, env: { RATE_LIMIT_PER_MINUTE: '1000000', WORKERS: String(workers) } });
    const base = `http://127.0.0.1:${port}`;
    const { cookie } = await signIn(base, 'head@bench.local');
    for (const [index, [name, url]] of pages.entries()) {
      const result = await run(`${name}, ${workers} worker${workers > 1 ? 's' : ''}`, { url: `${base}${url}`, headers: { cookie } });
      if (workers === 1) rows.push({ name, one: result });
      else rows[index]!.two = result;
    }
    await stopServer(server);
  }
  console.log(`\nWORKERS 1 → 2 (${os.cpus().length} cores shared with the load generator; ${connections} connections, ${duration} s each)\n`);
  console.log('| measurement | 1 worker req/s | p99 ms | 2 workers req/s | p99 ms | scaling |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const { name, one, two } of rows) {
    console.log(`| ${name} | ${one.rps.toFixed(0)} | ${one.p99} | ${two!.rps.toFixed(0)} | ${two!.p99} | ×${(two!.rps / one.rps).toFixed(2)} |`);
  }
}

async function main() {
  buildServer();
  if (values.scaling) {
    await scaling();
    fs.rmSync(dataDir, { recursive: true, force: true });
    return;
  }
  buildServer();
  const drafts = prepareDrafts(40_000);
  const profileDir = values['cpu-prof'] ? path.resolve(values['cpu-prof']) : null;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  let { server, base } = await start('first start on the copy (applies any new migration)', profile);
  const head = await signIn(base, 'head@bench.local');
  const inspector = await signIn(base, drafts.inspectorEmail);
  const district = busiestDistrict();
  const db = new Database(path.join(dataDir, 'app.db'), { readonly: true });
  const counts = db.prepare('select (select count(*) from checks) as reports, (select count(*) from venues) as venues, (select count(*) from check_answers) as answers, (select count(*) from findings) as findings, (select count(*) from follow_ups) as followUps, (select count(*) from outreach_activities) as outreach').get();
  db.close();
  const year = '2024';
  const headers = { cookie: head.cookie };

  const results = [];
  results.push(await run('baseline GET /ping', { url: `${base}/ping` }));
  const pages: Array<[string, string]> = [
    ...listPages(district, year),
    ['district summary for a year', `/reports/districts?from=01/01/${year}&to=31/12/${year}`],
  ];
  for (const [name, url] of pages) results.push(await run(`GET ${name}`, { url: `${base}${url}`, headers }));
  let next = 0;
  const answers = Object.fromEntries(drafts.codes.flatMap((code) => [[`answer_${code}`, 'compliant'], [`note_${code}`, '']]));
  results.push(
    await run('POST submitting a report (27 answers, audited)', {
      url: base,
      headers: { cookie: inspector.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const id = drafts.ids[next++ % drafts.ids.length];
            return { ...request, path: `/checks/${id}`, body: new URLSearchParams({ _csrf: inspector.csrf, intent: 'submit', version: '1', visitDate: drafts.visitDate, visitTime: '20:30', representativeName: 'Chủ cơ sở', representativePosition: 'Chủ', ownersPresent: '1', staffPresent: '4', staffCounselled: '4', conclusion: 'Chấp hành tốt', ...answers }).toString() };
          },
        },
      ],
    }),
  );
  // Last of the load runs: the exports still streaming when its 60 s are up keep the server busy for a while.
  const yearCsv = `/reports/records/reports.csv?from=01/01/${year}&to=31/12/${year}`;
  // Each export streams a year of reports (about a tenth of the database): allow each one its time.
  results.push(await run('GET CSV export of a year (streamed, 60 s)', { url: `${base}${yearCsv}`, headers, timeout: 120, duration: 60 }));
  await quiet(server.pid!);
  const baseline = results[0]!.rps;
  console.log(`\nMachine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  console.log(`Data: ${JSON.stringify(counts)}; ${connections} connections, ${duration} s each\n`);
  console.log('| measurement | req/s | p50 ms | p99 ms | errors | non-2xx | vs baseline |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of results) {
    console.log(`| ${row.name} | ${row.rps < 10 ? row.rps.toFixed(2) : row.rps.toFixed(0)} | ${row.p50} | ${row.p99} | ${row.errors} | ${row.non2xx} | ${((row.rps / baseline) * 100).toFixed(1)}% |`);
  }
  console.log(`\nStatus codes: ${results.map((row) => `${row.name}: ${row.codes}`).join('; ')}`);
  console.log('\n| one request at a time | first ms | median ms | worst of 5 ms |');
  console.log('| --- | ---: | ---: | ---: |');
  // Another period than the load runs used, so the summary's first request is computed, not remembered.
  const other: Array<[string, string]> = [['district summary for another year (not yet computed)', '/reports/districts?from=01/01/2023&to=31/12/2023']];
  for (const [name, url] of [...pages, ...other, ['CSV export of a year (all reports of 2024)', yearCsv]] as Array<[string, string]>) {
    console.log(await single(name, `${base}${url}`, headers));
  }
  console.log(`\nServer RSS after the page runs: ${rssMb(server.pid!).toFixed(0)} MB (peak ${peakRssMb(server.pid!).toFixed(0)} MB)`);

  // Every report as CSV, streamed: time, size and the server's peak memory, on a server that has served
  // nothing else (so the figure is the export's, not what the page runs left in the heap).
  await stopServer(server);
  if (profileDir) fs.writeFileSync(path.join(profileDir, 'windows.json'), JSON.stringify(windows, null, 2));
  ({ server, base } = await start('start on the already migrated database'));
  console.log('\n| start | spawn to /healthz ms | RSS at rest after start MB |');
  console.log('| --- | ---: | ---: |');
  for (const line of starts) console.log(line);
  const fresh = await signIn(base, 'head@bench.local');
  headers.cookie = fresh.cookie;
  console.log(`Fresh server RSS before the export: ${rssMb(server.pid!).toFixed(0)} MB`);
  const exportStart = performance.now();
  const response = await fetch(`${base}/reports/records/reports.csv?from=01/01/2016&to=31/12/2026`, { headers });
  let bytes = 0;
  let maxRss = 0;
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    maxRss = Math.max(maxRss, rssMb(server.pid!));
  }
  console.log(`CSV export of all reports: ${(bytes / 2 ** 20).toFixed(0)} MB in ${((performance.now() - exportStart) / 1000).toFixed(1)} s, server RSS during it up to ${maxRss.toFixed(0)} MB`);

  // 50 connections for 30 s while /healthz is asked every half second.
  let healthFailures = 0;
  let healthChecks = 0;
  const watcher = setInterval(async () => {
    healthChecks += 1;
    try {
      if (!(await fetch(`${base}/healthz`)).ok) healthFailures += 1;
    } catch {
      healthFailures += 1;
    }
  }, 500);
  const load = await autocannon({ url: `${base}/rounds`, connections: 50, duration: 30, headers });
  clearInterval(watcher);
  console.log(`Under load (50 connections, 30 s, /rounds): ${load.requests.average.toFixed(0)} req/s, p99 ${load.latency.p99} ms, errors ${load.errors + load.timeouts}, non-2xx ${load.non2xx}; /healthz failed ${healthFailures} of ${healthChecks}`);
  console.log(`Server peak RSS: ${peakRssMb(server.pid!).toFixed(0)} MB`);
  await stopServer(server);
  await scaling();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

await main();
