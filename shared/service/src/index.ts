/**
 * @hub/service — the one service shape: `defineService` (name, configuration, data, resources),
 * `runMain` for `main.ts`, `createHubService` for tests and tools.
 */
export { defineService } from './define.ts';
export type { Defined, Entry, OpenContext, ServiceData, ServiceDefinition, StartedContext } from './define.ts';
export { createHubService, configSchemaOf, HubService, runMain } from './hub.ts';
export type { HubOverrides, OwnConfig } from './hub.ts';
export { baseConfig, cacheConfig, dataConfig } from './config.ts';
export type { BaseConfig } from './config.ts';
