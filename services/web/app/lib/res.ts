/**
 * The part of resclient (Resgate's own browser client) the app uses, typed: resclient's shipped
 * declarations are generated from JavaScript and too loose for strict TypeScript.
 */
import ResClientJs from 'resclient';

export interface ResEmitter {
  on(event: string | null, handler: (data: never) => void): unknown;
  off(event: string | null, handler: (data: never) => void): unknown;
}

/** A subscribed model: `props` holds its values (references are nested models). */
export type ResModel = ResEmitter & { getResourceId(): string; readonly props: Readonly<Record<string, unknown>> };
/** A subscribed collection of values or nested models. */
export type ResCollection = ResEmitter & { getResourceId(): string; toArray(): unknown[]; readonly length: number };

export interface ResClient {
  get(rid: string): Promise<ResModel | ResCollection>;
  call(rid: string, method: string, params?: unknown): Promise<unknown>;
  authenticate(rid: string, method: string, params?: unknown): Promise<unknown>;
  connect(): Promise<void>;
  setOnConnect(cb: ((client: ResClient) => Promise<void> | undefined) | null): ResClient;
  on(event: 'connect' | 'disconnect' | 'error', handler: (e: unknown) => void): void;
  off(event: 'connect' | 'disconnect' | 'error', handler: (e: unknown) => void): void;
}

export interface ClientOptions {
  /** Wait this long before reconnecting after the WebSocket closed. */
  readonly reconnectDelay: number;
}

export function createClient(url: string, o: ClientOptions): ResClient {
  const Ctor = ResClientJs as unknown as new (url: string, opt: Record<string, unknown>) => ResClient;
  return new Ctor(url, { reconnectDelay: o.reconnectDelay, subscribeStaleDelay: 500 });
}

export function isCollection(r: ResModel | ResCollection): r is ResCollection {
  return typeof (r as Partial<ResCollection>).toArray === 'function';
}

export function isModel(v: unknown): v is ResModel {
  return typeof v === 'object' && v !== null && typeof (v as Partial<ResModel>).getResourceId === 'function' && 'props' in v;
}
