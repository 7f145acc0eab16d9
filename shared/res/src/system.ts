/**
 * Connection and system messages: `conn.<cid>.token`, `system.tokenReset`, `system.reset`
 * payloads, and the NATS connection (reconnecting forever) with its status watch.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { retryUntil } from './backoff.ts';
import { ResUsageError } from './errors.ts';
import { isValidPart } from './pattern.ts';

/** A subject and payload to publish. */
export interface Message {
  readonly subject: string;
  readonly payload: string;
}

/**
 * The connection token event: `{ token, tid? }` on `conn.<cid>.token`; a null token clears it.
 * @example tokenEventMessage('c1', { userId: 42 }, '42') // { subject: 'conn.c1.token', payload: '{"token":{"userId":42},"tid":"42"}' }
 */
export function tokenEventMessage(cid: string, token: unknown, tid?: string): Message {
  if (!isValidPart(cid)) throw new ResUsageError(`token event: invalid cid ${JSON.stringify(cid)}`);
  if (tid !== undefined && typeof tid !== 'string') throw new ResUsageError('token event: tid must be a string');
  return {
    subject: `conn.${cid}.token`,
    payload: JSON.stringify(tid === undefined ? { token: token ?? null } : { token: token ?? null, tid }),
  };
}

/**
 * `system.tokenReset` with `{ tids, subject }`; null when there are no tids.
 * @example tokenResetMessage(['42'], 'auth.identity.refresh')
 */
export function tokenResetMessage(tids: readonly string[], subject: string): Message | null {
  if (!tids.every((t) => typeof t === 'string')) throw new ResUsageError('tokenReset: tids must be strings');
  if (!subject.split('.').every(isValidPart)) throw new ResUsageError(`tokenReset: invalid subject ${JSON.stringify(subject)}`);
  return tids.length === 0 ? null : { subject: 'system.tokenReset', payload: JSON.stringify({ tids, subject }) };
}

/**
 * `system.reset` with the non-empty pattern lists; null when both are empty.
 * @example resetMessage(['library.book.*'], []) // payload '{"resources":["library.book.*"]}'
 */
export function resetMessage(resources: readonly string[], access: readonly string[]): Message | null {
  if (resources.length === 0 && access.length === 0) return null;
  const payload = { ...(resources.length > 0 ? { resources } : {}), ...(access.length > 0 ? { access } : {}) };
  return { subject: 'system.reset', payload: JSON.stringify(payload) };
}

/**
 * Wait between two reconnect attempts to the same server. nats.js's default (2 s) keeps a service
 * away up to 2 s after a restarted NATS is back (R2 of the fault suite); an attempt is one refused
 * loopback or LAN connect, cheap enough every 250 ms (nats.js adds its jitter).
 */
export const RECONNECT_WAIT_MS = 250;

/** Connect options for a connection the service owns. */
export interface ConnectOptions {
  readonly servers: string | readonly string[];
  readonly name?: string;
  readonly token?: string;
  readonly user?: string;
  readonly pass?: string;
}

/**
 * Connects, reconnecting forever: a service that gives up silently stops serving. With `log`, a
 * server not reachable yet is waited for (capped exponential backoff, one log line) instead of
 * failing the start; `signal` ends that wait.
 * @example const nc = await connectForever({ servers: 'nats://127.0.0.1:4222' }, 'library', { log });
 */
export function connectForever(o: ConnectOptions, name: string, wait?: { log: Logger; signal?: AbortSignal }): Promise<NatsConnection> {
  const servers = [o.servers].flat();
  const once = () => connect({ ...o, servers, name: o.name ?? name, maxReconnectAttempts: -1, reconnectTimeWait: RECONNECT_WAIT_MS });
  if (wait === undefined) return once();
  return retryUntil(once, {
    what: `NATS at ${servers.join(',')}`,
    log: wait.log,
    // Refused or timed out: the server is not there yet. A bad URL or bad credentials fail at once.
    retryable: (err) => (err as Error | null)?.name === 'ConnectionError' || (err as Error | null)?.name === 'TimeoutError',
    ...(wait.signal ? { signal: wait.signal } : {}),
  });
}

/**
 * Logs connection status changes and calls `onReconnect` after each reconnect; ends with the
 * connection.
 * @example void watchStatus(nc, log, () => { service.reset(); });
 */
export async function watchStatus(nc: NatsConnection, log: Logger, onReconnect: () => void): Promise<void> {
  try {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') log.warn({ server: s.server }, 'NATS disconnected');
      if (s.type === 'slowConsumer') log.error({ pending: s.pending }, 'NATS slow consumer');
      if (s.type === 'error') log.error({ err: s.error }, 'NATS error');
      if (s.type === 'reconnect') {
        log.info({ server: s.server }, 'NATS reconnected');
        onReconnect();
      }
    }
  } catch (err) {
    log.error({ err }, 'NATS status watch ended');
  }
}
