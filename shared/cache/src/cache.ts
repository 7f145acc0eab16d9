/**
 * Read-through cache in KeyDB/Redis (only Redis 6.2 / KeyDB 6.3 commands: GET, MGET, SET EX, DEL,
 * INCR, EXPIRE, SCAN, and Lua scripts of those).
 *
 * Contract:
 * - `read(key, load)`: cached value, or `load()` once per key at a time (single flight) and store
 *   it with a TTL; `undefined` (not found) is cached too, for a shorter TTL. Values (JSON data)
 *   come back deep-frozen: one object is shared by every reader (near cache, single flight), so
 *   none may change it under the others — and callers may key their own memos on it.
 * - `invalidate(key)`: call after commit and BEFORE sending the RES event, so a client that saw
 *   the event never reads the old value: it resolves once the invalidation is sent, ahead of every
 *   later read of this instance (one connection, answered in order); `settled()` once Redis has
 *   answered it — what other instances' reads need (an ownership handover waits for it). A load
 *   that started before the invalidation does not write its (possibly old) result back — on any
 *   instance: each key has a generation counter in Redis that an invalidation bumps, read with the
 *   value on a miss, and a fill only succeeds if the generation is still the one the load started
 *   under.
 * - Redis down: reads go to the loader (logged once per outage, counted in `stats`). An
 *   invalidation that could not reach Redis makes every cached value suspect: the cache is
 *   bypassed until this prefix has been flushed on reconnect, so it never serves a stale value.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { deepFreeze } from './freeze.ts';
import { startNearCache } from './near.ts';

export const DEFAULT_TTL_S = 300;
export const DEFAULT_NEGATIVE_TTL_S = 30;
/** A Redis command slower than this counts as a failure (the read goes to the loader). */
export const COMMAND_TIMEOUT_MS = 250;
const NOT_FOUND = '\u0000nf';

/** KEYS: value, generation. ARGV: the generation the load started under, payload, TTL. */
const FILL_IF_CURRENT = `if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1`;
/** KEYS: value, generation, value, generation, ... ARGV: the generations' TTL. */
const INVALIDATE = `for i = 1, #KEYS, 2 do redis.call('DEL', KEYS[i]) redis.call('INCR', KEYS[i + 1]) redis.call('EXPIRE', KEYS[i + 1], ARGV[1]) end return 1`;

type HubRedis = Redis & {
  hubFill(value: string, gen: string, expectedGen: string, payload: string, ttl: number): Promise<number>;
};
/** While the cache is suspect and connected, retry the flush this often. */
const FLUSH_RETRY_MS = 1000;

export interface CacheOptions {
  readonly url: string;
  /** Per-service key prefix, e.g. the service name: keys are `<prefix>:<key>`. */
  readonly prefix: string;
  readonly ttlSeconds?: number;
  readonly negativeTtlSeconds?: number;
  readonly log?: Logger;
  /** In-process near cache kept coherent by Redis client tracking (default on). */
  readonly near?: boolean;
}

/** Counters for metrics and tests. */
export interface CacheStats {
  hits: number;
  /** Hits answered by the in-process near cache (also counted in `hits`). */
  nearHits: number;
  misses: number;
  loads: number;
  /** Reads answered from the loader because the cache was unusable. */
  fallbacks: number;
  /** Redis errors of any kind. */
  failures: number;
  flushes: number;
}

export interface Cache {
  read<T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined>;
  /** Resolves once the invalidation is sent: every later read of this instance sees it (see `settled`). */
  invalidate(key: string): Promise<void>;
  /** Resolves once every invalidation so far has been answered by Redis (or has failed). */
  settled(): Promise<void>;
  /** Usable right now (connected and not awaiting a flush). */
  readonly healthy: boolean;
  readonly stats: Readonly<CacheStats>;
  close(): Promise<void>;
}

/**
 * @example const cache = createCache({ url: config.REDIS_URL, prefix: 'customer' });
 */
export function createCache(o: CacheOptions): Cache {
  const redis = new Redis(o.url, {
    lazyConnect: false,
    // Fail fast while disconnected instead of queueing: the read falls back to Postgres.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 100, 2000), // reconnect forever
  }) as HubRedis;
  redis.defineCommand('hubFill', { numberOfKeys: 2, lua: FILL_IF_CURRENT });
  const ttl = o.ttlSeconds ?? DEFAULT_TTL_S;
  const negTtl = o.negativeTtlSeconds ?? DEFAULT_NEGATIVE_TTL_S;
  // A generation outlives any load that could have read it (loads take seconds, not minutes); an
  // expired one reads as '0', which refuses the fills of loads that started under another.
  const genTtl = Math.max(ttl, negTtl, 60);
  const stats: CacheStats = { hits: 0, nearHits: 0, misses: 0, loads: 0, fallbacks: 0, failures: 0, flushes: 0 };
  const full = (key: string) => `${o.prefix}:${key}`;
  const gen = (fullKey: string) => `${fullKey}#gen`;
  const near = o.near === false ? undefined : startNearCache(redis, o.url, o.log);
  /** Loads in progress; `stale` is set by invalidate so the load does not write back old data. */
  const inflight = new Map<string, { p: Promise<unknown>; stale: boolean }>();
  let suspect = false;
  let closed = false;
  let down = false;
  let flushing: Promise<void> | undefined;

  const failed = (err: unknown, what: string) => {
    stats.failures++;
    if (!down) { down = true; o.log?.warn({ err }, `cache unavailable (${what}); reading from the database`); }
  };
  redis.on('error', (err) => { failed(err, 'connection'); });
  redis.on('ready', () => {
    if (down) o.log?.info('cache reachable again');
    down = false;
    if (suspect) startFlush();
  });

  const flush = async (): Promise<void> => {
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${o.prefix}:*`, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      suspect = false;
      stats.flushes++;
    } catch (err) {
      failed(err, 'flush');
    }
  };
  let retry: NodeJS.Timeout | undefined;
  /** Flush now if connected (a timed-out DEL leaves the connection up), and retry until clean. */
  const startFlush = (): void => {
    if (closed || flushing || redis.status !== 'ready') return;
    flushing = flush().finally(() => {
      flushing = undefined;
      if (suspect && !closed) retry ??= setTimeout(() => { retry = undefined; startFlush(); }, FLUSH_RETRY_MS);
    });
  };

  const usable = () => redis.status === 'ready' && !suspect;

  /** `generation`: read with the miss; undefined (Redis failed) = do not fill. */
  const loadAndStore = async <T>(key: string, load: () => Promise<T | undefined>, flight: { stale: boolean }, generation: string | undefined): Promise<T | undefined> => {
    stats.loads++;
    const value = deepFreeze(await load());
    if (usable() && !flight.stale && generation !== undefined) {
      const payload = value === undefined ? NOT_FOUND : JSON.stringify(value);
      await redis.hubFill(full(key), gen(full(key)), generation, payload, value === undefined ? negTtl : ttl).catch((err: unknown) => { failed(err, 'set'); });
    }
    return value;
  };

  // Invalidations are coalesced: every key invalidated in one burst (e.g. by all writes whose
  // commits arrived together) goes out in one script call (DEL, new generation) on nextTick: after
  // the current I/O callback and the promise callbacks it set off. `invalidate` resolves once that
  // call is SENT, not answered: Redis runs one connection's commands in order, so every read this
  // instance sends afterwards comes after it — no round trip between a commit and its RES event.
  // Until its answer arrives the invalidation is unconfirmed: a read sent after it trusts its
  // reply only if the invalidation succeeded (else it reads from the loader), and `settled()`
  // waits for the answers (a partition handover, close).
  let pendingDel: { keys: Set<string>; sent: Promise<void> } | undefined;
  /** Per full key, its last invalidation sent and not yet answered: resolves true if it succeeded. */
  const unconfirmed = new Map<string, Promise<boolean>>();
  const unanswered = new Set<Promise<boolean>>();
  const invalidationFailed = (err: unknown): void => {
    suspect = true; // the old value may still be in Redis: bypass until flushed
    startFlush();
    failed(err, 'invalidate');
  };
  const sendDel = (keys: ReadonlySet<string>): void => {
    const args = [...keys].flatMap((k) => [k, gen(k)]);
    // EVAL, not EVALSHA: ioredis resends an EVALSHA that found no script as EVAL, after any read
    // sent meanwhile — which would then run before the invalidation it was sent behind.
    const answered = redis.eval(INVALIDATE, args.length, ...args, genTtl).then(() => true, (err: unknown) => { invalidationFailed(err); return false; });
    unanswered.add(answered);
    for (const k of keys) unconfirmed.set(k, answered);
    void answered.then(() => {
      unanswered.delete(answered);
      for (const k of keys) if (unconfirmed.get(k) === answered) unconfirmed.delete(k);
    });
  };
  const del = (key: string): Promise<void> => {
    if (pendingDel === undefined) {
      const keys = new Set<string>();
      const sent = new Promise<void>((resolve, reject) => {
        process.nextTick(() => {
          pendingDel = undefined;
          if (redis.status !== 'ready') { reject(new Error(`redis ${redis.status}`)); return; }
          sendDel(keys);
          resolve();
        });
      });
      pendingDel = { keys, sent };
    }
    pendingDel.keys.add(key);
    return pendingDel.sent;
  };

  const read = async <T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> => {
    let missGeneration: string | undefined;
    if (!usable()) stats.fallbacks++;
    else {
      const local = near?.get(full(key)); // near keys are Redis keys: invalidations name those
      if (local) { stats.hits++; stats.nearHits++; return local.value as T | undefined; } // frozen when put
      try {
        // A read sent before a pending invalidation of its key could read (and near-cache) the old
        // value; once that is sent, the read goes out behind it.
        while (pendingDel?.keys.has(full(key))) await pendingDel.sent;
        const before = unconfirmed.get(full(key));
        const epoch = near?.epoch() ?? 0;
        const [hit, generation] = await redis.mget(full(key), gen(full(key)));
        // Replies come in order: the invalidation sent before this read has its answer by now.
        if (before !== undefined && !(await before)) stats.fallbacks++; // it failed: what we read may be old
        else if (hit !== null && hit !== undefined) {
          stats.hits++;
          const value = hit === NOT_FOUND ? undefined : deepFreeze(JSON.parse(hit) as T);
          near?.put(full(key), value, epoch);
          return value;
        } else {
          stats.misses++;
          missGeneration = generation ?? '0';
        }
      } catch (err) {
        stats.fallbacks++;
        failed(err, 'get');
      }
    }
    // Single flight: concurrent misses for one key share one load.
    const pending = inflight.get(key);
    if (pending) return pending.p as Promise<T | undefined>;
    const flight = { p: Promise.resolve() as Promise<unknown>, stale: false };
    const p = loadAndStore(key, load, flight, missGeneration).finally(() => { if (inflight.get(key) === flight) inflight.delete(key); });
    flight.p = p;
    inflight.set(key, flight);
    return p;
  };

  const invalidate = async (key: string): Promise<void> => {
    // A load started before this point may hold the old value: it must not write it back, and
    // later readers must not join it.
    const flight = inflight.get(key);
    if (flight) { flight.stale = true; inflight.delete(key); }
    near?.drop(full(key)); // our own write: no need to wait for Redis to tell us
    try {
      await del(full(key));
    } catch (err) {
      invalidationFailed(err);
    }
  };

  /** Resolves once every invalidation requested so far has been answered (or has failed). */
  const settled = async (): Promise<void> => {
    while (pendingDel !== undefined || unanswered.size > 0) {
      await pendingDel?.sent.catch(() => undefined);
      await Promise.all([...unanswered]);
    }
  };

  return {
    read,
    invalidate,
    settled,
    get healthy() { return usable(); },
    stats,
    close: async () => {
      await settled(); // an invalidation lost at close would leave the old value for the next process
      closed = true;
      clearTimeout(retry);
      if (flushing) await flushing;
      near?.close();
      redis.disconnect();
      return Promise.resolve();
    },
  };
}
