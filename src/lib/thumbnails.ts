import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ThumbnailAnswer, ThumbnailJob } from './thumbnail.worker.js';

export interface ThumbnailOptions {
  /** Thumbnails are at most this wide (a narrower image keeps its size). */
  width: number;
  /** Refuse to decode more pixels than this. */
  maxPixels: number;
  /** The worker is stopped after this long. */
  timeoutMs?: number;
}

export type ThumbnailResult = { ok: true; thumbnail: Buffer } | { ok: false; reason: 'unreadable' | 'timeout' | 'memory' };

const DEFAULT_TIMEOUT_MS = 15_000;
/** The worker's JavaScript heap; the decoder's own memory is bounded by the pixel limit (and streams where it can). */
const WORKER_HEAP_MB = 64;
/** A worker left idle this long is stopped, giving its memory back. */
const IDLE_MS = 60_000;
/** Decoding takes a whole core: one core is always left to the event loop. */
const MAX_RUNNING = Math.max(1, os.availableParallelism() - 1);

let running = 0;
const waiting: Array<() => void> = [];
const idle: Array<{ worker: Worker; timer: NodeJS.Timeout }> = [];

async function takeTurn(): Promise<void> {
  if (running < MAX_RUNNING) {
    running += 1;
    return;
  }
  // The turn passes straight from a finishing job to a waiting one, so the count stays as it is.
  await new Promise<void>((resolve) => waiting.push(resolve));
}

function endTurn(): void {
  const next = waiting.shift();
  if (next) next();
  else running -= 1;
}

function startWorker(): Worker {
  const options = { execArgv: [], resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 } };
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./thumbnail.worker.js', here), options);
  // Run from the TypeScript sources (tsx, vitest): tsx's loader does not reach worker threads on Node 20,
  // so the worker loads its module through tsx's API.
  const entry = new URL('./thumbnail.worker.ts', here).href;
  const loader = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(here)}))`;
  return new Worker(loader, { ...options, eval: true });
}

/** An idle worker, or a new one; idle workers never keep the process alive. */
function takeWorker(): Worker {
  const ready = idle.pop();
  if (ready) {
    clearTimeout(ready.timer);
    return ready.worker;
  }
  const worker = startWorker();
  worker.unref();
  // A job's own listeners answer for what happens during it; a worker that ends between jobs leaves the pool.
  worker.on('error', () => undefined).on('exit', () => {
    const entry = idle.find((candidate) => candidate.worker === worker);
    if (entry) retire(entry);
  });
  return worker;
}

function putBack(worker: Worker): void {
  const entry = { worker, timer: setTimeout(() => retire(entry), IDLE_MS).unref() };
  idle.push(entry);
}

function retire(entry: { worker: Worker; timer: NodeJS.Timeout }): void {
  clearTimeout(entry.timer);
  const index = idle.indexOf(entry);
  if (index >= 0) idle.splice(index, 1);
  void entry.worker.terminate();
}

function run(worker: Worker, job: ThumbnailJob, timeoutMs: number): Promise<ThumbnailResult> {
  return new Promise((resolve) => {
    const finish = (result: ThumbnailResult, reusable: boolean) => {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      // A stopped or failed worker is never reused.
      if (reusable) putBack(worker);
      else void worker.terminate();
      resolve(result);
    };
    const onMessage = (answer: ThumbnailAnswer) =>
      finish(answer.ok ? { ok: true, thumbnail: Buffer.from(answer.thumbnail.buffer, answer.thumbnail.byteOffset, answer.thumbnail.byteLength) } : { ok: false, reason: 'unreadable' }, true);
    const onError = (error: Error & { code?: string }) => finish({ ok: false, reason: error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'unreadable' }, false);
    const onExit = () => finish({ ok: false, reason: 'unreadable' }, false);
    const timer = setTimeout(() => finish({ ok: false, reason: 'timeout' }, false), timeoutMs);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage(job, [job.image.buffer as ArrayBuffer]);
  });
}

/**
 * A JPEG thumbnail of an image, made in a worker thread with a time limit and a memory limit, at most one image
 * per spare core at a time (others wait their turn). Without one, the answer says why.
 */
export async function makeThumbnail(image: Buffer, options: ThumbnailOptions): Promise<ThumbnailResult> {
  await takeTurn();
  try {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const job: ThumbnailJob = {
      // A copy of the bytes moves to the worker: the caller keeps its buffer to store it.
      image: new Uint8Array(image),
      width: options.width,
      maxPixels: options.maxPixels,
      // The decoder gives up by itself at the same limit, so no work is left running once the worker is stopped.
      timeoutSeconds: Math.max(1, Math.ceil(timeoutMs / 1000)),
    };
    return await run(takeWorker(), job, timeoutMs);
  } finally {
    endTurn();
  }
}
