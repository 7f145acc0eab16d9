/** Services under test: started on the test platform's NATS, closed when the test ends. */
import type { Service } from '@hub/res';
import { cleanup } from './context.ts';

/**
 * Starts `service` (built with the test's unique name and `hub().natsUrl`) and closes it when the
 * test finishes, pass or fail. Resolves once it serves (its system.reset has gone out).
 * @example const svc = await startService(createLibraryService({ name: uniqueName('lib'), natsUrl: hub().natsUrl }));
 */
export async function startService<S extends Service>(service: S): Promise<S> {
  cleanup(service, (s) => s.close());
  await service.start();
  return service;
}
