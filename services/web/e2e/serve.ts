/**
 * For working on the browser tests: starts the e2e platform once and prints the variables that
 * make `npx playwright test` use it (instead of starting its own each run). Ctrl-C stops it.
 *   node --import tsx e2e/serve.ts > /tmp/e2e.env & … ; set -a; . /tmp/e2e.env; npx playwright test
 */
import globalSetup from './global-setup.ts';

const stop = await globalSetup();
const names = Object.keys(process.env).filter((k) => k.startsWith('HUB_TEST_') || k === 'HUB_E2E_CONTROL_URL');
process.stdout.write(`${names.map((k) => `${k}=${process.env[k] ?? ''}`).join('\n')}\n`);
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    void stop().then(() => process.exit(0));
  });
