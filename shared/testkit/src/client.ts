/**
 * resclient (the browser client Resgate's authors publish) over a real WebSocket, from Node.
 * resclient's shipped typings are loose, so this module states the part we use, typed.
 */
import * as resclientModule from 'resclient';
import WebSocket from 'ws';
import { cleanup, hub } from './context.ts';

/** The events a resclient resource emits (model: change; collection: add/remove; custom names). */
export interface ResEmitter {
  on(event: string | null, handler: (data: never) => void): unknown;
  off(event: string | null, handler: (data: never) => void): unknown;
}

/** A subscribed model: its properties plus event methods. */
export type ResModel = ResEmitter & { getResourceId(): string; toJSON(): Record<string, unknown> } & Record<string, unknown>;
/** A subscribed collection: iterable values plus event methods. */
export type ResCollection = ResEmitter & { getResourceId(): string; toArray(): unknown[]; length: number; toJSON(): unknown[] };

export interface ResClient {
  get(rid: string): Promise<ResModel | ResCollection>;
  call(rid: string, method: string, params?: unknown): Promise<unknown>;
  authenticate(rid: string, method: string, params?: unknown): Promise<unknown>;
  connect(): Promise<void>;
  disconnect(): void;
  setOnConnect(cb: ((client: ResClient) => Promise<void> | undefined) | null): ResClient;
  on(event: 'connect' | 'disconnect' | 'error', handler: (e: unknown) => void): void;
  off(event: 'connect' | 'disconnect' | 'error', handler: (e: unknown) => void): void;
}

type ResClientCtor = new (factory: () => unknown, opt?: Record<string, unknown>) => ResClient;

// Under Node's ESM loader the CommonJS build's default export sits one level deeper.
function ctor(): ResClientCtor {
  const mod = resclientModule as unknown as { default: unknown };
  const d = mod.default as ResClientCtor | { default: ResClientCtor };
  return typeof d === 'function' ? d : d.default;
}

export interface ClientOptions {
  /** WebSocket URL; defaults to Resgate's own port. Use hub().traefikWsUrl to go through Traefik. */
  url?: string;
  /** Extra headers on the WebSocket upgrade. */
  headers?: Record<string, string>;
  /** An access token sent as `Authorization: Bearer …` on the upgrade (the gateway's wsHeaderAuth). */
  token?: string;
}

/**
 * Opens a resclient connected to Resgate over WebSocket; disconnected when the test ends.
 * @example const client = await openClient(); const book = await client.get('library.book.1');
 */
export async function openClient(opts: ClientOptions = {}): Promise<ResClient> {
  const url = opts.url ?? hub().resgateWsUrl;
  const headers = { ...opts.headers, ...(opts.token === undefined ? {} : { authorization: `Bearer ${opts.token}` }) };
  const Client = ctor();
  // allowSynchronousEvents: false dispatches one WebSocket message per task, as browsers do; ws's
  // default lets resclient drop an event that arrives in the same read as a subscribe response.
  // unsubscribeDelay: resclient drops a resource nobody listens to after 5 s; on a loaded machine a
  // test outlives that, and an event already in flight then hits resclient's "Resource not found in
  // cache" throw. A test's subscriptions live until its client is disconnected at the end.
  const client = new Client(() => new WebSocket(url, { headers, allowSynchronousEvents: false }), {
    reconnectDelay: 200, subscribeStaleDelay: 200, unsubscribeDelay: 10 * 60_000,
  });
  cleanup(client, (c) => { c.disconnect(); });
  await client.connect();
  return client;
}

/** Type guard: the value is a collection (has toArray). */
export function isCollection(r: ResModel | ResCollection): r is ResCollection {
  return typeof (r as Partial<ResCollection>).toArray === 'function';
}
