// Every service under services/ refuses a bad configuration at start: exit code 78 and a message
// naming the variable, not a stack trace and not a half-started service.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverServices, repoRoot, WEB_SERVICE } from '@hub/servers';
import { EXIT_CONFIG } from '@hub/res/internal';

describe('service configuration', () => {
  it.each(discoverServices())('%s exits with a clear message on an invalid variable', (name) => {
    // A secret file every service reads: NATS_URL, or for the web app (no NATS) its issuer.
    const secret = name === WEB_SERVICE ? 'KEYCLOAK_ISSUER' : 'NATS_URL';
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'services', name, 'src', 'main.ts')], {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'loud', [`${secret}_FILE`]: '/nonexistent/secret' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(EXIT_CONFIG);
    expect(run.stderr).toContain('Invalid configuration');
    expect(run.stderr).toMatch(/LOG_LEVEL: /);
    expect(run.stderr).toContain(`${secret}_FILE: cannot read /nonexistent/secret`);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
