import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: '.',
    globalSetup: ['tests/helpers/build-server.ts'],
    // Browser tests take several seconds each, longer when the machine is busy with other test files.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      // Route, service and library tests: each file has its own database, so two run at once.
      { extends: true, test: { name: 'app', include: ['tests/**/*.test.ts'], exclude: ['tests/browser/**'], maxWorkers: 2, sequence: { groupOrder: 0 } } },
      // Browser tests measure layout and wait on timers: one at a time, after the others, so no load skews them.
      { extends: true, test: { name: 'browser', include: ['tests/browser/**/*.test.ts'], maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
