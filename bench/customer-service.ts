/**
 * The customer service as benchmarks run it: its own process (a core of its own, as in
 * production), the production configuration and path (store, cache, relay, default middleware),
 * quiet logs.
 */
import { configOrExit } from '@hub/res';
import { configSchemaOf, createHubService } from '@hub/service';
import { customerService } from '../services/customer/src/service.ts';

const c = configOrExit(configSchemaOf(customerService.definition));
const service = await createHubService(customerService, { config: { ...c, LOG_LEVEL: 'warn' } as never });
await service.start();
process.stdout.write('READY\n');
process.on('SIGTERM', () => { void service.close().then(() => process.exit(0)); });
