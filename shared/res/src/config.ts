/**
 * A service's configuration from its environment, validated once at start.
 *
 * Contract: every variable `NAME` may instead be given as `NAME_FILE`, the path of a file holding
 * the value (how Docker secrets arrive; one trailing newline is dropped). Setting both is an
 * error, as is an unreadable file. Every problem is reported at once, naming the variable, so a
 * misconfigured service says what to fix instead of failing later on first use.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';

/** Exit code for a configuration error (sysexits EX_CONFIG). */
export const EXIT_CONFIG = 78;

/** Every configuration problem, one line each. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Set these environment variables (or NAME_FILE with the path of a file holding the value, e.g. a Docker secret) and start again.',
    );
    this.name = 'ConfigError';
  }
}

/** Resolves `NAME_FILE` into `NAME` for the schema's keys; collects problems. */
function withFiles(keys: readonly string[], env: NodeJS.ProcessEnv, problems: string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const key of keys) {
    const path = env[`${key}_FILE`];
    if (path === undefined || path === '') {
      out[key] = env[key];
      continue;
    }
    if (env[key] !== undefined && env[key] !== '') {
      problems.push(`${key}: both ${key} and ${key}_FILE are set; keep one`);
      continue;
    }
    try {
      out[key] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      problems.push(`${key}_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  return out;
}

/**
 * Reads and validates the configuration; throws {@link ConfigError} listing every problem.
 * Values never appear in the message (they may be secrets).
 * @example const config = loadEnv(z.object({ NATS_URL: z.string().default('nats://127.0.0.1:4222') }));
 */
export function loadEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const problems: string[] = [];
  const raw = withFiles(Object.keys(schema.shape), env, problems);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}

/**
 * For a service's entry point: {@link loadEnv}, or print the problems and exit with
 * {@link EXIT_CONFIG} (no stack trace: the message is the whole story).
 * @example const config = configOrExit(schema);
 */
export function configOrExit<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  try {
    return loadEnv(schema, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}
