import { defineConfig } from 'vitest/config';

// tests/supervision: a whole `make up` (scripts/up.ts) of its own on free ports, which it kills
// servers of. It needs none of the shared test platform, so no global setup; `make test` runs it
// after the main suite, when the machine is not also starting and serving that suite.
export default defineConfig({
  test: {
    include: ['tests/supervision/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 480_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
