/**
 * Internal: what the request pipeline, resource handles, scopes and query events share. Built by
 * the service and handed down; it points at no service object (no back-pointer), so nothing below
 * the service imports it.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { EventKind, ServiceScope } from './contract.ts';
import type { QueryInbox } from './query-inbox.ts';
import type { Holds, KeyedQueue } from './queue.ts';
import type { Router } from './router.ts';

/** Resolved timing and size options (all in milliseconds / bytes). */
export interface CoreOptions {
  /** Resgate's request timeout: query event window, default for `service.request`. */
  readonly requestTimeoutMs: number;
  /** Send an automatic pre-response when a request is still unanswered after this; 0 = never. */
  readonly autoTimeoutAfterMs: number;
  /** The timeout that automatic pre-response asks for. */
  readonly autoTimeoutExtendMs: number;
  /** How long a query event's inbox answers query requests. */
  readonly queryWindowMs: number;
  /** Payloads above this are refused before parsing. */
  readonly maxRequestBytes: number;
}

/** The service internals handed to the pipeline. */
export interface ServiceCore {
  readonly name: string;
  readonly log: Logger;
  readonly queue: KeyedQueue;
  readonly router: Router;
  readonly options: CoreOptions;
  /** Where query requests for this service's query events arrive (one subscription). */
  readonly queries: QueryInbox;
  /** The service as code holding `holds` sees it (`ctx.service`). */
  scope(holds: Holds): ServiceScope;
  /** Runs `fn` after `ms` unless the service closes first (the timer does not keep Node alive). */
  later(ms: number, fn: () => void): void;
  /** The one connection that carries replies and events (NATS keeps order per connection). */
  connection(): NatsConnection;
  /** Publishes on that connection; `payload` undefined = empty payload. */
  publish(subject: string, payload?: string | Uint8Array): void;
  /** Counts one published resource event (metrics). */
  counted(kind: EventKind): void;
}
