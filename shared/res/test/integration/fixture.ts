/**
 * Fixtures for the runtime's integration tests: a service on the real NATS (closed when the test
 * ends), raw NATS requests for what Resgate cannot send, a captured log, and a deferred.
 */
import { Writable } from 'node:stream';
import { createInbox, type NatsConnection } from '@nats-io/transport-node';
import { pino, type Logger } from 'pino';
import { cleanup, hub, isCollection, uniqueName, type ResClient, type ResCollection, type ResModel } from '@hub/testkit';
import { createService, type Resource, type Service, type ServiceOptions } from '../../src/internal.ts';

/** Options of {@link startService}: any service option, name and NATS default to the test's. */
export type StartOptions = Partial<Omit<ServiceOptions, 'resources'>>;

/**
 * Creates and starts a service with a unique name on the test NATS; closed when the test ends.
 * @example const service = await startService([greeting]); await resgateHttp(`/api/${service.name}/greeting`);
 */
export async function startService(resources: readonly Resource[], opts: StartOptions = {}): Promise<Service> {
  const service = createService({ name: uniqueName('rt'), nats: { servers: hub().natsUrl }, logLevel: 'warn', ...opts, resources });
  cleanup(service, (s) => s.close());
  await service.start();
  return service;
}

/** A promise with its resolve function exposed: handlers wait on it, the test releases them. */
export interface Deferred<T = void> {
  readonly promise: Promise<T>;
  readonly resolve: (v: T) => void;
  readonly settled: () => boolean;
}

/** @example const release = deferred(); ...handler: async () => { await release.promise; } */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let done = false;
  const promise = new Promise<T>((r) => {
    resolve = (v) => {
      done = true;
      r(v);
    };
  });
  return { promise, resolve, settled: () => done };
}

/** A raw RES reply as a service sent it. */
export interface RawReply {
  readonly result?: unknown;
  readonly resource?: { rid: string };
  readonly error?: { code: string; message: string; data?: unknown };
  readonly meta?: { status?: number; header?: Record<string, string[]> };
}

/**
 * A request straight on NATS (as a gateway would send it, or as no gateway ever would).
 * `payload` is sent as is when a string or bytes, JSON-encoded otherwise. Pre-responses
 * (`timeout:"<ms>"`) are skipped, as a gateway would; no subscriber rejects with "no responders".
 * @example const r = await rawRequest(nc, `get.${name}.x`, ''); expect(r.result).toBeDefined();
 */
export function rawRequest(nc: NatsConnection, subject: string, payload: unknown, timeoutMs = 10_000): Promise<RawReply> {
  const data = typeof payload === 'string' || payload instanceof Uint8Array ? payload : JSON.stringify(payload);
  const inbox = createInbox();
  return new Promise<RawReply>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.unsubscribe();
      reject(new Error(`no reply on ${subject} within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = nc.subscribe(inbox, {
      callback: (_err, msg) => {
        if (msg.headers?.code === 503) reject(new Error(`no responders: ${subject}`));
        else if (msg.string().startsWith('timeout:')) return;
        else {
          try {
            resolve(msg.json<RawReply>());
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        }
        clearTimeout(timer);
        sub.unsubscribe();
      },
    });
    nc.publish(subject, data, { reply: inbox });
  });
}

/** Log records captured from a service's logger. */
export interface CapturedLog {
  readonly logger: Logger;
  readonly records: () => readonly Record<string, unknown>[];
}

/**
 * A pino logger whose records are kept for assertions.
 * @example const log = captureLog(); await startService([r], { logger: log.logger });
 */
export function captureLog(level = 'info'): CapturedLog {
  const records: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') records.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level }, sink), records: () => records };
}

/** A rejected RES error's wire fields (resclient's ResError exposes them as getters). */
export interface ErrorFields {
  readonly code: unknown;
  readonly message: unknown;
  readonly data: unknown;
}

/**
 * Awaits a promise expected to reject and returns the error's code, message and data.
 * @example expect((await errorOf(client.call(rid, 'nope'))).code).toBe('system.methodNotFound');
 */
export async function errorOf(p: Promise<unknown>): Promise<ErrorFields> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown; data?: unknown };
    return { code: e.code, message: e.message, data: e.data };
  }
  throw new Error('expected the promise to reject');
}

/**
 * Subscribes to a model with resclient; throws if the resource is a collection.
 * @example const m = await getModel(client, `${name}.item`); m.title
 */
export async function getModel(client: ResClient, rid: string): Promise<ResModel> {
  const r = await client.get(rid);
  if (isCollection(r)) throw new Error(`${rid} is a collection`);
  return r;
}

/**
 * Subscribes to a collection with resclient; throws if the resource is a model.
 * @example const c = await getCollection(client, `${name}.list`); c.toArray()
 */
export async function getCollection(client: ResClient, rid: string): Promise<ResCollection> {
  const r = await client.get(rid);
  if (!isCollection(r)) throw new Error(`${rid} is a model`);
  return r;
}
