/**
 * Any of the repo's services as a process of its own, for tests that kill it (kill -9), watch its
 * memory or read its logs: the code path of its main.ts (`createHubService` + `runService`), with
 * the name (RID prefix, schema, cache prefix) given by HUB_NAME so a test has its own namespace.
 * HUB_SERVICE picks the service. Prints `READY <instance id>` once it serves.
 */
import { configOrExit, runService, z } from '@hub/res';
import { configSchemaOf, createHubService, type Defined } from '@hub/service';
import { customerService } from '../../services/customer/src/service.ts';
import { identityService } from '../../services/identity/src/service.ts';
import { libraryService } from '../../services/library/src/service.ts';

const SERVICES: Record<string, Defined<z.ZodObject, object>> = {
  customer: customerService,
  identity: identityService as unknown as Defined<z.ZodObject, object>,
  library: libraryService as unknown as Defined<z.ZodObject, object>,
};

const which = process.env.HUB_SERVICE ?? '';
const def = SERVICES[which];
if (def === undefined) throw new Error(`HUB_SERVICE must be one of ${Object.keys(SERVICES).join(', ')}`);
const c = configOrExit(configSchemaOf(def.definition).extend({ HUB_NAME: z.string().regex(/^[a-z][a-z0-9]*$/) }));
const service = await createHubService(def, { name: c.HUB_NAME as string, config: c as never });
await runService(service);
process.stdout.write(`READY ${service.ownership?.me ?? service.name}\n`);
