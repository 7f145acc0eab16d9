/**
 * What every launcher of a whole platform needs besides the servers (the test kit, benchmarks):
 * a free port for each of them, and one log file per process.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { PlatformPorts } from './platform.ts';
import { freePort } from './ports.ts';

/** Every port of a platform; `satisfies` makes a new PlatformPorts field a type error here until listed. */
const PORT_NAMES = {
  nats: true,
  natsMonitor: true,
  resgate: true,
  postgres: true,
  redis: true,
  keycloak: true,
  keycloakManagement: true,
  traefik: true,
  traefikAdmin: true,
  identityBackchannel: true,
  web: true,
} as const satisfies Record<keyof PlatformPorts, true>;

/** A free port for every server of a platform. @example await startPlatform({ ports: await freePlatformPorts(), … }) */
export async function freePlatformPorts(): Promise<PlatformPorts> {
  const names = Object.keys(PORT_NAMES) as (keyof PlatformPorts)[];
  const ports = await Promise.all(names.map(() => freePort()));
  return Object.fromEntries(names.map((n, i) => [n, ports[i]])) as unknown as PlatformPorts;
}

/** A log sink writing `<dir>/<name>.log` per process (appending), and its close. @example const logs = logFiles('.run/x/logs'); */
export function logFiles(dir: string): { log: (name: string, line: string) => void; close: () => void } {
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, WriteStream>();
  return {
    log: (name, line) => {
      let f = files.get(name);
      if (f === undefined) {
        f = createWriteStream(join(dir, `${name}.log`), { flags: 'a' });
        files.set(name, f);
      }
      f.write(`${line}\n`);
    },
    close: () => {
      for (const f of files.values()) f.end();
    },
  };
}
