/**
 * Runs the real `hub` binary (bin/hub.js, as `npx hub` does) against the test platform: the
 * WebSocket through Traefik, as users reach it, Keycloak of the test run, and a token file of the
 * test's own. Processes still running when the test ends are stopped by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanup, hub, waitFor } from '@hub/testkit';

const BIN = fileURLToPath(new URL('../bin/hub.js', import.meta.url));
/** A command's own limit: tsx compiles on the first run, and the machine is shared. */
const RUN_TIMEOUT_MS = 60_000;

export interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface HubEnv {
  /** Token file of this "user" (a fresh temporary directory per `hubUser()`). */
  readonly tokenFile: string;
  /** Runs `hub <args>` to completion. */
  run(args: readonly string[], o?: { stdin?: string; env?: Record<string, string> }): Promise<Result>;
  /** Starts `hub <args>` and hands back the live process (watch, device login). */
  start(args: readonly string[], o?: { env?: Record<string, string> }): Running;
}

export interface Running {
  readonly proc: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the first stdout line matching; fails with what was printed. */
  line(match: (l: string) => boolean, what: string): Promise<string>;
  /** Resolves with the first stderr line matching. */
  errLine(match: (l: string) => boolean, what: string): Promise<string>;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
}

/**
 * The test's environment without the user's hub settings, and without npm's `npm_command` (set
 * when vitest runs under `npx`): the binary then speaks as an installed `hub`, whoever started
 * the tests. A test passes `npm_command: 'exec'` to play `npx hub`.
 */
function baseEnv(tokenFile: string): NodeJS.ProcessEnv {
  const { HUB_URL: _u, HUB_TOKEN: _t, HUB_PASSWORD: _p, HUB_KEYCLOAK_CLIENT: _c, npm_command: _n, ...env } = process.env;
  return { ...env, HUB_URL: hub().traefikWsUrl, HUB_KEYCLOAK_URL: hub().keycloakUrl, HUB_TOKEN_FILE: tokenFile, NO_COLOR: '1' };
}

function lines(chunks: string[]): string[] {
  return chunks
    .join('')
    .split('\n')
    .filter((l) => l !== '');
}

function launch(
  tokenFile: string,
  args: readonly string[],
  env: Record<string, string> = {},
): { proc: ChildProcess; out: string[]; err: string[]; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, [BIN, ...args], { env: { ...baseEnv(tokenFile), ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: string[] = [];
  const err: string[] = [];
  proc.stdout.setEncoding('utf8').on('data', (d: string) => out.push(d));
  proc.stderr.setEncoding('utf8').on('data', (d: string) => err.push(d));
  const exited = new Promise<number | null>((resolve) =>
    proc.on('close', (code) => {
      resolve(code);
    }),
  );
  cleanup(proc, (p) => {
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  });
  return { proc, out, err, exited };
}

const REPO = fileURLToPath(new URL('../../..', import.meta.url));

/** Runs `make <args>` in the repository, with the test platform's hub settings in the environment. */
export async function make(args: readonly string[], env: Record<string, string>): Promise<Result> {
  const proc = spawn('make', ['-s', ...args], { cwd: REPO, env: { ...baseEnv(''), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  const err: string[] = [];
  proc.stdout.setEncoding('utf8').on('data', (d: string) => out.push(d));
  proc.stderr.setEncoding('utf8').on('data', (d: string) => err.push(d));
  cleanup(proc, (p) => {
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  });
  const timer = setTimeout(() => proc.kill('SIGKILL'), RUN_TIMEOUT_MS * 3);
  const code = await new Promise<number | null>((resolve) => proc.on('close', resolve));
  clearTimeout(timer);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** A CLI user of its own: a temporary HOME for the token file, removed at test end. */
export function hubUser(): HubEnv {
  const dir = cleanup(mkdtempSync(join(tmpdir(), 'hub-cli-')), (d) => {
    rmSync(d, { recursive: true, force: true });
  });
  const tokenFile = join(dir, 'config', 'token.json');
  return {
    tokenFile,
    async run(args, o = {}) {
      const { proc, out, err, exited } = launch(tokenFile, args, o.env);
      proc.stdin?.end(o.stdin ?? '');
      const timer = setTimeout(() => proc.kill('SIGKILL'), RUN_TIMEOUT_MS);
      const code = await exited;
      clearTimeout(timer);
      return { code, stdout: out.join(''), stderr: err.join('') };
    },
    start(args, o = {}) {
      const { proc, out, err, exited } = launch(tokenFile, args, o.env);
      const find = (chunks: string[], match: (l: string) => boolean, what: string) =>
        waitFor(() => lines(chunks).find(match), `${what}; stdout: ${out.join('')} stderr: ${err.join('')}`, RUN_TIMEOUT_MS);
      return {
        proc,
        get stdout() {
          return lines(out);
        },
        get stderr() {
          return lines(err);
        },
        line: (m, what) => find(out, m, what),
        errLine: (m, what) => find(err, m, what),
        exited,
      };
    },
  };
}

/** `hub login <user>` with the dev user's password on stdin; fails the test if it does not work. */
export async function loggedIn(user: 'reader' | 'writer' | 'admin' | 'nobody'): Promise<HubEnv> {
  const h = hubUser();
  const r = await h.run(['login', user, '--password-stdin'], { stdin: `${user}-pass\n` });
  if (r.code !== 0) throw new Error(`hub login ${user} failed (${String(r.code)}): ${r.stderr}`);
  return h;
}

/** The JSON of a `--json` result. */
export function json(r: Result): unknown {
  return JSON.parse(r.stdout);
}
