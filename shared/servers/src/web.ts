/**
 * The web app (services/web) is a SvelteKit build served by its own main.ts. `buildWebApp` builds
 * it when its sources changed since the last build (a hash of them is kept in the build), so
 * `make up`, the browser tests and the benchmark all serve what is in the tree. Concurrent callers
 * in one checkout take turns (a lock directory); the new build replaces the old one in one rename.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { repoRoot } from './paths.ts';
import type { LogSink } from './process.ts';

export const WEB_DIR = join(repoRoot, 'services', 'web');
const BUILD_DIR = join(WEB_DIR, 'build');
const HASH_FILE = '.source-hash';
const LOCK_DIR = join(WEB_DIR, '.build.lock');
/** How long a caller waits for another one's build before giving up. */
const LOCK_WAIT_MS = 10 * 60_000;
const INPUTS = ['app', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'];

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((n) => files(join(path, n)));
}

/** A hash of everything the build reads: the app's sources and the locked dependency versions. */
export function webSourceHash(): string {
  const h = createHash('sha256');
  for (const f of [...INPUTS.flatMap((i) => files(join(WEB_DIR, i))), join(repoRoot, 'package-lock.json')]) {
    h.update(relative(repoRoot, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  return h.digest('hex');
}

function upToDate(hash: string): boolean {
  const file = join(BUILD_DIR, HASH_FILE);
  return existsSync(join(BUILD_DIR, 'handler.js')) && existsSync(file) && readFileSync(file, 'utf8').trim() === hash;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function lock(progress: (m: string) => void): Promise<() => void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let said = false;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
      return () => { rmSync(LOCK_DIR, { recursive: true, force: true }); };
    } catch {
      const pid = Number(existsSync(join(LOCK_DIR, 'pid')) ? readFileSync(join(LOCK_DIR, 'pid'), 'utf8') : '0');
      if (pid > 0 && !alive(pid)) rmSync(LOCK_DIR, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`another build of the web app (pid ${String(pid)}) holds ${LOCK_DIR}; remove it if that process is gone`);
      if (!said) progress('web app: waiting for another build in this checkout…');
      said = true;
      await delay(250);
    }
  }
}

function vite(out: string, log: LogSink): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
      cwd: WEB_DIR, env: { ...process.env, WEB_BUILD_OUT: out }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const s of [child.stdout, child.stderr]) s.on('data', (b: Buffer) => { for (const l of b.toString().split('\n')) if (l.trim() !== '') log('web-build', l); });
    child.once('error', reject);
    child.once('exit', (code) => { if (code === 0) resolve(); else reject(new Error(`vite build exited with code ${String(code)}; see the web-build log lines`)); });
  });
}

/**
 * Builds services/web into services/web/build unless the build matches the sources.
 * @example await buildWebApp({ log, progress: say });
 */
export async function buildWebApp(o: { log: LogSink; progress?: (message: string) => void }): Promise<void> {
  const progress = o.progress ?? (() => undefined);
  const hash = webSourceHash();
  if (upToDate(hash)) {
    progress('web app: build is up to date');
    return;
  }
  const unlock = await lock(progress);
  try {
    if (upToDate(hash)) return; // built by the caller we waited for
    progress('web app: building (vite build, about a minute on two cores)…');
    const t0 = Date.now();
    const out = `build.tmp-${String(process.pid)}`;
    rmSync(join(WEB_DIR, out), { recursive: true, force: true });
    await vite(out, o.log);
    writeFileSync(join(WEB_DIR, out, HASH_FILE), `${hash}\n`);
    const old = join(WEB_DIR, `build.old-${String(process.pid)}`);
    if (existsSync(BUILD_DIR)) renameSync(BUILD_DIR, old);
    renameSync(join(WEB_DIR, out), BUILD_DIR);
    rmSync(old, { recursive: true, force: true });
    progress(`web app: built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    unlock();
  }
}
