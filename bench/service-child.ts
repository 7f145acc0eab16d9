/**
 * A service as benchmarks run it: its own process (a core of its own, as in production), the
 * production configuration and path (store, cache, relay, default middleware), quiet logs. The
 * service is named by the first argument (`customer`, `identity`, `library`).
 */
import { configOrExit } from '@hub/res';
import { configSchemaOf, createHubService, type Defined } from '@hub/service';
import type { z } from '@hub/res';

const name = process.argv[2] ?? '';
const mod = (await import(`../services/${name}/src/service.ts`)) as Record<string, unknown>;
const defined = Object.values(mod).find((v): v is Defined<z.ZodObject, object> => typeof v === 'object' && v !== null && 'definition' in v);
if (defined === undefined) throw new Error(`services/${name}/src/service.ts defines no service`);
const c = configOrExit(configSchemaOf(defined.definition));
const service = await createHubService(defined, { config: { ...c, LOG_LEVEL: 'warn' } as never });
await service.start();
process.stdout.write('READY\n');
process.on('SIGTERM', () => { void service.close().then(() => process.exit(0)); });
