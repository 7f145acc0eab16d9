/**
 * The customer service as benchmarks run it: its own process (a core of its own, as in
 * production), the whole production path (store, cache, relay, default middleware), quiet logs.
 */
import { createCustomerService } from '../services/customer/src/service.ts';

const env = (k: string): string => {
  const v = process.env[k];
  if (v === undefined) throw new Error(`${k} is not set`);
  return v;
};
const service = await createCustomerService({ natsUrl: env('NATS_URL'), databaseUrl: env('DATABASE_URL'), redisUrl: env('REDIS_URL'), logLevel: 'warn' });
await service.start();
process.stdout.write('READY\n');
process.on('SIGTERM', () => { void service.close().then(() => process.exit(0)); });
