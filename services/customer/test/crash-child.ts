/**
 * The customer service as a process of its own, for crash.test.ts: the test kills it with
 * SIGKILL, which no in-process fault hook can imitate (no finally blocks, no drain, sockets cut).
 * Same configuration and code path as main.ts; only the name (schema, cache prefix) comes from
 * the test's scope.
 */
import { configOrExit, z } from '@hub/res';
import { configSchemaOf, createHubService } from '@hub/service';
import { customerService } from '../src/service.ts';

const c = configOrExit(configSchemaOf(customerService.definition).extend({ CUSTOMER_NAME: z.string().min(1) }));
const service = await createHubService(customerService, { name: c.CUSTOMER_NAME as string, config: { ...c, LOG_LEVEL: 'error' } as never });
await service.start();
process.stdout.write('READY\n');
