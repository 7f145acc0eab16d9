/**
 * A service as benchmarks run it: its own process (a core of its own, as in production), the
 * production configuration and path (store, cache, relay, default middleware), quiet logs. The
 * service is named by the first argument (`customer`, `identity`, `library`); BENCH_SERVICE_NAME
 * runs it under another name (its own RIDs, schema and cache prefix), as several deployments.
 * BENCH_OWNERSHIP=off runs it without partition ownership: its instances share one queue group
 * (what several instances were before ownership, the baseline of what ownership costs).
 */
import { configOrExit } from '@hub/res';
import { configSchemaOf, createHubService, type Defined } from '@hub/service';
import type { z } from '@hub/res';

const name = process.argv[2] ?? '';
const mod = (await import(`../services/${name}/src/service.ts`)) as Record<string, unknown>;
const defined = Object.values(mod).find((v): v is Defined<z.ZodObject, object> => typeof v === 'object' && v !== null && 'definition' in v);
if (defined === undefined) throw new Error(`services/${name}/src/service.ts defines no service`);
const c = configOrExit(configSchemaOf(defined.definition));
const rename = process.env.BENCH_SERVICE_NAME;
const service = await createHubService(defined, {
  config: { ...c, LOG_LEVEL: 'warn' } as never,
  ...(rename === undefined || rename === '' ? {} : { name: rename }),
  ...(process.env.BENCH_OWNERSHIP === 'off' ? { ownership: false as const } : {}),
});
await service.start();
process.stdout.write('READY\n');
process.on('SIGTERM', () => { void service.close().then(() => process.exit(0)); });
