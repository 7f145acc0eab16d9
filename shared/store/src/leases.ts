/**
 * Partition leases in the service's own schema (`hub_leases`, `hub_instances`): the SQL of
 * ownership. Postgres' clock decides every expiry, so instances never compare their own clocks.
 *
 * Contract:
 * - `tick` records this instance as alive, renews the leases it holds that have not expired (an
 *   expired one is lost: another instance may hold it under a newer epoch), and reports the live
 *   instances and every partition's state — one round trip.
 * - `acquire(p)` takes a free (released) or expired partition, bumping its epoch; a graceful
 *   release's handover note comes back with it.
 * - `release` frees a partition this instance holds under `epoch`, leaving a handover note.
 * - `fence(p, epoch)` is the SQL condition every write adds: true only while this instance holds
 *   `p` under `epoch` and the lease has not expired.
 */
import type { Db } from './db.ts';
import type { Bind } from './filters.ts';

/** One partition as a tick sees it. */
export interface PartitionState {
  readonly partition: number;
  readonly owner: string | null;
  readonly live: boolean;
  /** How long a live lease has left unless renewed, in ms by Postgres' clock (0 when not live). */
  readonly remainingMs: number;
}

export interface TickResult {
  /** Live instances (this one included), sorted. */
  readonly members: readonly string[];
  /** The leases this tick renewed: partition → epoch. */
  readonly renewed: ReadonlyMap<number, number>;
  readonly partitions: readonly PartitionState[];
}

/** A write's proof of ownership: checked inside its statement. */
export interface Fence {
  readonly partition: number;
  readonly epoch: number;
  readonly owner: string;
}

const TICK = `WITH beat AS (INSERT INTO hub_instances (id, seen_at) VALUES ($1, clock_timestamp())
    ON CONFLICT (id) DO UPDATE SET seen_at = clock_timestamp(), leaving = false RETURNING id),
  renew AS (UPDATE hub_leases SET expires_at = clock_timestamp() + $2 * interval '1 millisecond'
    WHERE owner = $1 AND partition = ANY($3::int[]) AND expires_at > clock_timestamp() RETURNING partition, epoch)
  SELECT (SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM hub_instances
            WHERE seen_at > clock_timestamp() - $2 * interval '1 millisecond' AND NOT leaving AND id <> $1) AS others,
         (SELECT coalesce(json_agg(json_build_object('p', partition, 'e', epoch)), '[]') FROM renew) AS renewed,
         (SELECT json_agg(json_build_object('p', partition, 'o', owner, 'l', expires_at > clock_timestamp(),
           'r', CASE WHEN expires_at > clock_timestamp() THEN extract(epoch FROM expires_at - clock_timestamp()) * 1000 ELSE 0 END) ORDER BY partition)
          FROM hub_leases) AS leases`;

const ACQUIRE = `WITH old AS (SELECT partition, owner, epoch, handover FROM hub_leases WHERE partition = $1 FOR UPDATE),
  upd AS (UPDATE hub_leases l SET owner = $2, epoch = l.epoch + 1, expires_at = clock_timestamp() + $3 * interval '1 millisecond', handover = NULL
    FROM old WHERE l.partition = old.partition AND (l.owner IS NULL OR l.expires_at <= clock_timestamp()) RETURNING l.epoch)
  SELECT upd.epoch::int AS epoch, old.owner AS previous, old.epoch::int AS previous_epoch, old.handover FROM upd, old`;

const RELEASE =
  "UPDATE hub_leases SET owner = NULL, expires_at = '-infinity', handover = $3 WHERE partition = $1 AND owner = $2 AND epoch = $4";

/** What `acquire` learns about the partition's previous owner. */
export interface Acquired {
  readonly epoch: number;
  /** How the previous owner left: never owned, released (with its handover note), or expired (crashed or paused). */
  readonly previous:
    | { readonly kind: 'none' }
    | { readonly kind: 'released'; readonly handover: unknown }
    | { readonly kind: 'expired'; readonly owner: string };
}

export class Leases {
  constructor(
    private readonly db: Db,
    readonly me: string,
    readonly partitions: number,
    readonly ttlMs: number,
  ) {}

  /** Makes sure every partition has a row (instances agree on the partition count). */
  async ensure(): Promise<void> {
    await this.db.query('INSERT INTO hub_leases (partition) SELECT generate_series(0, $1::int - 1) ON CONFLICT DO NOTHING', [
      this.partitions,
    ]);
    const { rows } = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM hub_leases WHERE partition >= $1', [
      this.partitions,
    ]);
    if ((rows[0]?.n ?? 0) > 0)
      throw new Error(
        `hub_leases has partitions beyond ${String(this.partitions)}: every instance of a service needs the same partition count`,
      );
  }

  async tick(held: readonly number[]): Promise<TickResult> {
    const { rows } = await this.db.query<{
      others: string[];
      renewed: { p: number; e: number }[];
      leases: { p: number; o: string | null; l: boolean; r: number }[] | null;
    }>(TICK, [this.me, this.ttlMs, held]);
    const r = rows[0];
    return {
      members: [...(r?.others ?? []), this.me].sort(),
      renewed: new Map((r?.renewed ?? []).map((x) => [x.p, x.e])),
      partitions: (r?.leases ?? []).map((x) => ({ partition: x.p, owner: x.o, live: x.l, remainingMs: x.r })),
    };
  }

  async acquire(p: number): Promise<Acquired | undefined> {
    const { rows } = await this.db.query<{ epoch: number; previous: string | null; previous_epoch: number; handover: unknown }>(ACQUIRE, [
      p,
      this.me,
      this.ttlMs,
    ]);
    const r = rows[0];
    if (r === undefined) return undefined;
    const previous: Acquired['previous'] =
      r.previous !== null
        ? { kind: 'expired', owner: r.previous }
        : r.previous_epoch === 0
          ? { kind: 'none' }
          : { kind: 'released', handover: r.handover };
    return { epoch: r.epoch, previous };
  }

  async release(p: number, epoch: number, handover: unknown): Promise<void> {
    await this.db.query(RELEASE, [p, this.me, JSON.stringify(handover), epoch]);
  }

  /** This instance stops counting as a member (others rebalance without it). */
  async leave(): Promise<void> {
    await this.db.query('UPDATE hub_instances SET leaving = true WHERE id = $1', [this.me]);
  }

  async forget(): Promise<void> {
    await this.db.query('DELETE FROM hub_instances WHERE id = $1', [this.me]);
  }
}

/** The SQL condition of a write fenced by `f` (values bound). */
export function fenceSql(f: Fence, bind: Bind): string {
  return (
    `EXISTS (SELECT 1 FROM hub_leases WHERE partition = ${bind(f.partition)}::int AND owner = ${bind(f.owner)} ` +
    `AND epoch = ${bind(f.epoch)}::bigint AND expires_at > clock_timestamp())`
  );
}
