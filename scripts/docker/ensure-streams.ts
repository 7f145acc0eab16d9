/**
 * One-shot job of the stack (bundled to dist/tools/ensure-streams.js, run from a service image):
 * makes the JetStream streams the services publish to replicated across the NATS cluster. The
 * services create `AUDIT` themselves when it is missing, with the server's default of one replica;
 * this job creates it first, or raises an existing one to STREAM_REPLICAS (JetStream scales a
 * stream's replicas in place), so whichever runs first the stream ends up R3. Idempotent.
 */
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { AUDIT_STREAM, DUPLICATE_WINDOW_MS } from '@hub/store';
import { configOrExit, z } from '@hub/res';

const configSchema = z.object({
  NATS_URL: z.string().min(1),
  STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(3),
});

const c = configOrExit(configSchema);
const nc = await connect({ servers: c.NATS_URL.split(','), name: 'ensure-streams', reconnect: false });
try {
  const jsm = await jetstreamManager(nc);
  const existing = await jsm.streams.info(AUDIT_STREAM).catch(() => undefined);
  if (existing === undefined) {
    await jsm.streams.add({ name: AUDIT_STREAM, subjects: ['audit.>'], duplicate_window: DUPLICATE_WINDOW_MS * 1_000_000, num_replicas: c.STREAM_REPLICAS });
    process.stdout.write(`created ${AUDIT_STREAM} with ${String(c.STREAM_REPLICAS)} replicas\n`);
  } else if (existing.config.num_replicas !== c.STREAM_REPLICAS) {
    await jsm.streams.update(AUDIT_STREAM, { num_replicas: c.STREAM_REPLICAS });
    process.stdout.write(`${AUDIT_STREAM}: replicas ${String(existing.config.num_replicas)} → ${String(c.STREAM_REPLICAS)}\n`);
  } else {
    process.stdout.write(`${AUDIT_STREAM} already has ${String(c.STREAM_REPLICAS)} replicas\n`);
  }
} finally {
  await nc.close();
}
