/**
 * Metrics read at scrape time from objects that already count (cache stats, a pg pool, the
 * outbox table): nothing is recorded on the hot path, the value is taken when Prometheus asks.
 */
import { Counter, Gauge, type LabelValues, type Registry } from 'prom-client';

/** One labelled value a source reports. */
export type Reading<L extends string> = readonly [LabelValues<L>, number];

/** Where a collected metric's values come from; may be async (bounded by its own timeout). */
export type Source<L extends string> = () => Iterable<Reading<L>> | Promise<Iterable<Reading<L>>>;

interface Spec<L extends string> {
  readonly registry: Registry;
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
}

/**
 * A counter whose values are the cumulative totals `source` reports (e.g. `Cache.stats.hits`).
 * A total that goes down (a new cache object) reads as a counter reset, which `rate()` handles.
 * @example counterFrom({ registry, name: 'hub_cache_hits_total', help, labelNames: ['cache'] }, () => [[{ cache: 'c' }, stats.hits]]);
 */
export function counterFrom<L extends string>(spec: Spec<L>, source: Source<L>): Counter<L> {
  return new Counter<L>({
    name: spec.name, help: spec.help, labelNames: spec.labelNames, registers: [spec.registry],
    async collect() {
      const readings = await source();
      this.reset();
      for (const [labels, value] of readings) this.inc(labels, value);
    },
  });
}

/**
 * A gauge set from `source` on every scrape; label sets the source no longer reports disappear.
 * @example gaugeFrom({ registry, name: 'hub_db_pool_idle', help, labelNames: ['pool'] }, () => [[{ pool: 'customer' }, pool.idleCount]]);
 */
export function gaugeFrom<L extends string>(spec: Spec<L>, source: Source<L>): Gauge<L> {
  return new Gauge<L>({
    name: spec.name, help: spec.help, labelNames: spec.labelNames, registers: [spec.registry],
    async collect() {
      const readings = await source();
      this.reset();
      for (const [labels, value] of readings) this.set(labels, value);
    },
  });
}

/**
 * `fn` shared by every collector of one scrape: collectors run concurrently, so the first call
 * starts it and the others of that scrape get the same promise (one outbox query, one round of
 * readiness checks per scrape, however many metrics read it).
 * @example const outbox = perScrape(() => queryOutbox()); // gauges call outbox()
 */
export function perScrape<T>(fn: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= fn().finally(() => { setImmediate(() => { pending = undefined; }); });
    return pending;
  };
}
