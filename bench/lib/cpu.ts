/**
 * CPU time by process, from /proc (Linux): the load generator (this process), the benchmark's
 * children by name, and the servers by command name. On a machine where every process shares
 * two cores, "who spent the CPU per request" explains a ratio that requests per second alone
 * cannot. Servers are matched by command name, so another PostgreSQL or NATS running on the
 * machine at the same time is counted too.
 */
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux
const SERVERS = new Set(['nats-server', 'postgres', 'redis-server']);

/** CPU seconds (user + system) per group. */
export type CpuSnapshot = ReadonlyMap<string, number>;

/** `[command, cpu seconds]` of a process, or undefined if it has gone. */
function readStat(pid: string): [string, number] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // Fields after "(comm) ": utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [comm, (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S];
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used so far; NaN if it is unknown or gone. */
export function cpuSecondsOf(pid: number | undefined): number {
  return pid === undefined ? Number.NaN : (readStat(String(pid))?.[1] ?? Number.NaN);
}

/**
 * @param children benchmark child processes by name (their pid)
 * @example const before = cpuSnapshot({ service: platform.service.pid });
 */
export function cpuSnapshot(children: Readonly<Record<string, number | undefined>>): CpuSnapshot {
  const byPid = new Map(Object.entries(children).flatMap(([name, pid]) => (pid === undefined ? [] : [[String(pid), name] as const])));
  const out = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = readStat(pid);
    if (stat === undefined) continue;
    const group = Number(pid) === process.pid ? 'load' : (byPid.get(pid) ?? (SERVERS.has(stat[0]) ? stat[0] : undefined));
    if (group !== undefined) out.set(group, (out.get(group) ?? 0) + stat[1]);
  }
  return out;
}

/** CPU microseconds per operation between two snapshots, by group. */
export function cpuPerOp(before: CpuSnapshot, after: CpuSnapshot, ops: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const [group, seconds] of after) out.set(group, ((seconds - (before.get(group) ?? 0)) * 1e6) / Math.max(1, ops));
  return out;
}

/**
 * @example formatCpu(perOp) // "load:64 nats-server:53 postgres:106 service:185 total:408"
 */
export function formatCpu(perOp: ReadonlyMap<string, number>): string {
  const parts = [...perOp].filter(([, us]) => us >= 0.5).sort(([a], [b]) => a.localeCompare(b));
  const total = parts.reduce((n, [, us]) => n + us, 0);
  return [...parts.map(([g, us]) => `${g}:${us.toFixed(0)}`), `total:${total.toFixed(0)}`].join(',');
}

/** `[ppid, cpu seconds]` of every process, by pid. */
function allProcesses(): Map<number, [number, number]> {
  const out = new Map<number, [number, number]>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(pid), [Number(fields[1]), (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S]);
    } catch {
      // gone between readdir and read
    }
  }
  return out;
}

/**
 * CPU seconds per named process tree (the process and all its descendants: PostgreSQL's
 * backends, Keycloak's JVM under kc.sh), so another engineer's PostgreSQL or NATS on the same
 * machine is not counted — unlike {@link cpuSnapshot}'s match by command name. Descendants that
 * exited between two snapshots are not counted (a short-lived backend's CPU is lost).
 * @example const before = cpuOfTrees({ postgres: pgPid, resgate: resgatePid, load: process.pid });
 */
export function cpuOfTrees(roots: Readonly<Record<string, number | undefined>>): CpuSnapshot {
  const procs = allProcesses();
  const children = new Map<number, number[]>();
  for (const [pid, [ppid]] of procs) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const out = new Map<string, number>();
  for (const [name, root] of Object.entries(roots)) {
    if (root === undefined) continue;
    let seconds = 0;
    const todo = [root];
    for (let pid = todo.pop(); pid !== undefined; pid = todo.pop()) {
      seconds += procs.get(pid)?.[1] ?? 0;
      todo.push(...(children.get(pid) ?? []));
    }
    out.set(name, (out.get(name) ?? 0) + seconds);
  }
  return out;
}
