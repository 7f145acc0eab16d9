/** One `make up` per checkout: a PID file that a second run, and `make down`, read. */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** PID of a live process recorded in `file`, or undefined (a stale file is removed). */
export function livePid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    rmSync(file, { force: true });
    return undefined;
  }
}

export function writePid(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${process.pid}\n`);
}

export function removePid(file: string): void {
  if (livePid(file) === process.pid) rmSync(file, { force: true });
}
