/**
 * Histogram and counter for the per-request path, registered in a prom-client registry (which
 * still does the exposition). prom-client's own `observe`/`inc` validate and hash the label object
 * on every call, even through `labels()` children (~2 µs per request for the request metrics);
 * here the caller keeps a series handle and an observation is a bucket scan and three additions.
 */
import type { Registry } from 'prom-client';

/** What prom-client's registry reads of a metric (its typings declare `type` as a numeric enum; the runtime uses these strings). */
interface Exposed {
  readonly name: string;
  readonly help: string;
  readonly type: 'histogram' | 'counter';
  readonly aggregator: 'sum';
  readonly values: readonly { readonly metricName?: string; readonly labels: Readonly<Record<string, string | number>>; readonly value: number }[];
}

/** One labelled histogram series: counts per bucket (the last one is +Inf), sum and count. */
export interface HistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/** One labelled counter series. */
export interface CounterSeries {
  readonly labels: Readonly<Record<string, string>>;
  value: number;
}

interface Spec {
  readonly registry: Registry;
  readonly name: string;
  readonly help: string;
}

abstract class HotMetric<S, T extends 'histogram' | 'counter'> {
  readonly name: string;
  readonly help: string;
  abstract readonly type: T;
  readonly aggregator = 'sum' as const;
  protected readonly all = new Map<string, S>();

  constructor(spec: Spec) {
    this.name = spec.name;
    this.help = spec.help;
    // prom-client's documented extension point: any object with name, help, type and get().
    spec.registry.registerMetric(this as never);
  }

  /**
   * The series under `key` (the caller's join of the label values), made with `labels` on
   * first use. Keep it: observing through it costs no lookup at all.
   */
  series(key: string, labels: () => Readonly<Record<string, string>>): S {
    let s = this.all.get(key);
    if (s === undefined) {
      s = this.make(labels());
      this.all.set(key, s);
    }
    return s;
  }

  reset(): void {
    this.all.clear();
  }

  protected abstract make(labels: Readonly<Record<string, string>>): S;
}

/** @example const h = new HotHistogram({ registry, name, help, buckets }); h.observe(h.series(k, () => labels), 0.003); */
export class HotHistogram extends HotMetric<HistogramSeries, 'histogram'> {
  readonly type = 'histogram' as const;
  readonly #bounds: readonly number[];

  constructor(spec: Spec & { readonly buckets: readonly number[] }) {
    super(spec);
    this.#bounds = [...spec.buckets].sort((a, b) => a - b);
  }

  observe(s: HistogramSeries, v: number): void {
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && v > (bounds[i] ?? Infinity)) i++;
    s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += v;
    s.count += 1;
  }

  get(): Promise<Exposed> {
    const values: Exposed['values'][number][] = [];
    for (const s of this.all.values()) {
      let cumulative = 0;
      this.#bounds.forEach((le, i) => {
        cumulative += s.counts[i] ?? 0;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count });
      values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: s.labels, value: s.count });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  protected make(labels: Readonly<Record<string, string>>): HistogramSeries {
    return { labels, counts: new Float64Array(this.#bounds.length + 1), sum: 0, count: 0 };
  }
}

/** @example const c = new HotCounter({ registry, name: 'x_total', help }); c.series(k, () => labels).value++; */
export class HotCounter extends HotMetric<CounterSeries, 'counter'> {
  readonly type = 'counter' as const;

  get(): Promise<Exposed> {
    const values = [...this.all.values()].map((s) => ({ labels: s.labels, value: s.value }));
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  protected make(labels: Readonly<Record<string, string>>): CounterSeries {
    return { labels, value: 0 };
  }
}
