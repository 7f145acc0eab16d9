// After a NATS reconnect the service sends system.reset: events published while it was
// disconnected may be lost, so gateways must fetch again. Proven on a private two-server NATS
// cluster (the shared server cannot be restarted under other tests): the service loses its
// server and reconnects to the other one, where an observer waits for the reset.
import { describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { bin, freePort, httpOk, ManagedProcess, waitUntil } from '@hub/servers';
import { cleanup, nextEvent, waitFor } from '@hub/testkit';
import { defineResource, model } from '../../src/internal.ts';
import { startService } from './fixture.ts';

interface Node {
  readonly url: string;
  readonly port: number;
  readonly proc: ManagedProcess;
}

/** Starts a two-server cluster (own ports) and resolves once both have their route up. */
async function startCluster(): Promise<[Node, Node]> {
  // Six distinct ports: the kernel may hand the same free port out twice in a row.
  const ports = new Set<number>();
  while (ports.size < 6) ports.add(await freePort());
  const [p1 = 0, p2 = 0, c1 = 0, c2 = 0, m1 = 0, m2 = 0] = [...ports];
  const spec = (port: number, cluster: number, route: number, monitor: number) =>
    ManagedProcess.start({
      name: `nats-${port}`,
      command: bin.nats,
      log: () => undefined,
      args: [
        '-a',
        '127.0.0.1',
        '-p',
        String(port),
        '-m',
        String(monitor),
        '--cluster_name',
        'rt',
        '--cluster',
        `nats://127.0.0.1:${cluster}`,
        '--routes',
        `nats://127.0.0.1:${route}`,
      ],
    });
  const nodes: [Node, Node] = [
    { url: `nats://127.0.0.1:${p1}`, port: p1, proc: cleanup(spec(p1, c1, c2, m1), (p) => p.stop()) },
    { url: `nats://127.0.0.1:${p2}`, port: p2, proc: cleanup(spec(p2, c2, c1, m2), (p) => p.stop()) },
  ];
  const routed = async (m: number): Promise<boolean> => {
    if (!(await httpOk(`http://127.0.0.1:${m}/healthz`))) return false;
    const r = await fetch(`http://127.0.0.1:${m}/routez`, { signal: AbortSignal.timeout(2000) });
    return ((await r.json()) as { num_routes: number }).num_routes > 0;
  };
  // A node that exited (e.g. a port taken meanwhile) fails the wait at once, saying why.
  const dead = (): string | undefined => nodes[0].proc.exitReason() ?? nodes[1].proc.exitReason();
  await waitUntil(async () => (await routed(m1)) && (await routed(m2)), 20_000, 'the NATS cluster', dead);
  return nodes;
}

describe('reconnect', () => {
  it('sends system.reset for its patterns after reconnecting to NATS', async () => {
    // The observer sits on the other server and never disconnects, so it sees the reset for sure.
    const [n1, n2] = await startCluster();
    const item = defineResource({ pattern: 'item.$id', access: () => true, get: () => model({ a: 1 }) });
    const service = await startService([item], { nats: { servers: [n1.url, n2.url] } });
    const onPort = Number(new URL(`nats://${service.connection.getServer()}`).port);
    const [lost, kept] = onPort === n1.port ? [n1, n2] : [n2, n1];
    const observer: NatsConnection = cleanup(await connect({ servers: kept.url, maxReconnectAttempts: 0 }), (c) => c.close());
    const resets: string[] = [];
    observer.subscribe('system.reset', {
      callback: (_e, msg) => {
        resets.push(msg.string());
      },
    });
    await observer.flush();
    const reconnected = nextEvent(statusEmitter(service.connection), 'reconnect', () => true, 20_000);
    await lost.proc.stop();
    await reconnected;
    await waitFor(() => resets.length > 0, 'system.reset after the reconnect', 20_000);
    expect(JSON.parse(resets[0] ?? '')).toEqual({ resources: [`${service.name}.item.*`], access: [`${service.name}.item.*`] });
    expect(Number(new URL(`nats://${service.connection.getServer()}`).port)).toBe(kept.port);
  });
});

/** Adapts nats.js's status iterator to the emitter shape `nextEvent` takes. */
function statusEmitter(nc: NatsConnection) {
  const listeners = new Map<string, Set<(d: unknown) => void>>();
  void (async () => {
    for await (const s of nc.status()) for (const cb of listeners.get(s.type) ?? []) cb(s);
  })();
  return {
    on: (event: string, cb: (d: unknown) => void) => {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(cb);
    },
    off: (event: string, cb: (d: unknown) => void) => {
      listeners.get(event)?.delete(cb);
    },
  };
}
