/**
 * A tiny but complete service for the observability tests, built the way services will wire
 * @hub/telemetry: a store (Postgres, with the outbox relayed to JetStream), a cache, events, the
 * metrics hook, and the ops server registered as a Prometheus target.
 */
import { fileURLToPath } from 'node:url';
import { createCache } from '@hub/cache';
import { createService, defineResource, model, type Service, z } from '@hub/res';
import { openStore, writeOutbox } from '@hub/store';
import type { RunningPrometheus } from '@hub/servers';
import { cacheCheck, createTelemetry, natsCheck, postgresCheck, startOpsServer, type OpsServer } from '@hub/telemetry';
import { cleanup, dataScope, hub, scopeSql, startService } from '@hub/testkit';

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));

export interface ObservedService {
  readonly name: string;
  readonly service: Service;
  readonly ops: OpsServer;
}

/**
 * Starts the service and its ops server, and makes `prometheus` scrape it; all undone when the test ends.
 * Resources: `<name>.item.$id` (get through the cache; `set` writes Postgres and the outbox and
 * sends a change event; `explode` fails with an internal error).
 */
export async function startObservedService(prometheus: RunningPrometheus): Promise<ObservedService> {
  const scope = dataScope('obs');
  const { name } = scope;
  const t = createTelemetry({ service: name });
  const store = cleanup(await openStore({ service: name, databaseUrl: scope.databaseUrl, migrations: MIGRATIONS, natsUrl: hub().natsUrl }), async (s) => {
    await s.close();
    await scopeSql(scope, `DROP SCHEMA ${scope.schema} CASCADE`);
  });
  const cache = cleanup(createCache({ url: scope.redisUrl, prefix: scope.cachePrefix }), (c) => c.close());
  const item = defineResource({
    pattern: 'item.$id',
    access: () => true,
    get: async ({ params }) => {
      const title = await cache.read(`item:${params.id}`, async () => (await store.db.query<{ title: string }>('SELECT title FROM items WHERE id = $1', [params.id])).rows[0]?.title ?? '');
      return model({ id: params.id, title: title ?? '' });
    },
    calls: {
      set: {
        params: z.object({ title: z.string() }),
        handler: async ({ params, input, change }) => {
          await store.db.tx(async (c) => {
            await c.query('INSERT INTO items (id, title) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET title = $2', [params.id, input.title]);
            await writeOutbox(c, { service: name, resource: 'item', action: 'update', resourceId: params.id, actor: null, before: null, after: { title: input.title } });
          });
          store.relay?.poke();
          await cache.invalidate(`item:${params.id}`);
          change({ title: input.title });
          t.countEvent('change', `${name}.item.$id`);
        },
      },
      explode: { params: null, handler: () => { throw new Error('boom (expected by the test)'); } },
    },
  });
  const service = await startService(createService({ name, resources: [item], nats: { servers: hub().natsUrl }, logLevel: 'silent', metrics: t.metricsHook }));
  t.observeNats(service.connection);
  t.observeCache(cache);
  t.observeDb(store.db.pool, scope.schema);
  const ops = cleanup(await startOpsServer({
    port: 0, registry: t.registry,
    checks: { nats: natsCheck(service.connection), postgres: postgresCheck(store.db.pool), cache: cacheCheck(cache) },
  }), (s) => s.close());
  prometheus.setTargets('hub-services', [{ targets: [new URL(ops.url).host], labels: { service: name } }], name);
  cleanup(name, (n) => { prometheus.removeTargets('hub-services', n); });
  return { name, service, ops };
}
