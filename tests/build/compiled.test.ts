/**
 * The compiled bundles (`npm run build`, what the images and `make up-prod` run) are complete:
 * each service's dist/main.js imports nothing but Node's builtins (so an image needs no
 * node_modules), starts against the real platform, serves, and shuts down cleanly on SIGTERM.
 * For the web app, buildService also builds the browser app it serves (services/web/build).
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';
import { discoverServices, ManagedProcess, serviceCommand, serviceEnv, waitUntil } from '@hub/servers';
import { hub } from '@hub/testkit';
import { buildService } from '../../scripts/build.ts';

const SERVING_TIMEOUT_MS = 30_000;

/** Module specifiers the bundle loads at run time: static and dynamic imports, and require() calls of bundled CommonJS. */
function importsOf(bundle: string): string[] {
  const text = readFileSync(bundle, 'utf8');
  return [...text.matchAll(/^import\s[^'"]*["']([^"']+)["'];?$|\bimport\(["']([^"']+)["']\)|\b__require\(["']([^"']+)["']\)/gm)]
    .map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/** Node's own modules, and pg's optional native binding, which pg loads inside a try (never installed). */
const allowed = (s: string): boolean => s.startsWith('node:') || builtinModules.includes(s) || s === 'pg-native';

describe.each(discoverServices())('the %s bundle', (name) => {
  it('imports only Node builtins, serves, and exits 0 on SIGTERM', async () => {
    const bundle = await buildService(name);
    expect(importsOf(bundle).filter((s) => !allowed(s))).toEqual([]);

    let serving = false;
    const lines: string[] = [];
    const proc = ManagedProcess.start({
      name,
      ...serviceCommand(name, 'compiled'),
      // Port 0: the test run's identity already holds the back-channel port (and a web app may hold the web one).
      env: { ...serviceEnv(hub()), NODE_ENV: 'production', BACKCHANNEL_PORT: '0', WEB_PORT: '0' },
      log: (_n, line) => {
        lines.push(line);
        if (line.includes('"msg":"serving"')) serving = true;
      },
    });
    try {
      await waitUntil(() => Promise.resolve(serving), SERVING_TIMEOUT_MS, `${name} bundle serving`, () => proc.exitReason());
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${lines.slice(-15).join('\n')}`);
    } finally {
      await proc.stop();
    }
    expect(proc.exitReason()).toBe('exited with code 0');
  });
});
