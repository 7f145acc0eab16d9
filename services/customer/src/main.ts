/** Entry point: configuration in, service running until SIGINT/SIGTERM. */
import { configOrExit, runService } from '@hub/res';
import { configSchema } from './config.ts';
import { createCustomerService } from './service.ts';

const c = configOrExit(configSchema);
await runService(await createCustomerService({ natsUrl: c.NATS_URL, databaseUrl: c.DATABASE_URL, redisUrl: c.REDIS_URL, logLevel: c.LOG_LEVEL }));
