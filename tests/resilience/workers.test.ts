import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, freePort } from '../helpers/server.js';

/**
 * WORKERS=2: two processes serve one port on one database. The first migrates and prints the setup link (once),
 * both accept the same first-run token, a killed worker is replaced, and SIGTERM stops them all.
 */
const root = path.resolve(import.meta.dirname, '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcmbn-workers-'));
let server: ChildProcess | undefined;
let output = '';

afterAll(() => {
  server?.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}; server printed:\n${output}`);
}

/** The worker processes of the supervising process, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : [];
}

describe('WORKERS=2', () => {
  let port: number;
  beforeAll(async () => {
    buildServer();
    port = await freePort();
    server = spawn(process.execPath, [path.join(root, 'dist/src/server.js')], {
      env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', COOKIE_SECURE: 'false', LOG_LEVEL: 'info', DAILY_BACKUPS: 'false', SAMPLE_DATA: 'false', WORKERS: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (chunk) => (output += String(chunk)));
    server.stderr!.on('data', (chunk) => (output += String(chunk)));
    await waitFor('two workers', () => (/2 worker processes serving/.test(output) ? true : undefined));
  }, 60_000);

  it('serves from two processes sharing one setup link, replaces a killed one, and stops on SIGTERM', async () => {
    const base = `http://127.0.0.1:${port}`;
    const workers = await waitFor('two children', () => (childrenOf(server!.pid!).length === 2 ? childrenOf(server!.pid!) : undefined));
    expect(fs.readFileSync(path.join(dataDir, 'server.pid'), 'utf8')).toBe(String(server!.pid));

    // Printed once, and every worker accepts that token (requests are spread round-robin over the workers).
    const links = output.match(/\/setup\?token=[\w-]+/g) ?? [];
    expect(links).toHaveLength(1);
    for (let attempt = 0; attempt < 6; attempt += 1) {
      expect((await fetch(`${base}${links[0]}`)).status).toBe(200);
      expect((await fetch(`${base}/setup?token=wrong`)).status).toBe(403);
    }

    process.kill(workers[1]!, 'SIGKILL');
    const replaced = await waitFor('a replacement worker', () => {
      const now = childrenOf(server!.pid!);
      return now.length === 2 && !now.includes(workers[1]!) ? now : undefined;
    }, 20_000);
    expect(replaced).toContain(workers[0]);
    await waitFor('a healthy answer', async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined));

    server!.kill('SIGTERM');
    const code = await new Promise((resolve) => server!.once('exit', (exitCode) => resolve(exitCode)));
    expect(code).toBe(0);
    for (const pid of replaced) expect(() => process.kill(pid, 0)).toThrow();
    expect(fs.existsSync(path.join(dataDir, 'server.pid'))).toBe(false);
  }, 60_000);
});
