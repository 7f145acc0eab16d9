/**
 * A NATS cluster of a test's own: `size` nodes on loopback ports with routes between them, each
 * killable (SIGKILL) and restartable on its ports. With the platform's server settings
 * (NATS_CONFIG: a frozen client is cut off well within an ownership lease), and JetStream when
 * asked (a clustered JetStream needs every node up for its quorum with two nodes).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, freePort, httpOk, ManagedProcess, NATS_CONFIG, waitUntil } from '@hub/servers';
import { cleanup } from './context.ts';

export interface ClusterNode {
  readonly url: string;
  readonly monitorUrl: string;
  readonly proc: () => ManagedProcess | undefined;
  kill(): Promise<void>;
  start(): Promise<void>;
}

export interface NatsCluster {
  readonly nodes: readonly ClusterNode[];
  /** Every node's URL, comma-separated (a client that may fail over). */
  readonly urls: string;
}

/**
 * Starts the cluster and resolves once every node routes to every other; stopped when the test ends.
 * @example const { nodes: [a, b] } = await privateNatsCluster({ size: 2, jetstream: true });
 */
export async function privateNatsCluster(o: { size?: number; jetstream?: boolean } = {}): Promise<NatsCluster> {
  const size = o.size ?? 3;
  const ports = await Promise.all(
    Array.from({ length: size }, async () => ({ client: await freePort(), monitor: await freePort(), route: await freePort() })),
  );
  const routes = ports.map((p) => `nats://127.0.0.1:${String(p.route)}`).join(',');
  const dir = mkdtempSync(join(tmpdir(), 'hub-cluster-'));
  const config = join(dir, 'nats.conf');
  writeFileSync(config, NATS_CONFIG);
  const nodes = ports.map((p, i): ClusterNode => {
    let proc: ManagedProcess | undefined;
    const monitorUrl = `http://127.0.0.1:${String(p.monitor)}`;
    const start = async (): Promise<void> => {
      if (proc !== undefined) return;
      const args = ['-c', config, '-a', '127.0.0.1', '-p', String(p.client), '-m', String(p.monitor), '-n', `node-${String(i)}`];
      args.push('--cluster_name', 'test', '--cluster', `nats://127.0.0.1:${String(p.route)}`, '--routes', routes);
      if (o.jetstream === true) {
        const store = join(dir, `js-${String(i)}`);
        mkdirSync(store, { recursive: true });
        args.push('-js', '-sd', store);
      }
      proc = ManagedProcess.start({ name: `nats-${String(i)}`, command: bin.nats, args, cwd: dir, log: () => undefined });
      const started = proc;
      // /healthz waits for JetStream too: with a clustered JetStream, for its meta leader (every node up).
      await waitUntil(
        () => httpOk(`${monitorUrl}/healthz`),
        30_000,
        `nats node ${String(i)}`,
        () => started.exitReason(),
      );
    };
    return {
      url: `nats://127.0.0.1:${String(p.client)}`,
      monitorUrl,
      proc: () => proc,
      start,
      kill: async () => {
        const pr = proc;
        proc = undefined;
        const pid = pr?.pid;
        if (pid !== undefined) process.kill(pid, 'SIGKILL');
        await pr?.stop();
      },
    };
  });
  cleanup(nodes, async (ns) => {
    await Promise.all(ns.map((n) => n.kill()));
    rmSync(dir, { recursive: true, force: true });
  });
  await Promise.all(nodes.map((n) => n.start()));
  await waitUntil(
    async () => {
      const counts = await Promise.all(
        nodes.map(async (n) => ((await (await fetch(`${n.monitorUrl}/routez`)).json()) as { num_routes: number }).num_routes),
      );
      return counts.every((c) => c >= size - 1);
    },
    20_000,
    'nats cluster routes',
  );
  return { nodes, urls: nodes.map((n) => n.url).join(',') };
}
