/**
 * Several customer service processes on one data scope, for the ownership tests: started as real
 * processes (crash-child.ts, the code path of main.ts), stopped by PID — gracefully (SIGTERM),
 * killed (SIGKILL) or frozen (SIGSTOP/SIGCONT).
 */
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ManagedProcess, waitUntil } from '@hub/servers';
import { cleanup, hub, type DataScope } from '@hub/testkit';
import { fnv1a } from '../../../shared/service/src/ownership.ts';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

export interface Instance {
  readonly proc: ManagedProcess;
  readonly id: string;
  readonly output: string[];
}

/** Starts one instance; resolves once it serves (its first partitions taken). */
export async function startInstance(
  scope: DataScope,
  o: { partitions?: number; natsUrl?: string; logLevel?: string } = {},
): Promise<Instance> {
  let id: string | undefined;
  const output: string[] = [];
  const proc = ManagedProcess.start({
    name: 'customer',
    command: process.execPath,
    args: ['--import', 'tsx', CHILD],
    env: {
      ...process.env,
      CUSTOMER_NAME: scope.name,
      NATS_URL: o.natsUrl ?? hub().natsUrl,
      DATABASE_URL: scope.databaseUrl,
      REDIS_URL: scope.redisUrl,
      OPS_PORT: '0',
      HUB_PARTITIONS: String(o.partitions ?? 8),
      LOG_LEVEL: o.logLevel ?? 'warn',
    },
    stopSignal: 'SIGTERM',
    log: (_, line) => {
      const m = /^READY (\S+)/.exec(line.trim());
      if (m) id = m[1];
      else output.push(line);
    },
  });
  cleanup(proc, (p) => p.stop());
  await waitUntil(
    () => Promise.resolve(id !== undefined),
    60_000,
    'customer instance',
    () => proc.exitReason() ?? undefined,
  );
  return { proc, id: id ?? '', output };
}

/** The partition leases as Postgres holds them. */
export async function leases(scope: DataScope): Promise<{ partition: number; owner: string | null; live: boolean }[]> {
  const c = new pg.Client({ connectionString: scope.databaseUrl, options: `-c search_path=${scope.schema}` });
  await c.connect();
  try {
    return (
      await c.query<{ partition: number; owner: string | null; live: boolean }>(
        'SELECT partition, owner, expires_at > clock_timestamp() AS live FROM hub_leases ORDER BY partition',
      )
    ).rows;
  } finally {
    await c.end();
  }
}

/** The instance id owning `rid` now (its lease live), if any. */
export async function ownerOfRid(scope: DataScope, rid: string, partitions = 8): Promise<string | undefined> {
  const p = fnv1a(rid) % partitions;
  const l = (await leases(scope)).find((x) => x.partition === p);
  return l?.live === true ? (l.owner ?? undefined) : undefined;
}

/** Resolves once every partition has a live owner among `ids`. */
export async function settled(scope: DataScope, ids: readonly string[]): Promise<void> {
  await waitUntil(
    async () => (await leases(scope)).every((l) => l.live && l.owner !== null && ids.includes(l.owner)),
    20_000,
    'every partition owned',
  );
}
