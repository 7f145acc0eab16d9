/**
 * @hub/cache — read-through caching in KeyDB (Redis locally) with TTLs, single flight, negative
 * caching, invalidation before events, and graceful fallback to the database when Redis is down.
 */
export { createCache, DEFAULT_TTL_S, DEFAULT_NEGATIVE_TTL_S, COMMAND_TIMEOUT_MS } from './cache.ts';
export type { Cache, CacheOptions, CacheStats } from './cache.ts';
