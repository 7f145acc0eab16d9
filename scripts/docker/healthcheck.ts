/**
 * The images' HEALTHCHECK (bundled to dist/tools/healthcheck.js; plain Node, so images need no
 * curl): exit 0 when the service answers `GET /readyz` on its ops port (env OPS_PORT, default
 * 9400) with 2xx, 1 otherwise. Ready, not just alive: Swarm's start-first rolling update waits for
 * "healthy" before it stops the old task, and `make test-stack` waits for it before testing.
 *
 * Transitional (remove once every service serves the ops port through shared/telemetry): when
 * nothing listens on the ops port at all, the probe falls back to "this container holds an
 * established TCP connection to a NATS port" (from NATS_URL), read from /proc/net/tcp{,6} of the
 * container's own network namespace — a service that lost NATS, or never got to it, is unhealthy.
 */
import { readFileSync } from 'node:fs';

const OPS_PORT = Number(process.env.OPS_PORT ?? 9400);
const PROBE_TIMEOUT_MS = 2500;
const TCP_ESTABLISHED = '01';

/** Remote ports a NATS_URL names (default 4222). */
export function natsPorts(natsUrl: string | undefined): Set<number> {
  const urls = (natsUrl ?? 'nats://127.0.0.1:4222').split(',').filter((u) => u.trim() !== '');
  return new Set(urls.map((u) => Number(new URL(u.trim()).port || 4222)));
}

/** True if a /proc/net/tcp table lists an established connection to one of `ports`. */
export function establishedTo(table: string, ports: ReadonlySet<number>): boolean {
  return table.split('\n').slice(1).some((line) => {
    const cols = line.trim().split(/\s+/);
    const remotePort = Number.parseInt(cols[2]?.split(':')[1] ?? '', 16);
    return cols[3] === TCP_ESTABLISHED && ports.has(remotePort);
  });
}

function natsConnected(): boolean {
  const ports = natsPorts(process.env.NATS_URL);
  return ['/proc/net/tcp', '/proc/net/tcp6'].some((f) => {
    try {
      return establishedTo(readFileSync(f, 'utf8'), ports);
    } catch {
      return false;
    }
  });
}

function refused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code === 'ECONNREFUSED';
}

async function probe(): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${String(OPS_PORT)}/readyz`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    process.stdout.write(`readyz ${String(res.status)}\n`);
    return res.ok ? 0 : 1;
  } catch (err) {
    if (!refused(err)) {
      process.stdout.write(`readyz failed: ${(err as Error).message}\n`);
      return 1;
    }
    const ok = natsConnected();
    process.stdout.write(`no ops endpoint on port ${String(OPS_PORT)}; NATS connection ${ok ? 'established' : 'missing'}\n`);
    return ok ? 0 : 1;
  }
}

if (process.argv[1]?.endsWith('healthcheck.js') === true) process.exit(await probe());
