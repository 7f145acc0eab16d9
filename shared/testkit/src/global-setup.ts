/**
 * Vitest global setup: starts the real platform once per test run on free ports (or uses the
 * servers named in HUB_TEST_* variables) and hands the URLs to tests through `inject('hub')`.
 * HUB_TEST_CONTAINERS=1 starts the servers as containers of the stack's images instead of local
 * processes (`@hub/servers/containers`, Docker engine from DOCKER_HOST; `make test-containers`).
 * Server logs go to .run/test-<pid>/logs/<server>.log, so a failure can be read after the run.
 */
import type { TestProject } from 'vitest/node';
import type { PlatformUrls } from '@hub/servers';
import { urlsFromEnv } from './env.ts';
import { startTestPlatform } from './platform.ts';

export { TEST_RESGATE_TIMEOUT_MS } from './platform.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    hub: PlatformUrls;
  }
}

/**
 * Services every test needs running, started once per run. The gateway's header auth
 * (gateway/resgate.json) names identity: every Resgate request asks it first, as under `make up`.
 */
const IDENTITY = ['identity'];

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = urlsFromEnv();
  if (given) {
    project.provide('hub', given);
    return () => Promise.resolve();
  }
  const t = await startTestPlatform({ services: IDENTITY });
  project.provide('hub', t.urls);
  return () => t.stop();
}
