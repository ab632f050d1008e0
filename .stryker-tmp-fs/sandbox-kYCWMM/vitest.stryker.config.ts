// @ts-nocheck
// Vitest settings for mutation testing (stryker.config.mjs); `npm test` does not use them.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    plugins: [
      {
        name: 'officeport-stryker-forks',
        // Stryker's vitest runner forces worker threads; some tests need a
        // process of their own (process.chdir), as under `npm test`.
        configureVitest({ project }) {
          project.config.pool = 'forks';
        },
      },
    ],
    test: {
      setupFiles: ['test/helpers/stryker-setup.ts'],
    },
  }),
);
