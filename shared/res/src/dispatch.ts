/**
 * The request pipeline. The NATS callback only parses the subject, routes and enqueues — it
 * never awaits, so the read loop never blocks. The queued task parses the payload, runs the
 * middleware chain around the handler, maps errors once, and replies.
 */
import type { Msg, MsgHdrs } from '@nats-io/transport-node';
import type { ServiceCore } from './core.ts';
import { parseEnvelope, parseSubject, type RequestEnvelope, type RequestSubject } from './envelope.ts';
import { ErrorCode, ResError, ResUsageError, toErrorObject } from './errors.ts';
import { execute } from './execute.ts';
import { runMiddleware, type Middleware, type RequestInfo } from './middleware.ts';
import type { Outcome } from './reply.ts';
import { Responder } from './responder.ts';
import type { Route } from './router.ts';
import { qualify } from './pattern.ts';
import type { Holds } from './queue.ts';
import { Request, type RequestFields } from './request.ts';

/** Most parsed request subjects remembered per dispatcher (emptied when full). */
const SUBJECT_CACHE_MAX = 10_000;

/** Pattern label for requests that matched no resource. */
export const UNKNOWN_PATTERN = '<unknown>';

function headersOf(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (h !== undefined) for (const k of h.keys()) out[k.toLowerCase()] = h.get(k);
  return out;
}

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
    const responder = new Responder(core, reply);
    const subject = subjectOf(msg.subject);
    let route: Route | null;
    try {
      route = subject === null ? null : core.router.route(subject.type, subject.rname);
    } catch (e) {
      // A throwing `group` function: answer now rather than let the error reach the NATS client.
      core.log.error({ err: e, subject: msg.subject }, 'routing failed');
      responder.send({ kind: 'error', error: ResError.internal().toErrorObject() });
      return;
    }
    responder.armAutoTimeout();
    // One handler at a time per resource (or group): Resgate drops events for a resource it is
    // still fetching, so a get must never overlap a call that changes the same resource.
    const queued = core.queue.push(route?.key ?? null, (holds) => run(core, middleware(), msg, subject, route, responder, receivedAt, holds));
    if (!queued) {
      core.log.warn({ subject: msg.subject, pending: core.queue.size }, 'queue full; request refused');
      responder.send({ kind: 'error', error: { code: ErrorCode.InternalError, message: 'Service busy' } });
    }
  };
}

function envelopeOf(core: ServiceCore, msg: Msg, subject: RequestSubject | null): RequestEnvelope | ResError {
  try {
    if (msg.data.length > core.options.maxRequestBytes) {
      const code = subject?.type === 'call' || subject?.type === 'auth' ? ErrorCode.InvalidParams : ErrorCode.InvalidQuery;
      return new ResError(code, 'Request too large');
    }
    return parseEnvelope(msg.data);
  } catch (err) {
    return err instanceof ResError ? err : ResError.internal(err);
  }
}

async function run(core: ServiceCore, mws: readonly Middleware[], msg: Msg, subject: RequestSubject | null, route: Route | null, responder: Responder, receivedAt: number, holds: Holds): Promise<void> {
  const env = envelopeOf(core, msg, subject);
  const ok = env instanceof ResError ? undefined : env;
  responder.isHttp = ok?.isHttp ?? false;
  const pattern = route === null ? UNKNOWN_PATTERN : qualify(core.name, route.def.pattern);
  const req = new Incoming({
    type: subject?.type ?? 'unknown', subject: msg.subject, rname: subject?.rname ?? '', query: ok?.query, pattern,
    method: subject?.method, cid: ok?.cid, isHttp: responder.isHttp, receivedAt, headers: headersOf(msg.headers),
  }, core, { subject, route, env, responder, holds });
  try {
    await runMiddleware(mws, req, finish);
  } catch (err) {
    req.outcome = fail(req, err);
  }
  responder.send(req.outcome ?? fail(req, new ResUsageError('middleware returned without calling next()')));
}

/** What the innermost step needs besides the request: kept private, middleware sees `RequestInfo`. */
interface Routed {
  readonly subject: RequestSubject | null;
  readonly route: Route | null;
  readonly env: RequestEnvelope | ResError;
  readonly responder: Responder;
  readonly holds: Holds;
}

class Incoming extends Request {
  readonly #core: ServiceCore;
  readonly #routed: Routed;

  constructor(f: RequestFields, core: ServiceCore, routed: Routed) {
    super(f, core, routed.holds);
    this.#core = core;
    this.#routed = routed;
  }

  /** The innermost step: runs the handler and records its outcome. Static: middleware cannot call it. */
  static async finish(req: Incoming): Promise<void> {
    const r = req.#routed;
    req.outcome = await outcomeOf(req.#core, req, r.subject, r.route, r.env, r.responder, r.holds);
    req.errorCode = req.outcome.kind === 'error' ? req.outcome.error.code : undefined;
  }
}

/** The innermost step, for runMiddleware: a static of the unexported class, not a method on the request middleware holds. */
function finish(req: Incoming): Promise<void> {
  return Incoming.finish(req);
}

async function outcomeOf(core: ServiceCore, req: RequestInfo, subject: RequestSubject | null, route: Route | null, env: RequestEnvelope | ResError, responder: Responder, holds: Holds): Promise<Outcome> {
  try {
    // Unknown resources answer at once instead of leaving Resgate to time out.
    if (subject === null || route === null) throw ResError.notFound();
    if (env instanceof ResError) throw env;
    return await execute({ core, req, type: subject.type, route, env, responder, holds });
  } catch (err) {
    return fail(req, err);
  }
}

/** The one error mapping: ResError as is; anything else logged and sent as internalError. */
function fail(req: RequestInfo, err: unknown): Outcome {
  const { error, unexpected } = toErrorObject(err);
  if (err instanceof ResUsageError) req.log.error({ err }, `SDK misuse: ${err.message}`);
  else if (unexpected || error.code === ErrorCode.InternalError) req.log.error({ err }, 'handler failed');
  return { kind: 'error', error };
}
