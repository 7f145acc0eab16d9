/**
 * Ownership's hook into the runtime. With several instances of a service, each resource is owned
 * by exactly one of them (see `@hub/service`'s ownership): every instance receives the requests of
 * owned resources (no queue group), and a gate decides in the NATS callback whether this one
 * handles a request now. Requests of `parallel` resources and access requests stay load-balanced
 * in the queue group: they carry nothing to order.
 */
import type { Msg } from '@nats-io/transport-node';

export interface RequestGate {
  /**
   * True: handle the request (this instance owns its resource). False: another instance does; the
   * gate may keep the message and hand it back through `GateHost.redeliver` if this instance
   * takes the resource over before it is stale.
   */
  admit(key: string, msg: Msg): boolean;
}

/** What the runtime offers a gate. */
export interface GateHost {
  /** Handles a message the gate kept, as if it had just arrived and been admitted. */
  redeliver(msg: Msg): void;
  /** Resolves true once no handler runs or waits under a key `match` accepts (false after `timeoutMs`). */
  idleWhere(match: (key: string) => boolean, timeoutMs: number): Promise<boolean>;
  /** `system.reset` for every resource pattern the service owns. */
  reset(): void;
}

/** Builds the gate once the service is connected. */
export type GateFactory = (host: GateHost) => RequestGate;
