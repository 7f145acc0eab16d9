/**
 * @hub/res — the RES service runtime (RES-Service protocol 1.2.3, as Resgate v1.8 speaks it):
 * what a service author uses. Declare resources with `defineResource`, serve them with
 * `createService` (or `@hub/service`'s `defineService`), run with `runService`.
 * Sibling SDK packages and tests reach the rest through `@hub/res/internal`.
 *
 * @example
 * import { createService, defineResource, model, runService, z } from '@hub/res';
 * const greeting = defineResource({ pattern: 'greeting', access: () => true, get: () => model({ text: 'hi' }) });
 * await runService(createService({ name: 'hello', resources: [greeting] }));
 */
export { z } from 'zod';

export { defineResource } from './resource.ts';
export type { Resource, AccessReply, GetReply, ResourceSpec } from './resource.ts';
export { createService } from './service.ts';
export type { Service } from './service.ts';
export type { ServiceOptions } from './options.ts';
export { runService } from './run.ts';
export { configOrExit } from './config.ts';

export { collection, frozen, model, resourceResponse } from './results.ts';
export type { ResourceState } from './results.ts';
export { data, deleteAction, ref, softRef } from './values.ts';
export type { Value } from './values.ts';
export { ErrorCode, ResError, UNAVAILABLE } from './errors.ts';

export type {
  AccessContext,
  AuthContext,
  CallContext,
  ChangeValues,
  GetContext,
  Middleware,
  QueryCallback,
  QueryRequestContext,
  RequestInfo,
  ResourceHandle,
  ServiceScope,
} from './contract.ts';
