import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { AppConfig } from './config.js';

/** The environment a worker reads to learn its part (set by the supervising process only). */
export const WORKER_ENV = { first: 'APP_WORKER_FIRST', setupToken: 'APP_SETUP_TOKEN' } as const;

/** What a worker process is asked to do, or null in a single process. */
export function workerPart(env: NodeJS.ProcessEnv = process.env): { first: boolean; setupToken: string } | null {
  if (!cluster.isWorker) return null;
  return { first: env[WORKER_ENV.first] === '1', setupToken: env[WORKER_ENV.setupToken] ?? '' };
}

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;
let logLevel: keyof typeof LEVELS = 'info';

/** A log line in the same JSON shape as the workers' (pino) lines, at LOG_LEVEL or above. */
function log(level: 'info' | 'warn' | 'error', msg: string): void {
  const levels = LEVELS;
  if (levels[level] < levels[logLevel]) return;
  process.stdout.write(`${JSON.stringify({ level: levels[level], time: Date.now(), pid: process.pid, msg })}\n`);
}

const QUICK_EXIT_MS = 5_000;

/**
 * WORKERS > 1: this process forks the workers that serve the port (node:cluster) and replaces one that dies.
 * The first worker starts alone, because it migrates the database and loads the reference data; the others
 * follow once it listens. That first worker (or its replacement) keeps the timers (the daily backup) and prints
 * the setup link; every worker accepts the same first-run token, made here.
 */
export function superviseWorkers(config: AppConfig, pidFile: string): void {
  logLevel = config.LOG_LEVEL;
  const setupToken = randomBytes(24).toString('base64url');
  const parts = new Map<number, { first: boolean; startedAt: number; listened: boolean }>();
  let stopping = false;

  function fork(first: boolean): Worker {
    const worker = cluster.fork({ [WORKER_ENV.first]: first ? '1' : '0', [WORKER_ENV.setupToken]: setupToken });
    parts.set(worker.id, { first, startedAt: Date.now(), listened: false });
    worker.once('listening', () => {
      parts.get(worker.id)!.listened = true;
    });
    return worker;
  }

  fork(true).once('listening', () => {
    for (let index = 1; index < config.WORKERS; index += 1) fork(false);
    fs.writeFileSync(pidFile, String(process.pid));
    log('info', `${config.WORKERS} worker processes serving port ${config.PORT}`);
  });

  cluster.on('exit', (worker, code, signal) => {
    const part = parts.get(worker.id);
    parts.delete(worker.id);
    if (stopping) {
      if (parts.size === 0) finish(0);
      return;
    }
    if (!part) return;
    // A first worker that never listened (a bad setting, a port in use, a failed migration) would fail again.
    if (part.first && !part.listened) {
      log('error', `the first worker stopped before listening (code ${code ?? signal}); stopping`);
      stopping = true;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
      if (parts.size === 0) finish(1);
      return;
    }
    const wait = Date.now() - part.startedAt < QUICK_EXIT_MS ? QUICK_EXIT_MS : 0;
    log('warn', `worker ${worker.process.pid} stopped (${signal ?? `code ${code}`}); starting another${wait ? ` in ${wait / 1000} s` : ''}`);
    setTimeout(() => {
      if (!stopping) fork(part.first);
    }, wait).unref();
  });

  function finish(code: number): never {
    fs.rmSync(pidFile, { force: true });
    process.exit(code);
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log('info', `${signal} received, workers closing`);
      const running = Object.values(cluster.workers ?? {});
      if (running.length === 0) finish(0);
      for (const worker of running) worker?.process.kill('SIGTERM');
    });
  }
}
