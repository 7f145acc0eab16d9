/**
 * Readiness: named async checks, each bounded by a timeout, run together. A check passes when
 * it resolves to anything but `false`; it fails when it throws (the error's message says why),
 * resolves to `false`, or outlives its timeout (its AbortSignal is aborted then).
 */
import { withTimeout } from './timeout.ts';

/** How long one check may take before it counts as failed. @example startOpsServer({ ..., checkTimeoutMs: CHECK_TIMEOUT_MS }) */
export const CHECK_TIMEOUT_MS = 2000;

/**
 * One readiness check. `signal` aborts when the check timed out.
 * @example const postgres: ReadinessCheck = () => pool.query('SELECT 1');
 */
export type ReadinessCheck = (signal: AbortSignal) => unknown;

/** Named checks, e.g. `{ nats, postgres, cache, migrations, partitions }`. */
export type ReadinessChecks = Readonly<Record<string, ReadinessCheck>>;

/** One check's result: `error` says why it failed. */
export interface CheckResult {
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
}

/** Every check's result; `ready` when all passed (and when there are none). */
export interface Readiness {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, CheckResult>>;
}

/**
 * Runs every check at once, each bounded by `timeoutMs`.
 * @example const r = await runChecks({ postgres: () => pool.query('SELECT 1') }); r.ready
 */
export async function runChecks(checks: ReadinessChecks, timeoutMs = CHECK_TIMEOUT_MS): Promise<Readiness> {
  const entries = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await runCheck(name, check, timeoutMs)] as const));
  return { ready: entries.every(([, r]) => r.ok), checks: Object.fromEntries(entries) };
}

async function runCheck(name: string, check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const t0 = performance.now();
  const abort = new AbortController();
  const ms = () => Math.round((performance.now() - t0) * 10) / 10;
  try {
    // A check that throws synchronously fails like one that rejects.
    const value = await withTimeout(Promise.resolve().then(() => check(abort.signal)), timeoutMs, name, () => { abort.abort(); });
    return value === false ? { ok: false, ms: ms(), error: `${name} reported not ready` } : { ok: true, ms: ms() };
  } catch (err) {
    return { ok: false, ms: ms(), error: reason(err) };
  }
}

/** A failure's reason: the message, else the code (`ECONNREFUSED` arrives as an AggregateError with no message). */
function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  if (err.message !== '') return err.message;
  return typeof code === 'string' ? code : err.name;
}
