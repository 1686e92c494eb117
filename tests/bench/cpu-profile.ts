/**
 * npx tsx tests/bench/cpu-profile.ts <folder> [top]
 * Summarises the server's CPU profile from `npm run bench -- --cpu-prof <folder>`: for each measurement window
 * (windows.json), where the server's time went by self time, per function and per package or source file.
 */
import fs from 'node:fs';
import path from 'node:path';

interface Profile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [folder, topArg] = process.argv.slice(2);
if (!folder) {
  console.error('usage: tsx tests/bench/cpu-profile.ts <folder> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 15);
const file = fs.readdirSync(folder).filter((name) => name.endsWith('.cpuprofile')).sort().at(-1);
if (!file) throw new Error(`no .cpuprofile in ${folder}`);
const profile = JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8')) as Profile;
const windows = JSON.parse(fs.readFileSync(path.join(folder, 'windows.json'), 'utf8')) as Array<{ name: string; startUs: number; endUs: number }>;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const root = path.resolve(import.meta.dirname, '../..');

const where = (url: string) => {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node (internal)';
  return url.replace(`file://${root}/`, '') || '(native, GC, idle)';
};
const functionOf = (id: number) => {
  const frame = nodes.get(id)!.callFrame;
  return `${frame.functionName || '(anonymous)'} ${where(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
};

function summarise(name: string, from: number, to: number): void {
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let total = 0;
  let time = profile.startTime;
  profile.samples.forEach((id, index) => {
    time += profile.timeDeltas[index] ?? 0;
    if (time < from || time > to) return;
    const spent = profile.timeDeltas[index + 1] ?? 0;
    total += spent;
    byFunction.set(functionOf(id), (byFunction.get(functionOf(id)) ?? 0) + spent);
    const place = where(nodes.get(id)!.callFrame.url);
    byPlace.set(place, (byPlace.get(place) ?? 0) + spent);
  });
  const line = ([key, us]: [string, number]) => `  ${(us / 1000).toFixed(0).padStart(7)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%  ${key}`;
  console.log(`\n## ${name}: ${(total / 1000).toFixed(0)} ms sampled`);
  console.log('by function (self time):');
  for (const entry of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(entry));
  console.log('by package or file:');
  for (const entry of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(entry));
}

for (const window of windows) summarise(window.name, window.startUs, window.endUs);
