/**
 * The audit service as a process of its own, for the kill test: SIGKILL leaves no finally block,
 * no drain and no ack, which no in-process fault can imitate. Same configuration and code path as
 * main.ts; only the name (schema, consumer) comes from the test.
 */
import { configOrExit, runService, z } from '@hub/res';
import { configSchemaOf, createHubService } from '@hub/service';
import { auditService } from '../src/service.ts';

const c = configOrExit(configSchemaOf(auditService.definition).extend({ AUDIT_NAME: z.string().min(1) }));
const service = await createHubService(auditService, { name: c.AUDIT_NAME as string, config: c as never });
await runService(service);
process.stdout.write('READY\n');
