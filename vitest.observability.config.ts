import { defineConfig } from 'vitest/config';

// `make test-observability`: traces from real service processes into Jaeger v2, on the same
// platform the test kit starts for `make test`.
export default defineConfig({
  test: {
    include: ['tests/traces/**/*.test.ts'],
    globalSetup: ['shared/testkit/src/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 1, minForks: 1 } },
    reporters: ['default'],
  },
});
