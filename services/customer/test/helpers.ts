/** Starting the customer service in a test's own namespace (service name = schema = key prefix). */
import {
  accessToken,
  cleanup,
  dataScope,
  hub,
  openClient,
  resgateHttp,
  type DataScope,
  type HttpResult,
  type ResClient,
} from '@hub/testkit';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { createHubService, type HubService } from '@hub/service';
import { AUDIT_STREAM, type DomainEvent, type RelayFaults } from '@hub/store';
import { customerService } from '../src/service.ts';

export interface Started {
  readonly scope: DataScope;
  readonly service: HubService<object>;
}

/** Starts a customer service (closed at test end); pass `scope` to start another instance on the same data. */
export async function startCustomer(o: { scope?: DataScope; redisUrl?: string; relayFaults?: RelayFaults } = {}): Promise<Started> {
  const scope = o.scope ?? dataScope('cust');
  const service = await createHubService(customerService, {
    name: scope.name,
    schema: scope.schema,
    cachePrefix: scope.cachePrefix,
    config: { NATS_URL: hub().natsUrl, DATABASE_URL: scope.databaseUrl, REDIS_URL: o.redisUrl ?? scope.redisUrl, LOG_LEVEL: 'error' },
    ...(o.relayFaults ? { relayFaults: o.relayFaults } : {}),
  });
  cleanup(service, (s) => s.close());
  await service.start();
  return { scope, service };
}

/** Id from a Location header `/api/<name>/customer/<id>`. */
export function idFromLocation(location: string | null): string {
  const l = location ?? '';
  return l.slice(l.lastIndexOf('/') + 1);
}

/** Resource id of a resclient item (a model reference). */
export function ridOf(item: unknown): string {
  return (item as { getResourceId(): string }).getResourceId();
}

/** A resclient connected as the `writer` test user (customer:read and customer:write). */
export async function writerClient(): Promise<ResClient> {
  return openClient({ token: await accessToken('writer') });
}

/** A REST request through Resgate as the `writer` test user. */
export async function writerHttp<T = unknown>(path: string, init: Parameters<typeof resgateHttp>[1] = {}): Promise<HttpResult<T>> {
  return resgateHttp<T>(path, { ...init, token: await accessToken('writer') });
}

/** Every audit event of one service in stream order (fetched in batches until none is pending). */
export async function auditEvents(nc: NatsConnection, service: string): Promise<{ subject: string; event: DomainEvent }[]> {
  const consumer = await jetstream(nc).consumers.get(AUDIT_STREAM, { filter_subjects: [`audit.${service}.>`] });
  const out: { subject: string; event: DomainEvent }[] = [];
  for (;;) {
    const batch = await consumer.fetch({ max_messages: 1000, expires: 2000 });
    let pending = 0;
    for await (const m of batch) {
      out.push({ subject: m.subject, event: m.json<DomainEvent>() });
      pending = m.info.pending;
      if (pending === 0) break;
    }
    if (pending === 0) return out;
  }
}
