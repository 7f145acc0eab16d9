/**
 * Baseline of the fanout benchmark: the floor of serving a live customer — a bare nats.js responder
 * that answers the same access and get as the customer service (BENCH_ACCESS, BENCH_MODEL: the
 * replies the customer service gave, taken at start) and a `set` with the same change event and
 * reply, from memory: no validation, queue, database, cache or outbox.
 */
import { connect } from '@nats-io/transport-node';

const name = process.env.BENCH_SERVICE ?? 'bare';
const access = process.env.BENCH_ACCESS ?? '{"result":{"get":true,"call":"*"}}';
const model = JSON.parse(process.env.BENCH_MODEL ?? '{}') as Record<string, unknown>;
/** Per customer id, its current model. */
const models = new Map<string, Record<string, unknown>>();
const modelOf = (id: string): Record<string, unknown> => {
  let m = models.get(id);
  if (m === undefined) models.set(id, (m = { ...model, id }));
  return m;
};
const idOf = (subject: string, from: number): string => subject.split('.')[from] ?? '';

const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'bench-customer-bare' });
nc.subscribe(`access.${name}.customer.*`, { callback: (_e, msg) => { msg.respond(access); } });
nc.subscribe(`get.${name}.customer.*`, {
  callback: (_e, msg) => {
    msg.respond(JSON.stringify({ result: { model: modelOf(idOf(msg.subject, 3)) } }));
  },
});
nc.subscribe(`call.${name}.customer.*.set`, {
  callback: (_e, msg) => {
    const id = idOf(msg.subject, 3);
    const m = modelOf(id);
    const { params } = msg.json<{ params?: Record<string, unknown> }>();
    // The customer service's change event: version and updatedAt, then the changed fields.
    const values: Record<string, unknown> = { version: Number(m.version) + 1, updatedAt: new Date().toISOString() };
    for (const [k, v] of Object.entries(params ?? {})) if (m[k] !== v) values[k] = v;
    Object.assign(m, values);
    nc.publish(`event.${name}.customer.${id}.change`, JSON.stringify({ values }));
    msg.respond('{"result":null}');
  },
});
await nc.flush();
process.stdout.write('READY\n');
process.on('SIGTERM', () => { void nc.drain().then(() => process.exit(0)); });
