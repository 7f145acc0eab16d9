/**
 * NATS client metrics of one connection: status events counted as they happen (the connection's
 * `status()` iterator: reconnects, disconnects, slow consumers, errors), whether it is connected,
 * and its message and byte totals (`stats()`), read at scrape time.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { Counter, type Registry } from 'prom-client';
import { counterFrom, gaugeFrom, type Reading } from './collected.ts';

/** Status event types counted by `hub_nats_status_events_total` (others are ignored). */
const COUNTED = new Set(['disconnect', 'reconnect', 'slowConsumer', 'error', 'staleConnection', 'ldm']);

interface Watched { readonly nc: NatsConnection; connected: boolean; watching: boolean }

/** Observes connections by name; the returned function stops watching one (its close does too). */
export type ObserveNats = (nc: NatsConnection, name: string) => () => void;

/**
 * Registers the NATS metrics; returns `observe(nc, name)`.
 * @example const observe = natsMetrics(registry); const stop = observe(service.connection, 'service');
 */
export function natsMetrics(registry: Registry): ObserveNats {
  const conns = new Map<string, Watched>();
  const events = new Counter({
    name: 'hub_nats_status_events_total',
    help: 'NATS connection status events by type (reconnect, disconnect, slowConsumer, error, staleConnection, ldm).',
    labelNames: ['connection', 'type'] as const,
    registers: [registry],
  });
  const reconnects = new Counter({
    name: 'hub_nats_reconnects_total',
    help: 'Times the NATS connection was re-established after a loss (the runtime then sends system.reset).',
    labelNames: ['connection'] as const,
    registers: [registry],
  });
  gaugeFrom(
    { registry, name: 'hub_nats_connected', help: '1 while the NATS connection is up, else 0.', labelNames: ['connection'] },
    () => [...conns].map(([connection, w]) => [{ connection }, w.connected && !w.nc.isClosed() ? 1 : 0]),
  );
  const stat = (name: string, help: string, key: 'inMsgs' | 'outMsgs' | 'inBytes' | 'outBytes') =>
    counterFrom({ registry, name, help, labelNames: ['connection'] }, () => [...conns].map(([connection, w]): Reading<'connection'> => [{ connection }, w.nc.stats()[key]]));
  stat('hub_nats_in_messages_total', 'Messages received on the NATS connection.', 'inMsgs');
  stat('hub_nats_out_messages_total', 'Messages published on the NATS connection (replies and events included).', 'outMsgs');
  stat('hub_nats_in_bytes_total', 'Payload bytes received on the NATS connection.', 'inBytes');
  stat('hub_nats_out_bytes_total', 'Payload bytes published on the NATS connection.', 'outBytes');
  return (nc, name) => {
    const w: Watched = { nc, connected: !nc.isClosed(), watching: true };
    conns.set(name, w);
    reconnects.inc({ connection: name }, 0); // present from the start, so increase() sees the first one
    const status = nc.status();
    void (async () => {
      try {
        for await (const s of status) {
          if (!w.watching) break;
          if (COUNTED.has(s.type)) events.inc({ connection: name, type: s.type });
          if (s.type === 'disconnect') w.connected = false;
          if (s.type === 'reconnect') { w.connected = true; reconnects.inc({ connection: name }); }
        }
      } catch {
        // The iterator ends with the connection; hub_nats_connected reports it.
      }
    })();
    void nc.closed().then(() => { w.connected = false; });
    return () => {
      w.watching = false;
      // nats.js's iterator has stop() (ends the loop at once); the typed AsyncIterable does not show it.
      (status as Partial<{ stop(): void }>).stop?.();
      if (conns.get(name) === w) conns.delete(name);
    };
  };
}
