/**
 * A test run killed hard (SIGKILL, a closed terminal) cannot stop its servers. Each run records
 * its owner PID and its servers' process groups; the next run stops the leftovers of dead owners
 * (by PID, checking the PID still runs one of our binaries) and removes their directories.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OWNER = 'owner.pid';
const GROUPS = 'groups.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function ours(pid: number, runDir: string, markers: readonly string[]): boolean {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes(runDir) || markers.some((m) => cmd.includes(m));
  } catch {
    return false;
  }
}

/** Records this run's owner and server process groups. */
export function recordRun(runDir: string, groups: readonly (number | undefined)[]): void {
  writeFileSync(join(runDir, OWNER), `${process.pid}\n`);
  writeFileSync(join(runDir, GROUPS), groups.filter((g) => g !== undefined).join('\n'));
}

/** Stops and removes the servers of earlier runs whose owner process is gone. */
export function sweepDeadRuns(parent: string, prefix: string, markers: readonly string[]): void {
  if (!existsSync(parent)) return;
  for (const entry of readdirSync(parent).filter((e) => e.startsWith(prefix))) {
    const dir = join(parent, entry);
    const ownerFile = join(dir, OWNER);
    if (!existsSync(ownerFile)) continue;
    if (alive(Number(readFileSync(ownerFile, 'utf8').trim()))) continue;
    const groupsFile = join(dir, GROUPS);
    const groups = existsSync(groupsFile) ? readFileSync(groupsFile, 'utf8').split('\n').map(Number).filter((n) => n > 0) : [];
    for (const g of groups) {
      if (alive(g) && ours(g, dir, markers)) {
        try {
          process.kill(-g, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
