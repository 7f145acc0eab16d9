/** `make down`: stops a `make up` running in another terminal, by the PID it recorded. */
import { setTimeout as delay } from 'node:timers/promises';
import { livePid } from './lib/lock.ts';
import { PID_FILE } from './lib/config.ts';

const WAIT_MS = 60_000;

const pid = livePid(PID_FILE);
if (pid === undefined) {
  process.stdout.write('Service Hub is not running here (no live .run/up/up.pid).\n');
} else {
  process.stdout.write(`Stopping Service Hub (pid ${pid})…\n`);
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + WAIT_MS;
  while (livePid(PID_FILE) !== undefined && Date.now() < deadline) await delay(200);
  process.stdout.write(livePid(PID_FILE) === undefined ? 'Stopped.\n' : `Still running after ${WAIT_MS / 1000} s; see .run/up/logs.\n`);
}
