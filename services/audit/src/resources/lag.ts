/**
 * `audit.lag` — how far the stored trail is behind the stream: `lag` events of the consumed
 * subjects are in the stream but not stored yet (`pending` not delivered + `ackPending` delivered,
 * not acked); `streamLastSeq` is the stream's last sequence (all subjects), `ackFloorSeq` the one
 * up to which everything is stored; `redelivered` and `rejected` count deliveries again and
 * messages that were no domain events. Changes are sent as they are seen (every
 * AUDIT_LAG_INTERVAL_MS). Admins only.
 */
import { defineResource, model } from '@hub/res';
import { adminOnly } from '../access.ts';
import type { Lag } from '../lag.ts';

export function lagResource(lag: Lag) {
  return defineResource({
    pattern: 'lag',
    kind: 'model',
    group: 'entries',
    access: adminOnly,
    get: async () => model({ ...(await lag.read()) }),
  });
}
