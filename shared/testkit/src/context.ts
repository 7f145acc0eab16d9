/** Per-test context: the platform URLs, unique names for isolation, and cleanup at test end. */
import { randomBytes } from 'node:crypto';
import { inject, onTestFinished } from 'vitest';
import type { PlatformUrls } from '@hub/servers';

/**
 * The running platform's URLs, provided by the global setup.
 * @example const { natsUrl } = hub();
 */
export function hub(): PlatformUrls {
  return inject('hub');
}

/**
 * A name no other test uses: for service names (and so RID and subject namespaces), Postgres
 * schemas and Redis key prefixes. Lowercase letters and digits only, valid in all of them.
 * @example const name = uniqueName('lib'); // "libk3v9x2a"
 */
export function uniqueName(prefix = 't'): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

/**
 * Runs `close` when the current test finishes, pass or fail, and returns the resource.
 * @example const nc = cleanup(await connect(...), (c) => c.close());
 */
export function cleanup<T>(resource: T, close: (r: T) => unknown): T {
  onTestFinished(async () => { await close(resource); });
  return resource;
}
