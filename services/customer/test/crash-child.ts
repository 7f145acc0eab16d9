/**
 * The customer service as a process of its own, for crash.test.ts: the test kills it with
 * SIGKILL, which no in-process fault hook can imitate (no finally blocks, no drain, sockets cut).
 * Same code path as main.ts; only the name, schema and cache prefix come from the test's scope.
 */
import { createCustomerService } from '../src/service.ts';

const env = (k: string): string => {
  const v = process.env[k];
  if (v === undefined) throw new Error(`${k} is not set`);
  return v;
};
const name = env('CUSTOMER_NAME');
const service = await createCustomerService({
  name, schema: name, cachePrefix: name, natsUrl: env('NATS_URL'), databaseUrl: env('DATABASE_URL'), redisUrl: env('REDIS_URL'), logLevel: 'error',
});
await service.start();
process.stdout.write('READY\n');
