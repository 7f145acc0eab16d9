// The repo's Prometheus configuration, checked by promtool as Prometheus itself would read it:
// the config (with target files laid out as the launcher writes them), the alerting rules, and
// the rules' unit tests (ops/prometheus/tests).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { bin, prepareConfig, PROMETHEUS_DIR } from '@hub/servers';

const run = promisify(execFile);

async function promtool(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(bin.promtool, args, { cwd: PROMETHEUS_DIR });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

describe('promtool', () => {
  it('accepts the configuration, with the target files the launcher writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-prom-'));
    try {
      const config = prepareConfig(dir, { traefik: [{ targets: ['127.0.0.1:8001'] }], 'hub-services': [{ targets: ['127.0.0.1:9464'], labels: { service: 'customer' } }] });
      const out = await promtool('check', 'config', config);
      expect(out).toContain('SUCCESS');
      expect(out).not.toContain('WARNING');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts the alerting rules', async () => {
    const files = readdirSync(join(PROMETHEUS_DIR, 'rules')).filter((f) => f.endsWith('.yml')).map((f) => join('rules', f));
    expect(files.length).toBeGreaterThan(0);
    expect(await promtool('check', 'rules', ...files)).toMatch(/SUCCESS: 6 rules found/);
  });

  it('passes the rules\' unit tests: each alert fires when it should and not on the near misses', async () => {
    const files = readdirSync(join(PROMETHEUS_DIR, 'tests')).map((f) => join('tests', f));
    expect(await promtool('test', 'rules', ...files)).toContain('SUCCESS');
  });
});
