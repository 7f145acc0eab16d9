/**
 * Baseline: the floor of the cost of answering a RES get — a bare nats.js responder that returns
 * the same JSON as the runtime service, with no routing, validation, queueing or telemetry.
 */
import { connect } from '@nats-io/transport-node';
import { itemModel } from './item.ts';

const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'bench-bare' });
const prefix = `get.${process.env.BENCH_SERVICE ?? 'bare'}.item.`;
nc.subscribe(`${prefix}*`, {
  callback: (_err, msg) => {
    const id = msg.subject.slice(prefix.length);
    msg.respond(JSON.stringify({ result: { model: itemModel(id) } }));
  },
});
await nc.flush();
process.stdout.write('READY\n');
process.on('SIGTERM', () => { void nc.drain().then(() => process.exit(0)); });
