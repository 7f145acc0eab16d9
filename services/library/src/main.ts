/** Entry point: configuration in, service running until SIGINT/SIGTERM. */
import { runService } from '@hub/res';
import { loadConfig } from './config.ts';
import { createLibraryService } from './service.ts';

const config = loadConfig();
await runService(createLibraryService({ natsUrl: config.NATS_URL, logLevel: config.LOG_LEVEL }));
