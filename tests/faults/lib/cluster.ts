/**
 * A 3-node NATS cluster of a drill's own (loopback routes, no JetStream: the drill's services
 * need only core NATS), each node killable and restartable on its ports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, freePort, httpOk, ManagedProcess, waitUntil } from '@hub/servers';
import { cleanup } from '@hub/testkit';

export interface ClusterNode {
  readonly url: string;
  readonly monitorUrl: string;
  readonly proc: () => ManagedProcess | undefined;
  kill(): Promise<void>;
  start(): Promise<void>;
}

export async function natsCluster(size = 3): Promise<{ readonly nodes: readonly ClusterNode[]; readonly urls: string }> {
  const ports = await Promise.all(
    Array.from({ length: size }, async () => ({ client: await freePort(), monitor: await freePort(), route: await freePort() })),
  );
  const routes = ports.map((p) => `nats://127.0.0.1:${String(p.route)}`).join(',');
  const dir = mkdtempSync(join(tmpdir(), 'hub-cluster-'));
  const nodes = ports.map((p, i): ClusterNode => {
    let proc: ManagedProcess | undefined;
    const monitorUrl = `http://127.0.0.1:${String(p.monitor)}`;
    const start = async (): Promise<void> => {
      if (proc !== undefined) return;
      const args = ['-a', '127.0.0.1', '-p', String(p.client), '-m', String(p.monitor), '-n', `drill-${String(i)}`];
      args.push('--cluster_name', 'drill', '--cluster', `nats://127.0.0.1:${String(p.route)}`, '--routes', routes);
      proc = ManagedProcess.start({ name: `nats-${String(i)}`, command: bin.nats, args, cwd: dir, log: () => undefined });
      const started = proc;
      await waitUntil(
        () => httpOk(`${monitorUrl}/healthz`),
        20_000,
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
  // Routes formed: every node sees the other two.
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
