/** `createService` options and their named defaults. */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { CoreOptions } from './core.ts';
import { ResUsageError } from './errors.ts';
import type { GateFactory } from './gate.ts';
import type { MetricsHook } from './contract.ts';
import type { QueueLimits } from './queue.ts';
import type { Resource } from './resource.ts';
import type { ConnectOptions } from './system.ts';

/** Resgate's default request timeout (its `--reqtimeout`). @example createService({ ..., requestTimeoutMs: RESGATE_REQUEST_TIMEOUT_MS }) */
export const RESGATE_REQUEST_TIMEOUT_MS = 3000;
/** The timeout an automatic pre-response asks for. @example createService({ ..., autoTimeout: { extendMs: AUTO_TIMEOUT_EXTEND_MS } }) */
export const AUTO_TIMEOUT_EXTEND_MS = 30_000;
/** Request payloads above this are refused before parsing (NATS's default max payload is 1 MiB). @example createService({ ..., maxRequestBytes: 2 * MAX_REQUEST_BYTES }) */
export const MAX_REQUEST_BYTES = 512 * 1024;
/** How long `close()` waits for in-flight and queued handlers. @example createService({ ..., closeTimeoutMs: CLOSE_TIMEOUT_MS }) */
export const CLOSE_TIMEOUT_MS = 10_000;

/** How to reach NATS: servers to connect to (reconnecting forever), or a connection you own. @example { servers: ['nats://n1:4222', 'nats://n2:4222'] } */
export type NatsOption = ConnectOptions | NatsConnection;

/**
 * Options of {@link createService}.
 * @example createService({ name: 'library', resources: [book, books], nats: { servers: url }, logLevel: 'debug' })
 */
export interface ServiceOptions {
  /** Service name: the first RID part of every resource, e.g. `library`. */
  readonly name: string;
  readonly resources: readonly Resource[];
  /** Default `{ servers: 'nats://127.0.0.1:4222' }`. A passed connection is not drained on close. */
  readonly nats?: NatsOption;
  /** NATS queue group shared by instances; default the service name; null for none. */
  readonly queueGroup?: string | null;
  /** Default: a pino logger named after the service at `logLevel`. */
  readonly logger?: Logger;
  /** Level of the default logger; default `info`. */
  readonly logLevel?: string;
  /** Resgate's request timeout; default {@link RESGATE_REQUEST_TIMEOUT_MS}. */
  readonly requestTimeoutMs?: number;
  /**
   * Automatic pre-response for slow requests: after `afterMs` (default half the request
   * timeout, counted from receipt) ask for `extendMs` (default {@link AUTO_TIMEOUT_EXTEND_MS}).
   * `false` disables it.
   */
  readonly autoTimeout?: false | { readonly afterMs?: number; readonly extendMs?: number };
  /** How long a query event's inbox stays open; default the request timeout. */
  readonly queryWindowMs?: number;
  /** Default {@link MAX_REQUEST_BYTES}. */
  readonly maxRequestBytes?: number;
  /** Per-key and total queue bounds. */
  readonly queue?: QueueLimits;
  /** Default {@link CLOSE_TIMEOUT_MS}. */
  readonly closeTimeoutMs?: number;
  /** Receives one sample per request. */
  readonly metrics?: MetricsHook;
  /** One OpenTelemetry span per request; default true (a no-op without an SDK). */
  readonly tracing?: boolean;
  /**
   * Ownership across instances (see gate.ts): every instance receives owned resources' requests
   * and the gate decides which one answers. Without it, instances share one queue group.
   */
  readonly gate?: GateFactory;
}

function positive(name: string, v: number): number {
  if (!Number.isFinite(v) || v < 0) throw new ResUsageError(`${name} must be a non-negative number`);
  return v;
}

/** Fills defaults and checks ranges. */
export function resolveOptions(o: ServiceOptions): CoreOptions {
  const requestTimeoutMs = positive('requestTimeoutMs', o.requestTimeoutMs ?? RESGATE_REQUEST_TIMEOUT_MS);
  const auto = o.autoTimeout === false ? { afterMs: 0, extendMs: 0 } : (o.autoTimeout ?? {});
  return {
    requestTimeoutMs,
    autoTimeoutAfterMs: positive('autoTimeout.afterMs', auto.afterMs ?? Math.floor(requestTimeoutMs / 2)),
    autoTimeoutExtendMs: positive('autoTimeout.extendMs', Math.floor(auto.extendMs ?? AUTO_TIMEOUT_EXTEND_MS)),
    queryWindowMs: positive('queryWindowMs', o.queryWindowMs ?? requestTimeoutMs),
    maxRequestBytes: positive('maxRequestBytes', o.maxRequestBytes ?? MAX_REQUEST_BYTES),
  };
}

/** True when `nats` is an existing connection rather than connect options. */
export function isConnection(n: NatsOption): n is NatsConnection {
  return typeof (n as Partial<NatsConnection>).publish === 'function';
}
