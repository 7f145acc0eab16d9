/**
 * The customer service as a process of its own, for crash.test.ts: the test kills it with
 * SIGKILL, which no in-process fault hook can imitate (no finally blocks, no drain, sockets cut).
 * Same configuration and code path as main.ts; only the name (schema, cache prefix) comes from
 * the test's scope.
 */
import { configOrExit, z } from '@hub/res';
import { configSchema } from '../src/config.ts';
import { createCustomerService } from '../src/service.ts';

const c = configOrExit(configSchema.extend({ CUSTOMER_NAME: z.string().min(1) }));
const service = await createCustomerService({
  name: c.CUSTOMER_NAME, schema: c.CUSTOMER_NAME, cachePrefix: c.CUSTOMER_NAME,
  natsUrl: c.NATS_URL, databaseUrl: c.DATABASE_URL, redisUrl: c.REDIS_URL, logLevel: 'error',
});
await service.start();
process.stdout.write('READY\n');
