/**
 * The audit trail's lag behind the stream, read from the durable consumer (shared by every
 * instance, so any instance reads the same): checked every AUDIT_LAG_INTERVAL_MS, logged while
 * it is not zero and whenever it changes, served as `audit.lag` and, with an ops port, as the
 * gauge `hub_audit_lag_messages`.
 */
import { Gauge, type Registry } from 'prom-client';
import { ResError } from '@hub/res';
import type { AuditConsumer } from '@hub/store';
import type { Logger } from 'pino';
import type { Entries } from './entries.ts';

export interface LagValues {
  readonly lag: number;
  readonly pending: number;
  readonly ackPending: number;
  readonly streamLastSeq: number;
  readonly ackFloorSeq: number;
  readonly redelivered: number;
  readonly rejected: number;
}

const same = (a: LagValues | undefined, b: LagValues): boolean =>
  a !== undefined && (Object.keys(b) as (keyof LagValues)[]).every((k) => a[k] === b[k]);

export class Lag {
  #consumer: AuditConsumer | undefined;
  #last: LagValues | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly entries: Entries,
    readonly log: Logger,
  ) {}

  /** The current values (and remembers them). */
  async read(): Promise<LagValues> {
    const c = this.#consumer;
    if (c === undefined) throw ResError.unavailable('The audit consumer is not running yet');
    const [p, rejected] = await Promise.all([c.position(), this.entries.rejectedCount()]);
    const v: LagValues = { lag: p.pending + p.ackPending, ...p, rejected };
    this.#last = v;
    return v;
  }

  /** Checks every `intervalMs`; `changed` gets values that differ from the last ones seen. */
  start(consumer: AuditConsumer, intervalMs: number, changed: (v: LagValues) => void, registry?: Registry): void {
    this.#consumer = consumer;
    if (registry !== undefined) {
      const last = (): LagValues | undefined => this.#last;
      new Gauge({
        name: 'hub_audit_lag_messages',
        help: 'Domain events of the consumed subjects in the AUDIT stream that the audit trail has not stored yet.',
        registers: [registry],
        collect() {
          const v = last();
          if (v !== undefined) this.set(v.lag);
        },
      });
    }
    const tick = async (): Promise<void> => {
      const before = this.#last;
      const v = await this.read();
      if (v.lag > 0 || (before !== undefined && before.lag !== v.lag)) this.log.info({ ...v }, 'audit lag');
      if (!same(before, v)) changed(v);
    };
    this.#timer = setInterval(() => {
      tick().catch((err: unknown) => {
        this.log.warn({ err }, 'audit lag not read');
      });
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
