/**
 * The request pipeline. The NATS callback only parses the subject, routes and enqueues — it
 * never awaits, so the read loop never blocks. The queued task parses the payload, runs the
 * middleware chain around the handler, maps errors once, and replies.
 */
import type { Msg } from '@nats-io/transport-node';
import type { Middleware } from './contract.ts';
import type { ServiceCore } from './core.ts';
import { parseEnvelope, parseSubject, type RequestSubject } from './envelope.ts';
import { ErrorCode, ResError, ResUsageError, toErrorObject } from './errors.ts';
import { execute } from './execute.ts';
import { runMiddleware } from './middleware.ts';
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

/**
 * Builds the subscription callback for request subjects.
 * @example nc.subscribe('get.library.>', { queue: 'library', callback: createDispatcher(core, () => mws) });
 */
export function createDispatcher(core: ServiceCore, middleware: () => readonly Middleware[]): (err: Error | null, msg: Msg) => void {
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
  return (err, msg) => {
    if (err !== null) { core.log.error({ err }, 'subscription error'); return; }
    const reply = msg.reply;
    if (reply === undefined || reply === '') { core.log.warn({ subject: msg.subject }, 'request without reply subject ignored'); return; }
    const receivedAt = performance.now();
    const subject = subjectOf(msg.subject);
    let route: Route | null;
    try {
      route = subject === null ? null : core.router.route(subject.type, subject.rname);
    } catch (e) {
      // A throwing `group` function: answer now rather than let the error reach the NATS client.
      core.log.error({ err: e, subject: msg.subject }, 'routing failed');
      route = null;
    }
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
  if (err instanceof ResUsageError) req.log.error({ err }, `SDK misuse: ${err.message}`);
  else if (unexpected || error.code === ErrorCode.InternalError) req.log.error({ err }, 'handler failed');
  return { kind: 'error', error };
}
