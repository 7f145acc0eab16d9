import { defineConfig } from 'vitest/config';

// `make test-stack` only (scripts/stack/test-stack.sh deploys the stack first): the deployed
// Swarm stack, exercised from the host. No global setup: nothing runs on local processes.
export default defineConfig({
  test: {
    include: ['tests/swarm/**/*.e2e.ts'],
    testTimeout: 15 * 60_000,
    hookTimeout: 5 * 60_000,
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    sequence: { concurrent: false },
    // The phases build on each other (a sign-in, then a customer…): stop at the first failure.
    bail: 1,
    reporters: ['default'],
  },
});
