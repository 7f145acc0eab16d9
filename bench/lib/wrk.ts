/**
 * HTTP load with `wrk` (Debian package, installed by scripts/install.sh): a C load generator
 * whose own cost per request is a small fraction of what it measures, unlike a Node client
 * sharing the machine's two cores with the system under test.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { LoadResult } from './load.ts';

export interface WrkOptions {
  readonly url: string;
  readonly connections: number;
  readonly durationS: number;
  readonly threads?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A Lua script (`-s`), and arguments after `--` for its `init(args)`. */
  readonly script?: string;
  readonly scriptArgs?: readonly string[];
}

/** A wrk run: the load result plus the CPU seconds wrk itself used. */
export interface WrkResult extends LoadResult {
  readonly cpuSeconds: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** `1.23ms` → 1.23 */
function durationMs(text: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '');
  return m === null ? Number.NaN : Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN);
}

/**
 * Parses wrk's report (run with `--latency`).
 * @example parseWrk('  50%  1.20ms\n...\n  1000 requests in 3.00s, ...\nRequests/sec: 333.3\n')
 */
export function parseWrk(out: string): LoadResult {
  const requests = Number(/(\d+) requests in /.exec(out)?.[1] ?? Number.NaN);
  const took = /\d+ requests in ([\d.]+\w+)/.exec(out)?.[1];
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket === null ? 0 : socket.slice(1).reduce((n, v) => n + Number(v), 0);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  if (!Number.isFinite(requests) || !Number.isFinite(rps)) throw new Error(`unexpected wrk output:\n${out}`);
  return {
    requests, errors: non2xx + socketErrors, seconds: durationMs(took) / 1000, rps,
    p50Ms: durationMs(/^\s+50%\s+(\S+)/m.exec(out)?.[1]), p99Ms: durationMs(/^\s+99%\s+(\S+)/m.exec(out)?.[1]),
  };
}

/** CPU seconds of this process's exited and reaped children (cutime + cstime), from /proc (Linux). */
function reapedChildrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100; // USER_HZ
}

/** Runs wrk to completion. Throws if wrk is missing (with what to run) or fails. */
export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  const args = ['-t', String(o.threads ?? 2), '-c', String(o.connections), '-d', `${String(o.durationS)}s`, '--latency', '--timeout', '10s'];
  for (const [k, v] of Object.entries(o.headers ?? {})) args.push('-H', `${k}: ${v}`);
  if (o.script !== undefined) args.push('-s', o.script);
  args.push(o.url);
  if (o.scriptArgs !== undefined) args.push('--', ...o.scriptArgs);
  const cpuBefore = reapedChildrenCpuSeconds();
  const out = await new Promise<string>((resolve, reject) => {
    execFile('wrk', args, { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') reject(new Error('wrk is not installed: run `make install` (Debian package wrk)'));
      else if (err !== null) reject(new Error(`wrk failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
  return { ...parseWrk(out), cpuSeconds: reapedChildrenCpuSeconds() - cpuBefore };
}
