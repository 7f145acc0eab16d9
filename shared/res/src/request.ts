/**
 * The per-request record middleware sees (`RequestInfo`). Its logger and service scope are built
 * on first use: a pino child serialises its bindings when created, and most requests never log.
 */
import type { Logger } from 'pino';
import type { ServiceCore } from './core.ts';
import type { RequestInfo } from './middleware.ts';
import type { Holds } from './queue.ts';
import type { Outcome } from './reply.ts';
import type { ServiceScope } from './scope.ts';

/** What a request is known by when it arrives. */
export type RequestFields = Omit<RequestInfo, 'log' | 'service' | 'startedAt' | 'outcome' | 'errorCode'>;

export class Request implements RequestInfo {
  readonly type: RequestInfo['type'];
  readonly subject: string;
  readonly rname: string;
  readonly query: string | undefined;
  readonly pattern: string;
  readonly method: string | undefined;
  readonly cid: string | undefined;
  readonly isHttp: boolean;
  readonly receivedAt: number;
  readonly startedAt = performance.now();
  readonly headers: Readonly<Record<string, string>>;
  outcome: Outcome | undefined = undefined;
  errorCode: string | undefined = undefined;

  readonly #core: ServiceCore;
  readonly #holds: Holds;
  #log: Logger | undefined;
  #scope: ServiceScope | undefined;

  /** `holds`: the queue keys the request's task holds (its resource's), for `service`. */
  constructor(f: RequestFields, core: ServiceCore, holds: Holds) {
    this.type = f.type;
    this.subject = f.subject;
    this.rname = f.rname;
    this.query = f.query;
    this.pattern = f.pattern;
    this.method = f.method;
    this.cid = f.cid;
    this.isHttp = f.isHttp;
    this.receivedAt = f.receivedAt;
    this.headers = f.headers;
    this.#core = core;
    this.#holds = holds;
  }

  /** The service, scoped to the request's resource like a handler's `ctx.service`. */
  get service(): ServiceScope {
    this.#scope ??= this.#core.scope(this.#holds);
    return this.#scope;
  }

  /** The request's logger: the service's, bound to rid, type and method. */
  get log(): Logger {
    this.#log ??= this.#core.log.child({ rid: this.rname === '' ? undefined : this.rname, type: this.type === 'unknown' ? undefined : this.type, method: this.method });
    return this.#log;
  }

  /** Whether the request's logger would log at `level`, without building it. */
  levelEnabled(level: string): boolean {
    return (this.#log ?? this.#core.log).isLevelEnabled(level);
  }
}

/**
 * @example if (!levelEnabled(req, 'debug')) return next();
 */
export function levelEnabled(req: RequestInfo, level: string): boolean {
  return req instanceof Request ? req.levelEnabled(level) : req.log.isLevelEnabled(level);
}
