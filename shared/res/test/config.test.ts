// Configuration from the environment: NAME or NAME_FILE (Docker secrets), every problem at once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadEnv, z } from '../src/internal.ts';

const schema = z.object({
  DATABASE_URL: z.string().min(1),
  PORT: z.coerce.number().int().default(8080),
  LOG_LEVEL: z.enum(['info', 'debug']).default('info'),
});
const dir = mkdtempSync(join(tmpdir(), 'hub-config-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function problems(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadEnv(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadEnv', () => {
  it('reads variables, applies defaults and coerces', () => {
    expect(loadEnv(schema, { DATABASE_URL: 'postgres://x', PORT: '9' })).toEqual({
      DATABASE_URL: 'postgres://x',
      PORT: 9,
      LOG_LEVEL: 'info',
    });
  });

  it('reads NAME_FILE in place of NAME, dropping one trailing newline', () => {
    const secret = join(dir, 'db');
    writeFileSync(secret, 'postgres://secret\n');
    expect(loadEnv(schema, { DATABASE_URL_FILE: secret }).DATABASE_URL).toBe('postgres://secret');
  });

  it('lists every problem at once, naming each variable, without echoing values', () => {
    const p = problems({ PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(p.map((l) => l.split(':')[0])).toEqual(['DATABASE_URL', 'PORT', 'LOG_LEVEL']);
    expect(p.join('\n')).not.toContain('eighty');
  });

  it('refuses NAME and NAME_FILE together, and an unreadable file', () => {
    expect(problems({ DATABASE_URL: 'a', DATABASE_URL_FILE: join(dir, 'db') })[0]).toMatch(/both DATABASE_URL and DATABASE_URL_FILE/);
    expect(problems({ DATABASE_URL_FILE: join(dir, 'missing') })[0]).toMatch(/DATABASE_URL_FILE: cannot read .*missing \(ENOENT\)/);
  });
});
