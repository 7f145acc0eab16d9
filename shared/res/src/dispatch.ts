/**
 * The request pipeline. The NATS callback only parses the subject, routes and enqueues — it
 * never awaits, so the read loop never blocks. The queued task parses the payload, runs the
 * middleware chain around the handler, maps errors once, and replies.
 */
import type { Msg } from '@nats-io/transport-node';
import type { Middleware } from './contract.ts';
import type { ServiceCore } from './core.ts';
import { parseEnvelope, parseSubject, type RequestSubject } from './envelope.ts';
import { ErrorCode, ResError, ResUsageError, RETRY_AFTER_S, toErrorObject, UNAVAILABLE } from './errors.ts';
import { execute } from './execute.ts';
import { runMiddleware } from './middleware.ts';
import type { RequestGate } from './gate.ts';
import type { Holds } from './queue.ts';
import type { Outcome } from './reply.ts';
import { Req } from './request.ts';
import { Resource } from './resource.ts';
import type { Route } from './router.ts';

/** Most parsed request subjects remembered per dispatcher (emptied when full). */
const SUBJECT_CACHE_MAX = 10_000;

/** Pattern label for requests that matched no resource. */
export const UNKNOWN_PATTERN = '<unknown>';

/** The route of a request no definition matches: it answers `system.notFound` from its task. */
const UNKNOWN_DEF = new Resource('>', { pattern: '>' });

/** Why a request cannot reach a handler, decided before its task runs (the task answers it). */
const failures = new WeakMap<Req, ResError>();

/** The request handling of one service: subscription callbacks and the gate's redelivery. */
export interface Dispatcher {
  /** Handles every request it gets (a queue group's subscription). */
  readonly callback: (err: Error | null, msg: Msg) => void;
  /** Asks `gate` first for requests of resources with a queue key (an ownership subscription). */
  gated(gate: () => RequestGate): (err: Error | null, msg: Msg) => void;
  /** Handles a message as admitted (one the gate kept and now hands back). */
  deliver(msg: Msg): void;
}

/**
 * Builds the request handling for a service.
 * @example nc.subscribe('get.library.>', { queue: 'library', callback: createDispatcher(core, () => mws).callback });
 */
export function createDispatcher(core: ServiceCore, middleware: () => readonly Middleware[]): Dispatcher {
  // Parsed subjects, like the router's routes: a pure function of the subject, asked per request.
  const subjects = new Map<string, RequestSubject | null>();
  const subjectOf = (s: string): RequestSubject | null => {
    let parsed = subjects.get(s);
    if (parsed === undefined) {
      parsed = parseSubject(s);
      if (parsed !== null) Object.freeze(parsed);
      if (subjects.size >= SUBJECT_CACHE_MAX) subjects.clear();
      subjects.set(s, parsed);
    }
    return parsed;
  };
  const routeOf = (msg: Msg, subject: RequestSubject | null): Route | null => {
    try {
      return subject === null ? null : core.router.route(subject.type, subject.rname);
    } catch (e) {
      // A throwing `group` function: answer now rather than let the error reach the NATS client.
      core.log.error({ err: e, subject: msg.subject }, 'routing failed');
      return null;
    }
  };
  const handle = (msg: Msg, subject: RequestSubject | null, route: Route | null, reply: string, receivedAt: number): void => {
    const req = new Req(core, route ?? unknownRoute(subject), msg, reply, subject?.type ?? 'unknown', subject?.method, receivedAt);
    // Unknown resources answer at once instead of leaving Resgate to time out.
    if (route === null) failures.set(req, ResError.notFound());
    req.armAutoTimeout();
    // One handler at a time per resource (or group): Resgate drops events for a resource it is
    // still fetching, so a get must never overlap a call that changes the same resource.
    if (!core.queue.push(route?.key ?? null, (holds) => run(core, middleware(), req, holds))) {
      core.log.warn({ subject: msg.subject, pending: core.queue.size }, 'queue full; request refused');
      req.send({ kind: 'error', error: { code: ErrorCode.InternalError, message: 'Service busy' } });
    }
  };
  const replyOf = (err: Error | null, msg: Msg): string | undefined => {
    if (err !== null) {
      core.log.error({ err }, 'subscription error');
      return undefined;
    }
    const reply = msg.reply;
    if (reply === undefined || reply === '') {
      core.log.warn({ subject: msg.subject }, 'request without reply subject ignored');
      return undefined;
    }
    return reply;
  };
  const callback = (err: Error | null, msg: Msg): void => {
    const reply = replyOf(err, msg);
    if (reply === undefined) return;
    const receivedAt = performance.now();
    const subject = subjectOf(msg.subject);
    handle(msg, subject, routeOf(msg, subject), reply, receivedAt);
  };
  return {
    callback,
    gated: (gate) => (err, msg) => {
      const reply = replyOf(err, msg);
      if (reply === undefined) return;
      const receivedAt = performance.now();
      const subject = subjectOf(msg.subject);
      const route = routeOf(msg, subject);
      // Every instance receives these; only the owner of the resource answers.
      if (route !== null && route.key !== null && !gate().admit(route.key, msg)) return;
      handle(msg, subject, route, reply, receivedAt);
    },
    deliver: (msg) => {
      const reply = msg.reply;
      if (reply === undefined || reply === '') return;
      const subject = subjectOf(msg.subject);
      handle(msg, subject, routeOf(msg, subject), reply, performance.now());
    },
  };
}

function unknownRoute(subject: RequestSubject | null): Route {
  return { def: UNKNOWN_DEF, rname: subject?.rname ?? '', params: {}, key: null, label: UNKNOWN_PATTERN };
}

/** Reads the payload into the request; a bad one is the request's failure. */
function readEnvelope(core: ServiceCore, req: Req): void {
  try {
    if (req.data.length > core.options.maxRequestBytes) {
      const code = req.type === 'call' || req.type === 'auth' ? ErrorCode.InvalidParams : ErrorCode.InvalidQuery;
      throw new ResError(code, 'Request too large');
    }
    req.setEnvelope(parseEnvelope(req.data));
  } catch (err) {
    failures.set(req, err instanceof ResError ? err : ResError.internal(err));
  }
}

async function run(core: ServiceCore, mws: readonly Middleware[], req: Req, holds: Holds): Promise<void> {
  req.holds = holds;
  req.startedAt = performance.now();
  if (!failures.has(req)) readEnvelope(core, req);
  try {
    await runMiddleware(mws, req, finish);
  } catch (err) {
    req.outcome = fail(req, err);
  }
  req.send(req.outcome ?? fail(req, new ResUsageError('middleware returned without calling next()')));
}

/** The innermost step: runs the handler and records its outcome. Not reachable from middleware. */
async function finish(req: Req): Promise<void> {
  try {
    const failure = failures.get(req);
    if (failure !== undefined) throw failure;
    req.outcome = await execute(req);
  } catch (err) {
    req.outcome = fail(req, err);
  }
  req.errorCode = req.outcome.kind === 'error' ? req.outcome.error.code : undefined;
}

/** The one error mapping: ResError as is; anything else logged and sent as internalError. */
function fail(req: Req, err: unknown): Outcome {
  const { error, unexpected } = toErrorObject(err);
  if (error.code === UNAVAILABLE) {
    // A retry may succeed: HTTP clients get 503 and when to try again, not a 400.
    if (req.isHttp) {
      req.setStatus(503);
      req.setHeader('Retry-After', String(RETRY_AFTER_S));
    }
    // Debug only: the dependency logs its outage once (not once per request that met it).
    req.log.debug({ err: (err as Error).cause ?? err }, 'unavailable');
    return { kind: 'error', error };
  }
  if (err instanceof ResUsageError) req.log.error({ err }, `SDK misuse: ${err.message}`);
  else if (unexpected || error.code === ErrorCode.InternalError) req.log.error({ err }, 'handler failed');
  return { kind: 'error', error };
}
