/**
 * Child processes we own: started in their own process group, logged line by line with their
 * name, stopped by PID (never by name), optionally restarted when they die on their own.
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
const HEALTHY_RUN_MS = 10_000;

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
  restart?: boolean;
  log: LogSink;
}

/**
 * A running process. `stop()` signals the whole process group (wrapper scripts such as
 * Keycloak's kc.sh fork the real server) and resolves once it has exited.
 * @example const p = ManagedProcess.start({ name: 'redis', command: 'redis-server', args: [], log });
 */
export class ManagedProcess {
  #child: ChildProcess;
  #stopping = false;

  /** True once stop() was called (a getter, so checks after an await are not narrowed away). */
  get stopping(): boolean {
    return this.#stopping;
  }
  #exit: string | undefined;
  #exited!: Promise<void>;
  #restarts = 0;
  #fastExits = 0;
  #startedAt = Date.now();

  private constructor(readonly spec: ProcessSpec) {
    this.#child = this.#spawn();
  }

  static start(spec: ProcessSpec): ManagedProcess {
    return new ManagedProcess(spec);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** How many times the supervisor restarted the process. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Undefined while running; otherwise a description of how it exited (for readiness errors). */
  exitReason(): string | undefined {
    return this.spec.restart === true && !this.#stopping ? undefined : this.#exit;
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
        this.#exit = `exited with ${signal ?? `code ${code ?? '?'}`}`;
        resolve();
      });
    });
    void this.#exited.then(() => this.#onExit());
    return child;
  }

  async #onExit(): Promise<void> {
    if (this.#stopping) return;
    this.spec.log(this.spec.name, `process ${this.#exit ?? 'exited'}`);
    if (this.spec.restart !== true) return;
    this.#fastExits = Date.now() - this.#startedAt > HEALTHY_RUN_MS ? 0 : this.#fastExits + 1;
    await delay(Math.min(RESTART_DELAY_MS * 2 ** this.#fastExits, RESTART_DELAY_MAX_MS));
    if (this.stopping) return; // stop() may have been called during the delay
    this.#restarts += 1;
    this.spec.log(this.spec.name, `restarting (restart #${this.#restarts})`);
    this.#child = this.#spawn();
  }

  /** Sends the stop signal to the process group, escalating to SIGKILL after the grace period. */
  async stop(): Promise<void> {
    this.#stopping = true;
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

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}
