import { configDefaults, defineConfig } from 'vitest/config';

// One run for the whole workspace: the global setup starts the real servers once and every test
// file shares them, each test in its own namespace (see shared/testkit).
export default defineConfig({
  test: {
    include: ['shared/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'tools/*/test/**/*.test.ts', 'tests/**/*.test.ts'],
    // Their own make targets: a whole `make up` of its own (vitest.supervision.config.ts, make test
    // runs it after this suite), the traces suite (make test-observability, bounded, in .ci/run) and
    // the fault drills (make test-faults, vitest.faults.config.ts).
    exclude: [...configDefaults.exclude, 'tests/supervision/**', 'tests/traces/**', 'tests/faults/**'],
    globalSetup: ['shared/testkit/src/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: a couple of workers keeps Keycloak and the servers responsive.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ['default'],
  },
});
