/** Entry point: configuration in, service running until SIGINT/SIGTERM. */
import { configOrExit, runService } from '@hub/res';
import { configSchema } from './config.ts';
import { createLibraryService } from './service.ts';

const config = configOrExit(configSchema);
await runService(createLibraryService({ natsUrl: config.NATS_URL, logLevel: config.LOG_LEVEL }));
