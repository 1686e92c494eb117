import { buildServer } from './server.js';

/** Vitest's global setup: the tests that start the real server run the build, made once before any test file. */
export function setup(): void {
  buildServer();
}
