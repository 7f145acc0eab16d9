/** Services under test: started on the test platform's NATS, closed when the test ends. */
import type { Runnable } from '@hub/res/internal';
import { createHubService, type Defined, type HubOverrides, type HubService, type OwnConfig } from '@hub/service';
import type { z } from '@hub/res';
import { cleanup, hub } from './context.ts';
import { dataScope, type DataScope } from './store.ts';

/**
 * Starts `service` (built with the test's unique name and `hub().natsUrl`) and closes it when the
 * test finishes, pass or fail. Resolves once it serves (its system.reset has gone out).
 * @example const svc = await startService(createService({ name: uniqueName('rt'), resources, nats: { servers: hub().natsUrl } }));
 */
export async function startService<S extends Runnable>(service: S): Promise<S> {
  cleanup(service, (s) => s.close());
  await service.start();
  return service;
}

/** Options of {@link startHub}: the data scope to use (default a fresh one) and any override. */
export interface StartHubOptions<C> extends Omit<HubOverrides<C>, 'config'> {
  readonly scope?: DataScope;
  /** The service's own variables and any base one to change (the platform's URLs are filled in). */
  readonly config?: Partial<import('@hub/service').BaseConfig> & Partial<OwnConfig<C>>;
}

/**
 * Starts a defined service in its own namespace (name = schema = cache prefix) on the test
 * platform, closed when the test ends; pass `scope` to start another instance on the same data.
 * @example const { service, scope } = await startHub(customerService);
 */
export async function startHub<C extends z.ZodObject, D extends object>(defined: Defined<C, D>, o: StartHubOptions<z.output<C>> = {}): Promise<{ service: HubService<D>; scope: DataScope }> {
  const scope = o.scope ?? dataScope(defined.definition.name.slice(0, 6));
  const { scope: _scope, config, ...overrides } = o;
  const service = await createHubService(defined, {
    name: scope.name, schema: scope.schema, cachePrefix: scope.cachePrefix, ...overrides,
    config: { NATS_URL: hub().natsUrl, DATABASE_URL: scope.databaseUrl, REDIS_URL: scope.redisUrl, LOG_LEVEL: 'warn', ...config } as never,
  });
  return { service: await startService(service), scope };
}
