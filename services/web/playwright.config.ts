/**
 * Browser tests (`make test-web`): Debian's Chromium (never a downloaded browser) driven by
 * Playwright against the real platform that e2e/global-setup.ts starts on free ports. Artifacts —
 * screenshots of every page, traces of failures, the HTML report — go to .run/web-e2e/ (git-ignored).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

const RUN = fileURLToPath(new URL('../../.run/web-e2e/', import.meta.url));

/** Chromium from the PATH (scripts/install.sh installs Debian's `chromium`). */
function chromium(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('No chromium on the PATH. Install it with `make install-browser` (Debian: apt-get install chromium).');
  }
}

export default defineConfig({
  testDir: './e2e',
  testMatch: '*.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  outputDir: `${RUN}results`,
  // One platform, two cores, Keycloak: one browser at a time keeps timings honest.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { outputFolder: `${RUN}report`, open: 'never' }]],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: chromium(),
      // Root on CI needs --no-sandbox; the rest keeps Chromium from reaching the internet.
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-dev-shm-usage',
      ],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
  },
});
