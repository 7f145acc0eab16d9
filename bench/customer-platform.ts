/**
 * What both customer benchmarks need: NATS (JetStream), PostgreSQL and Redis on free ports, the
 * customer service in a child process, and `CUSTOMERS` seeded customers (ids 1..CUSTOMERS).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort, startNats, startPostgres, startRedis, type RunningServer } from '@hub/servers';
import { startChild, type Child } from './lib/child.ts';

export const CUSTOMERS = 1000;

/** Inserts customers 1..CUSTOMERS into the (migrated, empty) `customer` schema. */
export async function seedCustomers(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, options: '-c search_path=customer' });
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

export interface CustomerPlatform {
  readonly natsUrl: string;
  readonly databaseUrl: string;
  readonly service: Child;
  stop(): Promise<void>;
}

export async function startCustomerPlatform(): Promise<CustomerPlatform> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-customer-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when we are root: it must traverse
  const log = () => undefined;
  const settled = await Promise.allSettled([
    startNats({ port: await freePort(), monitorPort: await freePort(), dataDir: join(dir, 'nats'), log }),
    startPostgres({ port: await freePort(), dataDir: join(dir, 'pg'), fast: true, log }),
    startRedis({ port: await freePort(), dataDir: dir, log }),
  ]);
  const servers: RunningServer[] = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed || servers.length !== 3) {
    // Stop what did start, so a failed run leaves no server behind.
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
    throw failed?.reason ?? new Error('a server did not start');
  }
  const [nats, postgres, redis] = servers as [RunningServer, RunningServer, RunningServer];
  const stopServers = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  let service: Child;
  try {
    const env = { NATS_URL: nats.url, DATABASE_URL: postgres.url, REDIS_URL: redis.url, OPS_PORT: '0' };
    service = await startChild('customer', fileURLToPath(new URL('./service-child.ts', import.meta.url)), env, ['customer']);
    await seedCustomers(postgres.url);
  } catch (err) {
    await stopServers();
    throw err;
  }
  return {
    natsUrl: nats.url,
    databaseUrl: postgres.url,
    service,
    stop: async () => {
      await service.stop();
      await stopServers();
    },
  };
}
