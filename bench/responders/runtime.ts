/**
 * System under test: the same item model served by a @hub/res service — routing, access check
 * skipped by Resgate-less gets, per-resource queue, tracing middleware and reply encoding included.
 * The default middleware stack stays on (it is what production runs); only the log level is quiet.
 */
import { createService, defineResource, model } from '@hub/res';
import { itemModel } from './item.ts';

const item = defineResource({
  pattern: 'item.$id',
  kind: 'model',
  access: () => true,
  get: ({ params }) => model(itemModel(params.id)),
});

const service = createService({
  name: process.env.BENCH_SERVICE ?? 'runtime',
  resources: [item],
  nats: { servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
  logLevel: 'warn',
});
await service.start();
process.stdout.write('READY\n');
process.on('SIGTERM', () => { void service.close().then(() => process.exit(0)); });
