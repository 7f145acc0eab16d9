/** The library service (public, in-memory books) as benchmarks run it: its own process, quiet logs. */
import { configOrExit } from '@hub/res';
import { configSchema } from '../services/library/src/config.ts';
import { createLibraryService } from '../services/library/src/service.ts';

const c = configOrExit(configSchema);
const service = createLibraryService({ natsUrl: c.NATS_URL, logLevel: 'warn' });
await service.start();
process.stdout.write('READY\n');
process.on('SIGTERM', () => { void service.close().then(() => process.exit(0)); });
