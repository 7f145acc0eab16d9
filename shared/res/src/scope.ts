/**
 * The service as handlers see it (`ctx.service`, and `r.service` inside `service.with`): the same
 * service, scoped to the resources the handler holds. `with` or `resetResource` on one of those
 * runs at once; on the bare service object it would wait for the handler that is waiting for it.
 *
 * The holds travel explicitly, from the queue through the context, instead of through
 * AsyncLocalStorage (see queue.ts for why). The contract this gives handlers: to act on your own
 * resource from inside its handler, go through `ctx.service`, not a service captured elsewhere.
 */
import type { RequestOptions, RequestTarget } from './client.ts';
import type { ResourceHandle } from './context.ts';
import type { ServiceCore } from './core.ts';
import { ResUsageError } from './errors.ts';
import { Handle } from './handle.ts';
import { splitRid, type PathParams } from './pattern.ts';
import { NO_HOLDS, type Holds } from './queue.ts';
import type { Resource } from './resource.ts';
import type { ResetPatterns, Service } from './service.ts';

/** What a handler may do with its service. `Service` itself satisfies it. @example const rid = (s: ServiceScope, id: string) => `${s.name}.item.${id}`; */
export type ServiceScope = Pick<Service, 'name' | 'log' | 'connection' | 'reset' | 'resetResource' | 'with' | 'rid' | 'tokenEvent' | 'tokenReset' | 'request'>;

/** Options of `resetResource`. */
export interface ResetResourceOptions {
  /** Send the reset again after this many milliseconds (see `Service.resetResource`). */
  readonly repeatAfterMs?: number;
}

/** `service.with` for a caller holding `holds`: inline if it holds the resource's key. */
export function withResource<T>(core: ServiceCore, holds: Holds, rid: string, fn: (r: ResourceHandle) => T | Promise<T>): Promise<T> {
  const { rname, query } = splitRid(rid);
  const route = core.router.route('call', rname);
  if (route === null) return Promise.reject(new ResUsageError(`with: ${rid} is not a resource of service ${core.name}`));
  return core.queue.run(route.key, (mine) => fn(new Handle(core, { ...route, rawQuery: query }, core, mine)), holds);
}

/** `service.resetResource` for a caller holding `holds`; the repeat runs later, holding nothing. */
export async function resetResource(core: ServiceCore, holds: Holds, rid: string, opts: ResetResourceOptions = {}): Promise<void> {
  await withResource(core, holds, rid, (r) => { r.reset(); });
  const ms = opts.repeatAfterMs;
  if (ms === undefined) return;
  core.later(ms, () => {
    withResource(core, NO_HOLDS, rid, (r) => { r.reset(); }).catch((err: unknown) => { core.log.warn({ err, rid }, 'repeated reset failed'); });
  });
}

/** The scoped service handed to handlers; everything but `with`/`resetResource` is the service's own. */
export class Scope implements ServiceScope {
  readonly #core: ServiceCore;
  readonly #holds: Holds;

  constructor(core: ServiceCore, holds: Holds) {
    this.#core = core;
    this.#holds = holds;
  }

  get name(): string { return this.#core.name; }
  get log(): Service['log'] { return this.#core.log; }
  get connection(): Service['connection'] { return this.#core.connection(); }

  with<T>(rid: string, fn: (r: ResourceHandle) => T | Promise<T>): Promise<T> {
    return withResource(this.#core, this.#holds, rid, fn);
  }

  resetResource(rid: string, opts?: ResetResourceOptions): Promise<void> {
    return resetResource(this.#core, this.#holds, rid, opts);
  }

  reset(patterns?: ResetPatterns): void { this.#core.service.reset(patterns); }
  rid<P extends string>(resource: Resource<P>, params: PathParams<P>, query?: string): string { return this.#core.service.rid(resource, params, query); }
  tokenEvent(cid: string, token: unknown, tid?: string): void { this.#core.service.tokenEvent(cid, token, tid); }
  tokenReset(tids: readonly string[], subject: string): void { this.#core.service.tokenReset(tids, subject); }
  request(target: string | RequestTarget, params?: unknown, opts?: RequestOptions): Promise<unknown> { return this.#core.service.request(target, params, opts); }
}
