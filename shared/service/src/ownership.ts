/**
 * One owner per resource across the instances of a service. RES requires a resource's events to
 * come from the instance that answers its requests, in order, and NATS orders messages only per
 * connection: two instances writing one resource reorder its events in every gateway. So each
 * resource (by queue key) is hashed to one of P partitions, and each partition is owned by one
 * instance at a time:
 *
 * - Leases in Postgres (the service's own schema; see @hub/store's leases.ts), renewed every tick,
 *   with an epoch that every write checks in its own statement (fencing): an owner paused past its
 *   lease cannot commit after another instance took over. Partitions are spread over the live
 *   instances by rendezvous hashing with bounded loads (`placePartitions`): no instance holds more
 *   than its fair share, and a join or leave moves few partitions besides the ones it must.
 * - Routing on a stock NATS server: every instance subscribes to the owned resources' subjects
 *   (no queue group) and answers only what it owns — the inbound cost is one copy of each
 *   request per instance, parsed up to its subject. Access requests stay load-balanced.
 * - A graceful handover loses no request: the old owner stops admitting, lets the partition's
 *   handlers finish, flushes its events, and releases the lease with a *cut* — per requester
 *   (reply inbox prefix) the last request it admitted. Every instance keeps the requests it did
 *   not admit for a few seconds; the new owner answers those after the cut. NATS delivers one
 *   requester's messages to every subscriber in the same order, so the cut is exact.
 * - A dead owner (kill -9) loses its partitions when its lease expires (LEASE_TTL_MS); the new
 *   owner answers the gets kept meanwhile, and of the calls only those that arrive after it took
 *   over (the fate of earlier ones is unknown: answering them could apply a write twice).
 * - Every acquisition relays pending outbox rows and then resets the service's resources, so
 *   gateways refetch what the previous owner served.
 *
 * Events of a paused owner: the platform runs NATS with a short ping interval (shared/servers),
 * so the server drops a frozen client's connection before its lease can expire — what it had not
 * yet written to its socket never reaches a gateway. A local lease check guards everything else.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { ResError } from '@hub/res';
import type { GateHost, RequestGate } from '@hub/res/internal';
import type { Acquired, Fence, Leases, PartitionState, Placement, Relay } from '@hub/store';

/** Partitions per service unless configured (HUB_PARTITIONS). */
export const DEFAULT_PARTITIONS = 8;
/** A lease lives this long unless renewed; a dead owner's partitions move after it. */
export const LEASE_TTL_MS = 1500;
/** Renewal (and rebalancing) period. */
export const TICK_MS = 300;
/** Local validity ends this long before the lease's, measured from before the renewal was sent. */
const SAFETY_MS = 200;
/** Requests this instance did not admit are kept this long, for a handover (Resgate's timeout). */
const KEEP_MS = 3000;
const KEEP_MAX = 20_000;
/** A handover's cut marker not seen by then is given up (its requester's later requests are answered). */
const CUT_WAIT_MS = 1000;
/** A planned takeover tick runs this long after the lease's expiry (clocks of Node and Postgres differ a little). */
const WAKE_AFTER_EXPIRY_MS = 20;
/** How long a release waits for the partition's handlers. */
const DRAIN_MS = 5000;

/** 32-bit FNV-1a of a string's UTF-8 bytes. @example fnv1a('customer.customer.7') */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * MurmurHash3's finaliser: FNV-1a alone barely separates strings that differ in their last bytes
 * (instance ids share a prefix), which would rank the same member first for most partitions.
 */
function mix32(h: number): number {
  let x = h;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * Who owns each of `partitions` partitions among `members`: rendezvous hashing with bounded loads.
 * Plain rendezvous (each partition to its highest-scoring member) is uneven with few partitions —
 * 8 over 3 instances gave one of them 4 or more (half the load) for 74% of 2,000 sets of
 * real-shaped ids (`host-pid-hex`, see `Ownership.instanceId`), and 5 or more for 26% — so no member takes more
 * than its fair share, ceil(P / N): (partition, member) pairs are visited best score first, and a
 * partition goes to the first member of its pairs that still has room. Every instance computes the
 * same placement from the same member list (order and duplicates do not matter). A leaving member's
 * partitions move, and a few others may move to even the shares out again; leases decide while two
 * instances' views of the members differ.
 * @example placePartitions(8, ['a', 'b', 'c']) // ['a', 'a', 'c', 'a', 'c', 'c', 'b', 'b']
 */
export function placePartitions(partitions: number, members: readonly string[]): (string | undefined)[] {
  const owners = new Array<string | undefined>(partitions).fill(undefined);
  const unique = [...new Set(members)];
  if (unique.length === 0) return owners;
  const share = Math.ceil(partitions / unique.length);
  const pairs: { p: number; m: string; score: number }[] = [];
  for (let p = 0; p < partitions; p++) for (const m of unique) pairs.push({ p, m, score: mix32(fnv1a(`${String(p)}/${m}`)) });
  pairs.sort((a, b) => b.score - a.score || (a.m < b.m ? -1 : a.m > b.m ? 1 : 0) || a.p - b.p);
  const load = new Map<string, number>();
  for (const { p, m } of pairs) {
    const n = load.get(m) ?? 0;
    if (owners[p] !== undefined || n >= share) continue;
    owners[p] = m;
    load.set(m, n + 1);
  }
  return owners;
}

/** The part of a reply subject that names the requester's connection (`_INBOX.<nuid>` of `_INBOX.<nuid>.<n>`). */
function prefixOf(reply: string): string {
  const i = reply.lastIndexOf('.');
  return i === -1 ? reply : reply.slice(0, i);
}

interface Held {
  readonly epoch: number;
  validUntil: number;
  admitting: boolean;
  /** Per requester, the last request admitted (what a release's cut is made of). */
  readonly last: Map<string, { readonly reply: string; readonly at: number }>;
  /** Per requester, the previous owner's last request, until it passes here: earlier ones were its. */
  skip: Map<string, string> | undefined;
}

interface Kept {
  readonly p: number;
  readonly prefix: string;
  readonly reply: string;
  readonly msg: Msg;
  readonly at: number;
}

/** A release's handover note: per requester prefix, the last admitted reply and its age. */
type Cut = Record<string, { readonly reply: string; readonly ageMs: number }>;

export interface OwnershipOptions {
  readonly service: string;
  readonly leases: Leases;
  readonly relay: Relay | undefined;
  /** The read cache: a handover waits until its invalidations are answered (the next owner reads it on its own connection). */
  readonly cache?: { settled(): Promise<void> } | undefined;
  readonly log: Logger;
}

export class Ownership implements RequestGate, Placement {
  readonly me: string;
  readonly #o: OwnershipOptions;
  readonly #held = new Map<number, Held>();
  #kept: Kept[] = [];
  /** Per partition, the epoch under which this instance last released it (see `#acquire`). */
  readonly #releasedEpoch = new Map<number, number>();
  #members: readonly string[] = [];
  readonly #notices = new Map<string, (payload: string) => void>();
  #host: GateHost | undefined;
  #nc: NatsConnection | undefined;
  #subs: Subscription[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** A tick planned for the moment another instance's lease runs out (see `#wakeAtExpiry`). */
  #wake: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  /** Takeovers' relay-then-reset, one after another; ticks never wait for them (see `#tick`). */
  #after: Promise<void> = Promise.resolve();
  #again = false;
  #closed = false;
  #degraded = false;
  #started = false;
  /** When this instance's NATS connection last (re)started (`performance.now()`). */
  #connectedAt = 0;

  constructor(o: OwnershipOptions) {
    this.#o = o;
    this.me = o.leases.me;
  }

  /** A unique id for this process. */
  static instanceId(): string {
    return `${hostname()}-${String(process.pid)}-${randomBytes(3).toString('hex')}`;
  }

  get partitions(): number {
    return this.#o.leases.partitions;
  }
  /** True once the first tick ran: this instance holds what it should (readiness). */
  get started(): boolean {
    return this.#started;
  }
  /** The partitions this instance holds now (tests, metrics, readiness). */
  get held(): readonly number[] {
    return [...this.#held.keys()].sort((a, b) => a - b);
  }

  partitionOf(key: string): number {
    return fnv1a(key) % this.partitions;
  }

  /** The gate factory for `createService({ gate })`. */
  gate(host: GateHost): RequestGate {
    this.#host = host;
    return this;
  }

  admit(key: string, msg: Msg): boolean {
    const p = this.partitionOf(key);
    const h = this.#held.get(p);
    const reply = msg.reply ?? '';
    const now = performance.now();
    // Leases unreachable (Postgres away): a held partition stays admitted — gets are answered
    // (from the cache), calls fail fast at their fence with hub.unavailable instead of timing out.
    // A takeover notice (below) ends that if another instance could take the partition.
    if (h !== undefined && h.admitting && (now < h.validUntil || this.#degraded)) {
      const prefix = prefixOf(reply);
      if (this.#beforeCut(h, prefix, reply, msg)) return false;
      h.last.set(prefix, { reply, at: now });
      return true;
    }
    this.#keep({ p, prefix: prefixOf(reply), reply, msg, at: now });
    return false;
  }

  /**
   * Holding the partition and admitting its requests — whether or not this instance's local
   * validity has run out (a slow tick on a busy machine): it is still the only one that may hold it
   * until its lease expires in Postgres, so its searches' query events are its to send. (Requests
   * and writes check validity: `admit`, `fence`, `holds`.)
   */
  owns(key: string): boolean {
    const h = this.#held.get(this.partitionOf(key));
    return h !== undefined && h.admitting;
  }

  holds(key: string): boolean {
    const h = this.#held.get(this.partitionOf(key));
    return h !== undefined && performance.now() < h.validUntil;
  }

  fence(key: string): Fence {
    const p = this.partitionOf(key);
    const h = this.#held.get(p);
    if (h === undefined || performance.now() >= h.validUntil)
      throw ResError.unavailable('This instance no longer owns the resource; retry');
    return { partition: p, epoch: h.epoch, owner: this.me };
  }

  notify(key: string, payload: string): void {
    this.#nc?.publish(`_HUB.${this.#o.service}.notice.${String(this.partitionOf(key))}`, JSON.stringify({ key, payload }));
  }

  onNotice(key: string, fn: (payload: string) => void): void {
    this.#notices.set(key, fn);
  }

  /** Joins: subscribes the notices, takes this instance's partitions, then keeps ticking. */
  async start(nc: NatsConnection): Promise<void> {
    this.#nc = nc;
    this.#connectedAt = performance.now();
    void (async () => {
      for await (const st of nc.status()) if (st.type === 'reconnect') this.#connectedAt = performance.now();
    })().catch(() => undefined);
    await this.#o.leases.ensure();
    const svc = this.#o.service;
    this.#subs = [
      nc.subscribe(`_HUB.${svc}.own`, {
        callback: (_e, m) => {
          this.#takenOver(m);
          this.#tickSoon();
        },
      }),
      nc.subscribe(`_HUB.${svc}.notice.*`, {
        callback: (_e, m) => {
          this.#notice(m);
        },
      }),
    ];
    // The first tick like every other (#tickSoon): a join announced by another instance meanwhile
    // runs after it, never beside it (two ticks at once judged each other's acquisitions as lost).
    this.#tickSoon();
    await this.#ticking;
    this.#timer = setInterval(() => {
      this.#tickSoon();
    }, TICK_MS);
    this.#timer.unref();
    await this.#after; // ready once what it took is relayed and reset (renewals run meanwhile)
    this.#started = true;
    this.#announce();
  }

  /** Leaves gracefully: every partition handed over with its cut, then out of the member list. */
  async leave(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#started) return; // never joined (stopped while waiting for Postgres): nothing to hand over
    clearInterval(this.#timer);
    clearTimeout(this.#wake);
    await this.#ticking;
    try {
      await this.#o.leases.leave();
      this.#announce();
      await Promise.all(this.held.map((p) => this.#release(p)));
      await this.#o.leases.forget();
    } catch (err) {
      this.#o.log.warn({ err }, 'leaving: partitions not released (they move when their leases expire)');
    }
    for (const s of this.#subs) s.unsubscribe();
  }

  #keep(k: Kept): void {
    const kept = this.#kept;
    let drop = 0;
    while (drop < kept.length && (k.at - (kept[drop]?.at ?? 0) > KEEP_MS || kept.length - drop >= KEEP_MAX)) drop++;
    if (drop > 0) kept.splice(0, drop);
    kept.push(k);
  }

  #notice(m: Msg): void {
    let n: { key?: unknown; payload?: unknown };
    try {
      n = m.json();
    } catch {
      return;
    }
    if (typeof n.key !== 'string' || typeof n.payload !== 'string' || !this.owns(n.key)) return;
    this.#notices.get(n.key)?.(n.payload);
  }

  /**
   * Another instance took a partition over from an expired owner. If that was us (our leases are
   * unreachable, so we still hold it locally), we stop answering it now: our fast refusals must
   * not race the new owner's answers.
   */
  #takenOver(m: Msg): void {
    if (m.data.length === 0) return;
    let n: { took?: unknown; epoch?: unknown; by?: unknown };
    try {
      n = m.json();
    } catch {
      return;
    }
    if (typeof n.took !== 'number' || typeof n.epoch !== 'number' || n.by === this.me) return;
    const h = this.#held.get(n.took);
    if (h === undefined || h.epoch >= n.epoch) return;
    this.#held.delete(n.took);
    this.#o.log.warn({ partition: n.took, by: n.by }, 'partition taken over by another instance');
  }

  /** Tells the other instances to look at the leases now (a join, a leave, a release). */
  #announce(): void {
    this.#nc?.publish(`_HUB.${this.#o.service}.own`);
  }

  #tickSoon(): void {
    if (this.#closed) return;
    if (this.#ticking !== undefined) {
      this.#again = true;
      return;
    }
    this.#ticking = this.#tick().finally(() => {
      this.#ticking = undefined;
      if (this.#again) {
        this.#again = false;
        this.#tickSoon();
      }
    });
  }

  async #tick(): Promise<void> {
    const t0 = performance.now();
    // Only what this renewal was sent for can be judged by it: a partition acquired meanwhile (by
    // an acquisition still finishing) is not in it, and is not lost.
    const sent = this.held;
    let r;
    try {
      r = await this.#o.leases.tick(sent);
      if (this.#degraded) this.#o.log.info('leases reachable again');
      this.#degraded = false;
    } catch (err) {
      if (!this.#degraded) this.#o.log.warn({ err }, 'leases unreachable: serving cached reads of held partitions, refusing writes');
      this.#degraded = true;
      return;
    }
    for (const [p, h] of this.#held) {
      if (!sent.includes(p)) continue;
      if (r.renewed.get(p) === h.epoch) {
        const lapsed = performance.now() >= h.validUntil;
        h.validUntil = t0 + LEASE_TTL_MS - SAFETY_MS;
        // Renewed under the same epoch after this instance's own validity had run out (a slow tick
        // on a busy machine, or Postgres away for a while): nobody else could take the partition
        // meanwhile, so what this instance kept instead of answering was answered by no one.
        if (lapsed && h.admitting) this.#replayKept(p, h);
      } else if (h.admitting) {
        this.#held.delete(p);
        this.#o.log.warn({ partition: p }, 'lease lost');
      }
    }
    this.#members = r.members;
    if (this.#closed) return;
    this.#wakeAtExpiry(r.partitions);
    const acquired: number[] = [];
    const placed = placePartitions(this.partitions, this.#members);
    for (const s of r.partitions) {
      const target = placed[s.partition];
      if (target === this.me && !this.#held.has(s.partition) && (s.owner === null || !s.live)) {
        if (await this.#acquire(s.partition, t0)) acquired.push(s.partition);
      } else if (target !== undefined && target !== this.me && this.#held.get(s.partition)?.admitting === true) {
        void this.#release(s.partition);
      }
    }
    // Not awaited: the relay may wait a long time for row locks — a frozen (SIGSTOP) previous
    // owner's relay holds its batch's rows until Postgres ends its session — and a tick that waited
    // would stop renewing every lease this instance holds (seen in the SIGSTOP drill: both
    // survivors stalled, every partition expired).
    if (acquired.length > 0) {
      this.#after = this.#after.then(() => this.#afterAcquire(acquired));
    }
  }

  /**
   * Plans a tick for just after the earliest live lease of another instance whose partition would
   * come to this one if that instance were gone: a dead owner's partitions then move as soon as its
   * lease (and, at the same moment, its membership) runs out, instead of up to a tick later. While
   * the owner lives it renews, the expiry moves on, and the planned tick is replaced before it runs.
   */
  #wakeAtExpiry(partitions: readonly PartitionState[]): void {
    let soonest = Infinity;
    /** Per other owner, the placement if it were gone. */
    const without = new Map<string, (string | undefined)[]>();
    for (const s of partitions) {
      if (!s.live || s.owner === null || s.owner === this.me) continue;
      const owner = s.owner;
      let placed = without.get(owner);
      if (placed === undefined) {
        placed = placePartitions(
          this.partitions,
          this.#members.filter((m) => m !== owner),
        );
        without.set(owner, placed);
      }
      if (placed[s.partition] === this.me) soonest = Math.min(soonest, s.remainingMs);
    }
    clearTimeout(this.#wake);
    this.#wake = undefined;
    if (soonest === Infinity) return;
    this.#wake = setTimeout(() => {
      this.#wake = undefined;
      this.#tickSoon();
    }, soonest + WAKE_AFTER_EXPIRY_MS);
    this.#wake.unref();
  }

  async #acquire(p: number, t0: number): Promise<boolean> {
    let a: Acquired | undefined;
    try {
      a = await this.#o.leases.acquire(p);
    } catch (err) {
      this.#o.log.warn({ err, partition: p }, 'acquiring a partition failed');
      return false;
    }
    if (a === undefined) return false; // another instance was first
    const h: Held = { epoch: a.epoch, validUntil: t0 + LEASE_TTL_MS - SAFETY_MS, admitting: true, last: new Map(), skip: undefined };
    // Synchronously from here: the requests kept so far are queued before any new one is admitted.
    const kept = this.#kept.filter((k) => k.p === p);
    this.#kept = this.#kept.filter((k) => k.p !== p);
    const now = performance.now();
    const fresh = kept.filter((k) => now - k.at < KEEP_MS);
    this.#held.set(p, h);
    const prev = a.previous;
    if (prev.kind === 'expired' && prev.owner === this.me) {
      // Our own lease ran out while Postgres was away and nobody took it meanwhile (the epoch went
      // from ours to ours): every request kept meanwhile was kept by us, admitted nowhere — answer all.
      for (const k of fresh) this.#host?.redeliver(k.msg);
      this.#o.log.info({ partition: p, epoch: a.epoch, replayed: fresh.length }, 'partition taken back after its lease expired');
      return true;
    }
    if (prev.kind === 'expired') {
      // Calls of unknown fate are dropped (answering could apply a write twice); gets are answered:
      // they change nothing, and a gateway whose get after a reset went unanswered stops
      // applying the resource's events.
      // The expired owner may still hold it locally (its leases unreachable): tell it.
      this.#nc?.publish(`_HUB.${this.#o.service}.own`, JSON.stringify({ took: p, epoch: a.epoch, by: this.me }));
      const gets = fresh.filter((k) => k.msg.subject.startsWith('get.'));
      for (const k of gets) this.#host?.redeliver(k.msg);
      this.#o.log.warn(
        { partition: p, previous: prev.owner, epoch: a.epoch, dropped: fresh.length - gets.length, replayed: gets.length },
        'partition taken over from an expired owner',
      );
      return true;
    }
    // Our own cut — we released p and take it back with nobody in between (a placement that
    // flapped while a member left) — names requests we admitted, which we never kept: none of its
    // markers would pass, and every call after them would be dropped until CUT_WAIT_MS. Everything
    // we kept, we did not admit.
    const ownCut = prev.kind === 'released' && this.#releasedEpoch.get(p) === a.epoch - 1;
    if (prev.kind === 'released' && !ownCut) h.skip = this.#skipMap(prev.handover as Cut | null);
    for (const k of fresh) {
      if (this.#beforeCut(h, k.prefix, k.reply, k.msg)) continue;
      h.last.set(k.prefix, { reply: k.reply, at: k.at });
      this.#host?.redeliver(k.msg);
    }
    if (h.skip !== undefined && h.skip.size > 0) {
      // A marker that never shows was older than what this instance kept: everything after is ours.
      setTimeout(() => {
        h.skip = undefined;
      }, CUT_WAIT_MS).unref();
    }
    this.#o.log.info({ partition: p, epoch: a.epoch, previous: prev.kind, ownCut, replayed: fresh.length }, 'partition acquired');
    return true;
  }

  /** Answers, in arrival order, the still-fresh requests of `p` this instance kept while not admitting them. */
  #replayKept(p: number, h: Held): void {
    const now = performance.now();
    const kept = this.#kept.filter((k) => k.p === p && now - k.at < KEEP_MS);
    this.#kept = this.#kept.filter((k) => k.p !== p);
    for (const k of kept) {
      h.last.set(k.prefix, { reply: k.reply, at: k.at });
      this.#host?.redeliver(k.msg);
    }
    if (kept.length > 0) this.#o.log.warn({ partition: p, replayed: kept.length }, 'lease validity had lapsed; kept requests answered');
  }

  /**
   * True for a call the previous owner answered: it came before that owner's cut for its requester.
   * Gets are answered anyway — twice is harmless, and a gateway whose get goes unanswered (after a
   * reset) ignores the resource's events until it times out.
   */
  #beforeCut(h: Held, prefix: string, reply: string, msg: Msg): boolean {
    const marker = h.skip?.get(prefix);
    if (marker === undefined) return false;
    if (marker === reply) h.skip?.delete(prefix);
    return !msg.subject.startsWith('get.');
  }

  /**
   * The cut's markers this instance can still see pass: inside the window it keeps requests for,
   * and published after its connection to NATS (re)started — a marker older than that was never
   * delivered here, so every request kept from that requester comes after it.
   */
  #skipMap(cut: Cut | null): Map<string, string> | undefined {
    if (cut === null) return undefined;
    const connectedFor = performance.now() - this.#connectedAt;
    const m = new Map<string, string>();
    for (const [prefix, c] of Object.entries(cut)) if (c.ageMs < KEEP_MS && c.ageMs < connectedFor) m.set(prefix, c.reply);
    return m.size === 0 ? undefined : m;
  }

  /** What a new owner does before serving: the outbox relayed, then gateways refetch. */
  async #afterAcquire(partitions: readonly number[]): Promise<void> {
    try {
      await this.#o.relay?.flush();
    } catch (err) {
      this.#o.log.warn({ err, partitions }, 'outbox not relayed before takeover; the relay retries');
    }
    if (!this.#closed) this.#host?.reset();
  }

  async #release(p: number): Promise<void> {
    const h = this.#held.get(p);
    if (h === undefined || !h.admitting) return;
    h.admitting = false; // from now on this instance keeps p's requests instead of answering them
    const now = performance.now();
    const cut: Cut = {};
    for (const [prefix, l] of h.last) if (now - l.at < KEEP_MS) cut[prefix] = { reply: l.reply, ageMs: Math.round(now - l.at) };
    const quiet = (await this.#host?.idleWhere((key) => this.partitionOf(key) === p, DRAIN_MS)) ?? true;
    if (!quiet) this.#o.log.warn({ partition: p }, 'releasing a partition with handlers still running');
    try {
      await this.#o.cache?.settled();
      await this.#host?.flush(); // its events reach the gateways before the new owner's
      await this.#o.leases.release(p, h.epoch, cut);
      this.#releasedEpoch.set(p, h.epoch);
      this.#o.log.info({ partition: p, epoch: h.epoch }, 'partition released');
    } catch (err) {
      this.#o.log.warn({ err, partition: p }, 'release failed; the lease expires instead');
    } finally {
      this.#held.delete(p);
      this.#announce();
    }
  }
}
