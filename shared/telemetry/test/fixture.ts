/**
 * The telemetry tests' tiny service: a real `@hub/res` service with the telemetry hook, on the
 * test platform's NATS, with its ops server on a free port; all closed when the test ends.
 */
import { createService, type Resource, type Service } from '@hub/res';
import { cleanup, hub, startService, uniqueName } from '@hub/testkit';
import { createTelemetry, startOpsServer, type OpsServer, type ReadinessChecks, type Telemetry } from '../src/index.ts';

export interface Instrumented {
  readonly service: Service;
  readonly t: Telemetry;
  readonly ops: OpsServer;
}

/**
 * @example const { service, ops } = await instrumentedService((name) => [item]); await scrape(ops.url);
 */
export async function instrumentedService(resources: readonly Resource[], o: { name?: string; checks?: ReadinessChecks } = {}): Promise<Instrumented> {
  const name = o.name ?? uniqueName('tel');
  const t = createTelemetry({ service: name });
  const service = await startService(createService({ name, resources, nats: { servers: hub().natsUrl }, logLevel: 'silent', metrics: t.metricsHook }));
  t.observeNats(service.connection);
  const ops = cleanup(await startOpsServer({ port: 0, registry: t.registry, ...(o.checks ? { checks: o.checks } : {}) }), (s) => s.close());
  return { service, t, ops };
}
