/**
 * A drill's own servers (never the shared test platform's): Postgres, NATS with JetStream and
 * Redis on free loopback ports, a supervised Resgate when asked, and the environment a service
 * process needs to use them.
 */
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { freePort, startResgate, type RunningServer } from '@hub/servers';
import { cleanup, privateNats, privatePostgres, privateRedis, uniqueName, type PrivateServer } from '@hub/testkit';

export interface DrillServers {
  readonly pg: PrivateServer;
  readonly nats: PrivateServer & { readonly monitorUrl: string };
  readonly redis: PrivateServer;
  /** A unique service name (RID prefix, schema, cache prefix). */
  readonly name: string;
  /** The environment of a service process on these servers. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** A Postgres client on the service's schema (closed when the test ends). */
  sql(): Promise<pg.Client>;
}

export async function drillServers(prefix: string): Promise<DrillServers> {
  const [pgServer, nats, redis] = await Promise.all([privatePostgres(), privateNats(), privateRedis()]);
  const name = uniqueName(prefix);
  return {
    pg: pgServer,
    nats,
    redis,
    name,
    env: (extra = {}) => ({
      NATS_URL: nats.url,
      DATABASE_URL: pgServer.url,
      REDIS_URL: redis.url,
      HUB_PARTITIONS: '8',
      LOG_LEVEL: 'warn',
      ...extra,
    }),
    sql: async () => {
      const c = cleanup(new pg.Client({ connectionString: pgServer.url, options: `-c search_path=${name}` }), (x) => x.end());
      await c.connect();
      c.on('error', () => undefined); // the drill stops this server
      return c;
    },
  };
}

/** A Resgate on `natsUrl`, supervised as `make up` does (restarted when it exits, after NATS is healthy). */
export async function drillResgate(
  natsUrl: string,
  natsMonitorUrl: string | undefined,
  log: string[] = [],
): Promise<RunningServer & { readonly http: string; readonly ws: string }> {
  const port = await freePort();
  const server = await startResgate({
    port,
    natsUrl,
    requestTimeoutMs: 3000,
    ...(natsMonitorUrl === undefined ? {} : { natsMonitorUrl }),
    restart: { initialDelayMs: 100, maxDelayMs: 1000 },
    log: (_n, l) => log.push(l),
  });
  cleanup(server, (s) => s.stop());
  return Object.assign(server, { http: `http://127.0.0.1:${String(port)}`, ws: `ws://127.0.0.1:${String(port)}` });
}

/** Audit events of one service in JetStream (`audit.<service>.>`): their count and distinct event ids. */
export async function auditCount(nc: NatsConnection, service: string): Promise<{ messages: number; ids: number }> {
  const js = jetstream(nc);
  const consumer = await js.consumers.get('AUDIT', { filter_subjects: [`audit.${service}.>`] });
  const ids = new Set<string>();
  let messages = 0;
  for (;;) {
    const batch = await consumer.fetch({ max_messages: 1000, expires: 2000 });
    let pending = 0;
    let got = 0;
    for await (const m of batch) {
      got++;
      messages++;
      ids.add(m.json<{ id: string }>().id);
      pending = m.info.pending;
      if (pending === 0) break;
    }
    if (pending === 0 || got === 0) return { messages, ids: ids.size };
  }
}
