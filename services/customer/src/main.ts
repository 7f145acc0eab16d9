/** Entry point: configuration in, service running until SIGINT/SIGTERM. */
import { runService } from '@hub/res';
import { loadConfig } from './config.ts';
import { createCustomerService } from './service.ts';

const c = loadConfig();
await runService(await createCustomerService({ natsUrl: c.NATS_URL, databaseUrl: c.DATABASE_URL, redisUrl: c.REDIS_URL, logLevel: c.LOG_LEVEL }));
