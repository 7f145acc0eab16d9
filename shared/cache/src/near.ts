/**
 * The near cache: a bounded in-process copy of values read from Redis, kept correct by Redis
 * server-assisted client-side caching (CLIENT TRACKING, Redis 6.0+ / KeyDB 6.x, RESP2 redirect
 * mode). Redis remembers which keys our main connection read and, when any client changes or
 * deletes one, publishes its name on `__redis__:invalidate` to our tracking connection.
 *
 * Rules that keep it from ever serving stale data:
 * - It only holds values while tracking is known active; any disconnect of either connection
 *   disables it and drops everything (invalidations may have been missed).
 * - A value is only stored if no invalidation arrived while its GET was in flight (`epoch`), since
 *   the invalidation and the GET reply travel on different connections.
 * - Entries also expire after `ttlMs` and the map is bounded (oldest evicted first).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export const NEAR_MAX_ENTRIES = 10_000;
export const NEAR_TTL_MS = 60_000;

export interface NearCache {
  /** Current invalidation epoch: pass it back to `put`. */
  readonly epoch: () => number;
  get(key: string): { value: unknown } | undefined;
  put(key: string, value: unknown, epochAtRead: number): void;
  drop(key: string): void;
  close(): void;
}

/** Starts tracking for `main` (re-armed on every reconnect of either connection). */
export function startNearCache(main: Redis, url: string, log?: Logger): NearCache {
  const entries = new Map<string, { value: unknown; expires: number }>();
  // Named, so `main` can find its client id: once subscribed, `sub` itself may not run CLIENT ID.
  const name = `hub-near-${randomUUID()}`;
  const sub = new Redis(url, { connectionName: name, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: (t) => Math.min(t * 100, 2000) });
  let active = false;
  let epoch = 0;
  const off = (): void => { active = false; epoch++; entries.clear(); };
  const ready = (): boolean => main.status === 'ready' && sub.status === 'ready';
  const arm = async (): Promise<void> => {
    off();
    if (!ready()) return;
    try {
      await sub.subscribe('__redis__:invalidate');
      const clients = String(await main.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
      const id = new RegExp(`id=(\\d+) [^\\n]* name=${name} `).exec(clients)?.[1];
      if (id === undefined) throw new Error('tracking connection not found in CLIENT LIST');
      await main.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', id);
      active = ready(); // a disconnect while arming leaves it off
    } catch (err) {
      log?.debug({ err }, 'near cache disabled: client tracking unavailable');
    }
  };
  sub.on('error', () => { off(); });
  for (const c of [main, sub]) {
    c.on('close', off);
    c.on('ready', () => { void arm(); });
  }
  sub.on('messageBuffer', (_channel: Buffer, keys: unknown) => {
    epoch++;
    if (!Array.isArray(keys)) { entries.clear(); return; } // null: the whole db was flushed
    for (const k of keys) entries.delete(String(k));
  });
  return {
    epoch: () => epoch,
    get: (key) => {
      if (!active) return undefined;
      const e = entries.get(key);
      if (e === undefined) return undefined;
      if (e.expires < Date.now()) { entries.delete(key); return undefined; }
      return e;
    },
    put: (key, value, epochAtRead) => {
      if (!active || epochAtRead !== epoch) return;
      if (entries.size >= NEAR_MAX_ENTRIES) entries.delete(entries.keys().next().value ?? '');
      entries.set(key, { value, expires: Date.now() + NEAR_TTL_MS });
    },
    drop: (key) => { epoch++; entries.delete(key); },
    close: () => { off(); sub.disconnect(); },
  };
}
