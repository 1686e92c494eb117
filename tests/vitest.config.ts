import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: '.',
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/build-server.ts'],
    // Browser tests take several seconds each, longer when the machine is busy with other test files.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
