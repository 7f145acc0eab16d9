/**
 * The customer service as a process of its own, for the crash and ownership tests: they kill it
 * with SIGKILL or SIGSTOP, which no in-process fault hook can imitate (no finally blocks, no drain,
 * sockets cut), or stop it with SIGTERM (a graceful handover). Same configuration and code path
 * as main.ts; only the name (schema, cache prefix) comes from the test's scope.
 */
import { configOrExit, runService, z } from '@hub/res';
import { configSchemaOf, createHubService } from '@hub/service';
import { customerService } from '../src/service.ts';

const c = configOrExit(configSchemaOf(customerService.definition).extend({ CUSTOMER_NAME: z.string().min(1) }));
const service = await createHubService(customerService, {
  name: c.CUSTOMER_NAME as string,
  config: { ...c, LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' } as never,
});
await runService(service);
process.stdout.write(`READY ${service.ownership?.me ?? ''}\n`);
