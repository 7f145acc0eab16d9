/**
 * The service as code running in it sees it (`ctx.service`, `r.service` inside `with`, a query
 * callback's `q.service`, a middleware's `req.service`): scoped to the queue keys that code holds.
 * `with` or `resetResource` on one of those runs at once; through a scope that does not hold it,
 * it would wait for the handler that is waiting for it.
 *
 * The holds travel explicitly, from the queue through the context, instead of through
 * AsyncLocalStorage (see queue.ts for why). The contract this gives handlers: to act on your own
 * resource from inside its handler, go through `ctx.service`, not a service captured elsewhere.
 * The service object itself is a scope holding nothing.
 */
import { sendRequest } from './client.ts';
import type { RequestOptions, RequestTarget, ResetPatterns, ResetResourceOptions, ResourceHandle, ServiceScope } from './contract.ts';
import type { ServiceCore } from './core.ts';
import { ResUsageError } from './errors.ts';
import { Handle } from './handle.ts';
import { expandPattern, joinRid, parsePattern, qualify, splitRid, type ParsedPattern, type PathParams } from './pattern.ts';
import { NO_HOLDS, type Holds } from './queue.ts';
import { resetMessage, tokenEventMessage, tokenResetMessage, type Message } from './system.ts';

/** `with` for a caller holding `holds`: inline if it holds the resource's key. */
export function withResource<T>(core: ServiceCore, holds: Holds, rid: string, fn: (r: ResourceHandle) => T | Promise<T>): Promise<T> {
  const { rname, query } = splitRid(rid);
  const route = core.router.route('call', rname);
  if (route === null) return Promise.reject(new ResUsageError(`with: ${rid} is not a resource of service ${core.name}`));
  return core.queue.run(route.key, (mine) => fn(new Handle(core, route, query, mine)), holds);
}

/** Parsed patterns by source: `rid()` is called per request with a handful of constants. */
const parsed = new Map<string, ParsedPattern>();

function parsedPattern(pattern: string): ParsedPattern {
  let p = parsed.get(pattern);
  if (p === undefined) {
    p = parsePattern(pattern);
    parsed.set(pattern, p);
  }
  return p;
}

export class Scope implements ServiceScope {
  readonly #core: ServiceCore;
  readonly #holds: Holds;

  constructor(core: ServiceCore, holds: Holds = NO_HOLDS) {
    this.#core = core;
    this.#holds = holds;
  }

  get name(): string {
    return this.#core.name;
  }
  get log(): ServiceScope['log'] {
    return this.#core.log;
  }

  rid<P extends string>(pattern: P, params: PathParams<P>, query?: string): string {
    if (!this.#core.router.hasPattern(pattern)) throw new ResUsageError(`rid: "${pattern}" is not a pattern of service ${this.#core.name}`);
    const rname = qualify(this.#core.name, expandPattern(parsedPattern(pattern), params));
    return joinRid(rname, query === '' ? undefined : query);
  }

  with<T>(rid: string, fn: (r: ResourceHandle) => T | Promise<T>): Promise<T> {
    return withResource(this.#core, this.#holds, rid, fn);
  }

  async resetResource(rid: string, opts: ResetResourceOptions = {}): Promise<void> {
    const core = this.#core;
    await withResource(core, this.#holds, rid, (r) => {
      r.reset();
    });
    const ms = opts.repeatAfterMs;
    if (ms === undefined) return;
    // The repeat runs later, holding nothing.
    core.later(ms, () => {
      withResource(core, NO_HOLDS, rid, (r) => {
        r.reset();
      }).catch((err: unknown) => {
        core.log.warn({ err, rid }, 'repeated reset failed');
      });
    });
  }

  reset(patterns: ResetPatterns = this.#core.router.resetPatterns()): void {
    this.#send(resetMessage(patterns.resources ?? [], patterns.access ?? []));
  }

  tokenEvent(cid: string, token: unknown, tid?: string): void {
    this.#send(tokenEventMessage(cid, token, tid));
  }

  tokenReset(tids: readonly string[], subject: string): void {
    this.#send(tokenResetMessage(tids, subject));
  }

  request(target: string | RequestTarget, params?: unknown, opts?: RequestOptions): Promise<unknown> {
    return sendRequest(this.#core, target, params, opts);
  }

  #send(m: Message | null): void {
    if (m !== null) this.#core.publish(m.subject, m.payload);
  }
}
