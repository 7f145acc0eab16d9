/**
 * What the customer benchmarks need: NATS (JetStream), PostgreSQL and Redis on free ports, the
 * customer service in child processes (one or several instances, under the default name or
 * another, each name its own schema), and `CUSTOMERS` seeded customers (ids 1..CUSTOMERS).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort, startNats, startPostgres, startRedis, type RunningServer } from '@hub/servers';
import { startChild, type Child } from './lib/child.ts';

export const CUSTOMERS = 1000;

/** Inserts customers 1..CUSTOMERS into the (migrated, empty) schema of the service `schema`. */
export async function seedCustomers(databaseUrl: string, schema = 'customer'): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO customers (name, email, company, tags) SELECT 'Customer ' || i, 'c' || i || '@bench.test', 'Acme ' || (i % 10), ARRAY['t' || (i % 5)] FROM generate_series(1, $1::int) AS i`,
      [CUSTOMERS],
    );
  } finally {
    await client.end();
  }
}

/** NATS, PostgreSQL and Redis of one benchmark run. */
export interface Servers {
  readonly natsUrl: string;
  readonly natsMonitorUrl: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** Process ids of the servers (for CPU by process tree). */
  readonly pids: Readonly<Record<'nats' | 'postgres' | 'redis', number | undefined>>;
  stop(): Promise<void>;
}

export async function startServers(): Promise<Servers> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-customer-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when we are root: it must traverse
  const log = () => undefined;
  const monitorPort = await freePort();
  const settled = await Promise.allSettled([
    startNats({ port: await freePort(), monitorPort, dataDir: join(dir, 'nats'), log }),
    startPostgres({ port: await freePort(), dataDir: join(dir, 'pg'), fast: true, log }),
    startRedis({ port: await freePort(), dataDir: dir, log }),
  ]);
  const servers: RunningServer[] = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed || servers.length !== 3) {
    // Stop what did start, so a failed run leaves no server behind.
    await stop();
    throw failed?.reason ?? new Error('a server did not start');
  }
  const [nats, postgres, redis] = servers as [RunningServer, RunningServer, RunningServer];
  return {
    natsUrl: nats.url,
    natsMonitorUrl: `http://127.0.0.1:${String(monitorPort)}`,
    databaseUrl: postgres.url,
    redisUrl: redis.url,
    pids: { nats: nats.process?.pid, postgres: postgres.process?.pid, redis: redis.process?.pid },
    stop,
  };
}

export interface CustomerOptions {
  /** Service name (RID prefix and schema); default `customer`. */
  readonly name?: string;
  /** Instances (processes) sharing the name; default 1. */
  readonly instances?: number;
  /** HUB_PARTITIONS; default the service's. */
  readonly partitions?: number;
  /** false: no partition ownership (the instances share one queue group). */
  readonly ownership?: false;
}

/** Starts the customer service's instances and seeds their schema; stopped by PID. */
export async function startCustomers(s: Servers, o: CustomerOptions = {}): Promise<Child[]> {
  const name = o.name ?? 'customer';
  const env = {
    NATS_URL: s.natsUrl,
    DATABASE_URL: s.databaseUrl,
    REDIS_URL: s.redisUrl,
    OPS_PORT: '0',
    BENCH_SERVICE_NAME: name,
    ...(o.partitions === undefined ? {} : { HUB_PARTITIONS: String(o.partitions) }),
    ...(o.ownership === false ? { BENCH_OWNERSHIP: 'off' } : {}),
  };
  const script = fileURLToPath(new URL('./service-child.ts', import.meta.url));
  const children: Child[] = [];
  try {
    // One at a time: the first migrates, the others find the schema ready.
    for (let i = 0; i < (o.instances ?? 1); i++) children.push(await startChild(`${name}#${String(i + 1)}`, script, env, ['customer']));
    await seedCustomers(s.databaseUrl, name);
  } catch (err) {
    await Promise.all(children.map((c) => c.stop()));
    throw err;
  }
  return children;
}

export interface CustomerPlatform {
  readonly natsUrl: string;
  readonly databaseUrl: string;
  readonly service: Child;
  stop(): Promise<void>;
}

/** The servers and one customer instance. */
export async function startCustomerPlatform(): Promise<CustomerPlatform> {
  const servers = await startServers();
  let service: Child;
  try {
    [service] = (await startCustomers(servers)) as [Child];
  } catch (err) {
    await servers.stop();
    throw err;
  }
  return {
    natsUrl: servers.natsUrl,
    databaseUrl: servers.databaseUrl,
    service,
    stop: async () => {
      await service.stop();
      await servers.stop();
    },
  };
}
