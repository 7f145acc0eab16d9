/**
 * The customer service as benchmarks run it: its own process (a core of its own, as in
 * production), the production configuration and path (store, cache, relay, default middleware),
 * quiet logs.
 */
import { configOrExit } from '@hub/res';
import { configSchema } from '../services/customer/src/config.ts';
import { createCustomerService } from '../services/customer/src/service.ts';

const c = configOrExit(configSchema);
const service = await createCustomerService({ natsUrl: c.NATS_URL, databaseUrl: c.DATABASE_URL, redisUrl: c.REDIS_URL, logLevel: 'warn' });
await service.start();
process.stdout.write('READY\n');
process.on('SIGTERM', () => { void service.close().then(() => process.exit(0)); });
