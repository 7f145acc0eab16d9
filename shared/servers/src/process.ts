/**
 * Child processes we own: started in their own process group, logged line by line with their
 * name, stopped by PID (never by name), optionally supervised: restarted with capped exponential
 * backoff when they die on their own, and given up on (loudly) when they keep dying.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';

/** Receives every output line of every process, tagged with the process name. */
export type LogSink = (name: string, line: string) => void;

/** Default grace period between the stop signal and SIGKILL. */
export const STOP_TIMEOUT_MS = 10_000;
/** First delay before restarting a supervised process that exited on its own; doubles up to the max. */
export const RESTART_DELAY_MS = 250;
export const RESTART_DELAY_MAX_MS = 4_000;
/** A run this long counts as healthy and resets the restart backoff. */
export const HEALTHY_RUN_MS = 10_000;
/** How long a restart waits for the dead process's group (children of a wrapper, orphaned backends) to be gone. */
const GROUP_GONE_TIMEOUT_MS = 5_000;

/**
 * How a supervised process is restarted. `restart: true` is the policy with every default:
 * backoff from RESTART_DELAY_MS to RESTART_DELAY_MAX_MS, never giving up.
 */
export interface RestartPolicy {
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A run at least this long resets the backoff (default HEALTHY_RUN_MS). */
  healthyRunMs?: number;
  /** Give up once the process was restarted `restarts` times within the last `windowMs`. */
  giveUpAfter?: { restarts: number; windowMs: number };
  /** What the give-up line tells the reader to do next, e.g. which log to read. */
  advice?: (name: string) => string;
  /** Called once, after the give-up line is logged (make up stops everything and exits 1). */
  onGiveUp?: (name: string, reason: string) => void;
}

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this user (we are root on CI; PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
  /** Signal for a clean stop (PostgreSQL wants SIGINT for a fast shutdown). */
  stopSignal?: NodeJS.Signals;
  stopTimeoutMs?: number;
  /** Restart when the process exits without being asked to (Resgate exits when NATS goes away). */
  restart?: boolean | RestartPolicy;
  /** Runs before each restart, once the old process group is gone (e.g. clear a stale lock file). */
  beforeRestart?: () => Promise<void> | void;
  log: LogSink;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * A running process. `stop()` signals the whole process group (wrapper scripts such as
 * Keycloak's kc.sh fork the real server) and resolves once it has exited.
 * @example const p = ManagedProcess.start({ name: 'redis', command: 'redis-server', args: [], log });
 */
export class ManagedProcess {
  /** Every process not yet stopped, for stopAll(). */
  static readonly #live = new Set<ManagedProcess>();
  static #closed = false;
  #child: ChildProcess;
  #stopping = false;
  #policy: RestartPolicy | undefined;

  /** True once stop() was called (a getter, so checks after an await are not narrowed away). */
  get stopping(): boolean {
    return this.#stopping;
  }
  #exit: string | undefined;
  #exited!: Promise<void>;
  #restarts = 0;
  /** When each restart happened, for the give-up window. */
  #restartTimes: number[] = [];
  /** Restarts since the last healthy run: the backoff's exponent. */
  #streak = 0;
  #startedAt = Date.now();
  #gaveUp: string | undefined;

  private constructor(readonly spec: ProcessSpec) {
    this.#policy = spec.restart === true ? {} : spec.restart === false ? undefined : spec.restart;
    this.#child = this.#spawn();
  }

  static start(spec: ProcessSpec): ManagedProcess {
    if (ManagedProcess.#closed) throw new Error(`not starting ${spec.name}: shutting down`);
    const proc = new ManagedProcess(spec);
    ManagedProcess.#live.add(proc);
    return proc;
  }

  /**
   * Stops every process this Node process started and refuses new ones: `make up` interrupted
   * while servers are still starting stops those already running and the starts still to come.
   */
  static async stopAll(): Promise<void> {
    ManagedProcess.#closed = true;
    await Promise.all([...ManagedProcess.#live].map((p) => p.stop()));
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** How many times the supervisor restarted the process. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Undefined while running (or being restarted); otherwise how it exited, or why it was given up on. */
  exitReason(): string | undefined {
    if (this.#gaveUp !== undefined) return this.#gaveUp;
    return this.#policy !== undefined && !this.#stopping ? undefined : this.#exit;
  }

  /**
   * Supervises from now on with `policy` (replacing the one given at start). Launchers start
   * servers unsupervised so a bad start fails at once with its real exit; the platform arms
   * supervision once a server is ready. A process that already died is restarted now.
   */
  supervise(policy: RestartPolicy): void {
    this.#policy = policy;
    const dead = this.#child.exitCode !== null || this.#child.signalCode !== null;
    if (dead && !this.#stopping && this.#gaveUp === undefined) void this.#restart();
  }

  #spawn(): ChildProcess {
    const { spec } = this;
    this.#exit = undefined;
    this.#startedAt = Date.now();
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(spec.uid === undefined ? {} : { uid: spec.uid, gid: spec.gid }),
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => { spec.log(spec.name, line); });
    }
    this.#exited = new Promise((resolve) => {
      child.once('error', (err) => {
        this.#exit = `failed to start ${spec.command}: ${err.message}`;
        resolve();
      });
      child.once('exit', (code, signal) => {
        this.#exit = `exited with ${signal === null ? `code ${code ?? '?'}` : `signal ${signal}`}`;
        resolve();
      });
    });
    void this.#exited.then(async () => {
      if (this.#policy === undefined) this.#logExit();
      else await this.#restart();
    });
    return child;
  }

  #logExit(): void {
    if (!this.#stopping) this.spec.log(this.spec.name, `process ${this.#exit ?? 'exited'}`);
  }

  /** One line per restart: what exited, how, after how long, which restart and after what delay. */
  async #restart(): Promise<void> {
    const policy = this.#policy;
    if (this.#stopping || policy === undefined) return;
    const { name } = this.spec;
    const ran = Date.now() - this.#startedAt;
    const how = `${this.#exit ?? 'exited'} after ${seconds(ran)}`;
    if (this.#shouldGiveUp(policy)) {
      this.#giveUp(policy, how);
      return;
    }
    // The first restart waits the initial delay; each further one doubles it, until a run lasts
    // long enough to count as healthy again.
    if (ran >= (policy.healthyRunMs ?? HEALTHY_RUN_MS)) this.#streak = 0;
    const wait = Math.min((policy.initialDelayMs ?? RESTART_DELAY_MS) * 2 ** this.#streak, policy.maxDelayMs ?? RESTART_DELAY_MAX_MS);
    this.#streak += 1;
    this.#restarts += 1;
    this.#restartTimes.push(Date.now());
    this.spec.log(name, `${name} ${how}; restart #${this.#restarts} in ${Math.round(wait)} ms`);
    await delay(wait);
    const old = this.#child.pid;
    if (old !== undefined) await killGroup(old);
    try {
      await this.spec.beforeRestart?.();
    } catch (err) {
      this.spec.log(name, `preparing the restart failed: ${(err as Error).message}`);
    }
    if (this.stopping) return; // stop() may have been called meanwhile
    this.#child = this.#spawn();
  }

  #shouldGiveUp(policy: RestartPolicy): boolean {
    const limit = policy.giveUpAfter;
    if (limit === undefined) return false;
    const since = Date.now() - limit.windowMs;
    this.#restartTimes = this.#restartTimes.filter((t) => t > since);
    return this.#restartTimes.length >= limit.restarts;
  }

  /** The loud line: names the process, how often it failed, how it last exited, and what to do. */
  #giveUp(policy: RestartPolicy, how: string): void {
    const { name } = this.spec;
    const limit = policy.giveUpAfter ?? { restarts: 0, windowMs: 0 };
    const reason = `${limit.restarts} restarts within ${seconds(limit.windowMs)} did not hold; it last ${how}`;
    this.#gaveUp = `gave up: ${reason}`;
    const advice = policy.advice?.(name);
    this.spec.log(name, `GAVE UP on ${name}: ${reason}.${advice === undefined ? '' : ` ${advice}`}`);
    policy.onGiveUp?.(name, reason);
  }

  /** Sends the stop signal to the process group, escalating to SIGKILL after the grace period. */
  async stop(): Promise<void> {
    this.#stopping = true;
    ManagedProcess.#live.delete(this);
    const pid = this.#child.pid;
    if (pid === undefined || this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    signalGroup(pid, this.spec.stopSignal ?? 'SIGTERM');
    const timeout = delay(this.spec.stopTimeoutMs ?? STOP_TIMEOUT_MS).then(() => 'timeout' as const);
    if ((await Promise.race([this.#exited, timeout])) === 'timeout') {
      signalGroup(pid, 'SIGKILL');
      await this.#exited;
    }
    // Wrapper scripts may leave grandchildren behind; make sure the group is gone.
    signalGroup(pid, 'SIGKILL');
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is already gone.
  }
}

/**
 * Kills what is left of a dead process's group and waits until it is gone: a restarted server
 * must not meet its predecessor's children (Keycloak's JVM under kc.sh holding the port, a killed
 * postmaster's backends still attached to its shared memory). The group ID is the dead leader's
 * PID, which the kernel does not hand out again while the group has members.
 */
async function killGroup(pid: number): Promise<void> {
  const deadline = Date.now() + GROUP_GONE_TIMEOUT_MS;
  while (signalGroup(pid, 'SIGKILL') && Date.now() < deadline) await delay(20);
}
