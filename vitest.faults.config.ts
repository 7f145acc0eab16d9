import { defineConfig } from 'vitest/config';

// tests/faults: the fault drills of `make test-faults` (R1–R6). Each drill starts servers and
// service processes of its own on free loopback ports (it kills and stops them), so no global
// platform; drills run one at a time (their figures are timings and memory on a 2-core machine),
// and the teardown prints one line per drill.
export default defineConfig({
  test: {
    include: ['tests/faults/**/*.test.ts'],
    globalSetup: ['tests/faults/lib/summary.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
    reporters: ['default'],
  },
});
