/** A raw NATS connection to the test server, closed when the test ends. */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { cleanup, hub } from './context.ts';

/**
 * @example const nc = await connectNats(); const msg = await nc.request('get.x', '{}');
 */
export async function connectNats(): Promise<NatsConnection> {
  const nc = await connect({ servers: hub().natsUrl, name: 'testkit' });
  return cleanup(nc, (c) => c.close());
}
