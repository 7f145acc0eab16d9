/**
 * The drills' NATS cluster: the test kit's (loopback routes, the platform's server settings), without
 * JetStream — the drills' services on it need only core NATS.
 */
import { privateNatsCluster, type NatsCluster } from '@hub/testkit';

export type { ClusterNode } from '@hub/testkit';

export function natsCluster(size = 3): Promise<NatsCluster> {
  return privateNatsCluster({ size });
}
