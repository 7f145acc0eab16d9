/**
 * Cache metrics from `@hub/cache`'s own counters (`Cache.stats`), read at scrape time, labelled
 * by a cache name (a service may have more than one cache).
 */
import type { Registry } from 'prom-client';
import type { Cache, CacheStats } from '@hub/cache';
import { counterFrom, gaugeFrom, type Reading } from './collected.ts';

/** What is read of a cache: its counters and whether it is usable now. */
export type ObservedCache = Pick<Cache, 'stats' | 'healthy'>;

/** Each `CacheStats` field and the metric it becomes. */
const FIELDS: readonly (readonly [keyof CacheStats, string, string])[] = [
  ['hits', 'hub_cache_hits_total', 'Cache reads answered from the cache (near cache included).'],
  ['nearHits', 'hub_cache_near_hits_total', 'Cache reads answered by the in-process near cache (also counted in hub_cache_hits_total).'],
  ['misses', 'hub_cache_misses_total', 'Cache reads that found nothing and went to the loader.'],
  ['loads', 'hub_cache_loads_total', 'Loader calls (single flight: concurrent misses of one key share one load).'],
  ['fallbacks', 'hub_cache_fallbacks_total', 'Reads answered by the loader because the cache was unusable (Redis down or awaiting a flush).'],
  ['failures', 'hub_cache_failures_total', 'Redis errors of any kind.'],
  ['flushes', 'hub_cache_flushes_total', 'Whole-prefix flushes after Redis came back (entries may have missed invalidations).'],
];

/**
 * Registers the cache metrics; returns `observe(cache, name)` to add a cache to them.
 * @example const observe = cacheMetrics(registry); observe(cache, 'customer');
 */
export function cacheMetrics(registry: Registry): (cache: ObservedCache, name: string) => void {
  const caches = new Map<string, ObservedCache>();
  const read = (field: keyof CacheStats) => (): Reading<'cache'>[] => [...caches].map(([cache, c]) => [{ cache }, c.stats[field]]);
  for (const [field, name, help] of FIELDS) counterFrom({ registry, name, help, labelNames: ['cache'] }, read(field));
  gaugeFrom(
    { registry, name: 'hub_cache_healthy', help: '1 while the cache is usable (connected, not awaiting a flush), else 0.', labelNames: ['cache'] },
    () => [...caches].map(([cache, c]) => [{ cache }, c.healthy ? 1 : 0]),
  );
  return (cache, name) => { caches.set(name, cache); };
}
