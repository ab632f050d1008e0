// @ts-nocheck
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // G3: a throwaway PostgreSQL server when its programs are installed (test/helpers/pg.ts)
    globalSetup: ['test/helpers/pg-global.ts'],
    reporters: ['default'],
  },
});
