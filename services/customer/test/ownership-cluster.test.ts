// The ownership storm across a two-node NATS cluster: Resgate on one node, the customer instances
// (and identity, which Resgate asks for header auth) on the other, so every request, reply and
// event crosses the route between the servers. One owner per resource still means one ordered
// stream of its events: no client sees a version go back, and all end on Postgres' state.
import { describe, it } from 'vitest';
import { freePort, startResgate } from '@hub/servers';
import { accessToken, cleanup, dataScope, hub, privateNatsCluster, privatePostgres, privateRedis } from '@hub/testkit';
import { startServiceProcess } from '../../../tests/lib/processes.ts';
import { settled, startInstance } from './instances.ts';
import { storm } from './storm.ts';

describe('ownership across a two-node NATS cluster', () => {
  it(
    'the storm with Resgate on one node and 3 instances on the other: no client sees a version go back',
    { timeout: 180_000 },
    async () => {
      const cluster = await privateNatsCluster({ size: 2, jetstream: true });
      const [gatewayNode, serviceNode] = cluster.nodes;
      if (gatewayNode === undefined || serviceNode === undefined) throw new Error('no nodes');
      // Identity on servers of its own: its leases and profiles must not mix with the platform's identity.
      const [pg, redis] = await Promise.all([privatePostgres(), privateRedis()]);
      await startServiceProcess({
        service: 'identity',
        name: 'identity',
        env: {
          NATS_URL: serviceNode.url,
          DATABASE_URL: pg.url,
          REDIS_URL: redis.url,
          KEYCLOAK_ISSUER: hub().keycloakIssuer,
          BACKCHANNEL_PORT: '0',
        },
      });
      const scope = dataScope('ownc');
      const instances = await Promise.all([1, 2, 3].map(() => startInstance(scope, { natsUrl: serviceNode.url })));
      await settled(
        scope,
        instances.map((i) => i.id),
      );
      const port = await freePort();
      const resgate = await startResgate({ port, natsUrl: gatewayNode.url, requestTimeoutMs: 3000, log: () => undefined });
      cleanup(resgate, (r) => r.stop());
      await storm(scope, await accessToken('writer'), 'cluster storm', {
        http: `http://127.0.0.1:${String(port)}`,
        ws: `ws://127.0.0.1:${String(port)}`,
      });
    },
  );
});
