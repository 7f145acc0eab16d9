/**
 * resclient (the client Resgate's authors publish, npm `resclient`) over the `ws` WebSocket, from
 * Node. Its shipped typings are loose, so the part the CLI uses is stated here, typed.
 */
import * as resclientModule from 'resclient';
import WebSocket from 'ws';

/** A subscribed resource's event methods (model: change; collection: add/remove; custom names). */
export interface ResEmitter {
  on(event: string | null, handler: (data: unknown, target: unknown, event: string) => void): unknown;
  off(event: string | null, handler: (data: unknown, target: unknown, event: string) => void): unknown;
  getResourceId(): string;
}
/** A subscribed model: its properties plus event methods. */
export type ResModel = ResEmitter & { toJSON(): Record<string, unknown> } & Record<string, unknown>;
/** A subscribed collection: its values plus event methods. */
export type ResCollection = ResEmitter & { toArray(): unknown[]; readonly length: number; toJSON(): unknown[] };
export type ResResource = ResModel | ResCollection;

export interface ResClient {
  get(rid: string): Promise<ResResource>;
  call(rid: string, method: string, params?: unknown): Promise<unknown>;
  authenticate(rid: string, method: string, params?: unknown): Promise<unknown>;
  connect(): Promise<void>;
  disconnect(): void;
  setOnConnect(cb: ((client: ResClient) => Promise<unknown> | undefined) | null): ResClient;
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

/** Milliseconds before a lost connection is tried again (resclient's default is 3 s). */
export const RECONNECT_DELAY_MS = 1000;

/** A resclient on `url` (not connected yet), and how to hang it up for good. */
export function createResClient(url: string): { client: ResClient; hangUp: () => void } {
  const Client = ctor();
  let socket: WebSocket | undefined;
  // allowSynchronousEvents: false dispatches one WebSocket message per task, as browsers do; ws's
  // default lets resclient drop an event that arrives in the same read as a subscribe response.
  // unsubscribeDelay: resclient drops a resource nobody listens to after 5 s, and an event still in
  // flight for it then throws "Resource not found in cache"; a command's resources live as long
  // as the command.
  const client = new Client(() => (socket = new WebSocket(url, { allowSynchronousEvents: false })), {
    reconnectDelay: RECONNECT_DELAY_MS,
    unsubscribeDelay: 24 * 3600_000,
  });
  return {
    client,
    // resclient's disconnect sends a close frame, but Resgate answers it without closing the TCP
    // connection, so ws would wait its 30 s close timeout before the process can exit: the frame
    // is on its way, drop the socket now.
    hangUp: () => {
      client.disconnect();
      socket?.terminate();
    },
  };
}

/** Whether a resource is a collection. */
export function isCollection(r: ResResource): r is ResCollection {
  return typeof (r as Partial<ResCollection>).toArray === 'function';
}

/** The RID of a value that is a resource (a reference), else undefined. */
export function ridOf(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const f = (v as Partial<ResEmitter>).getResourceId;
  return typeof f === 'function' ? f.call(v) : undefined;
}

/** A value as plain JSON: resources by their toJSON (references resolved), data values as they are. */
export function plain(v: unknown): unknown {
  if (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    return (v as { toJSON(): unknown }).toJSON();
  }
  return v;
}
