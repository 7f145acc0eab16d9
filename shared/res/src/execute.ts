/**
 * Runs a routed request's handler and turns its answer into an outcome: get → model/collection,
 * access → {get, call}, call/auth → result or resource response. Anything thrown propagates to
 * the dispatcher, the one place that maps errors.
 */
import type { AccessContext, AnyParams, AuthContext, CallContext } from './context.ts';
import type { ServiceCore } from './core.ts';
import type { RequestEnvelope, RequestType } from './envelope.ts';
import { ErrorCode, ResError, ResUsageError } from './errors.ts';
import { Handle, invokeGet, type Target } from './handle.ts';
import type { RequestInfo } from './middleware.ts';
import { joinRid } from './pattern.ts';
import { parseQuery } from './query.ts';
import type { Holds } from './queue.ts';
import { accessCallList, type Outcome } from './reply.ts';
import type { AccessReply, Resource } from './resource.ts';
import type { Responder } from './responder.ts';
import { ResourceResponse } from './results.ts';
import type { Route } from './router.ts';
import type { ServiceScope } from './scope.ts';
import { validate } from './validation.ts';

/** Everything the executor needs about one request. */
export interface Execution {
  readonly core: ServiceCore;
  readonly req: RequestInfo;
  readonly type: RequestType;
  readonly route: Route;
  readonly env: RequestEnvelope;
  readonly responder: Responder;
  /** The queue keys the request's task holds (see scope.ts). */
  readonly holds: Holds;
}

/** Runs the handler for the request type. */
export async function execute(x: Execution): Promise<Outcome> {
  switch (x.type) {
    case 'get': return executeGet(x);
    case 'access': return executeAccess(x);
    case 'call':
    case 'auth': return executeCall(x);
  }
}

function targetOf(x: Execution): Target {
  return { def: x.route.def, rname: x.route.rname, params: x.route.params, key: x.route.key, rawQuery: x.env.query };
}

async function executeGet(x: Execution): Promise<Outcome> {
  const answer = await invokeGet(x.core, targetOf(x), x.req, x.responder, x.holds);
  // The protocol: system.notFound SHOULD be sent if the resource does not exist.
  if (answer === null) throw ResError.notFound();
  return answer.kind === 'model'
    ? { kind: 'model', model: answer.model, query: answer.query, state: answer.state }
    : { kind: 'collection', collection: answer.collection, query: answer.query, state: answer.state };
}

async function tokenOf(def: Resource, token: unknown): Promise<unknown> {
  const schema = def.spec.token;
  if (schema === undefined) return token;
  const r = await schema.safeParseAsync(token);
  // A token this resource does not understand grants nothing.
  if (!r.success) throw ResError.accessDenied();
  return r.data;
}

async function queryOf(def: Resource, raw: string | undefined): Promise<unknown> {
  if (def.spec.query === undefined) return undefined;
  return (await parseQuery({ schema: def.spec.query, normalize: def.normalize }, raw)).value;
}

function base(x: Execution): { service: ServiceScope; rid: string; rname: string; params: AnyParams; log: RequestInfo['log']; timeout: (ms: number) => void } {
  const { rname } = x.route;
  return {
    service: x.core.scope(x.holds), rid: joinRid(rname, x.env.query), rname,
    params: x.route.params, log: x.req.log, timeout: (ms) => { x.responder.timeout(ms); },
  };
}

function http(x: Execution): { isHttp: boolean; setStatus: (s: number) => void; setHeader: (n: string, v: string | readonly string[]) => void } {
  const r = x.responder;
  return { isHttp: x.env.isHttp, setStatus: (s) => { r.setStatus(s); }, setHeader: (n, v) => { r.setHeader(n, v); } };
}

async function executeAccess(x: Execution): Promise<Outcome> {
  const access = x.route.def.spec.access;
  if (access === undefined) throw ResError.notFound();
  const ctx: AccessContext = {
    ...base(x), ...http(x), cid: x.env.cid ?? '',
    token: await tokenOf(x.route.def, x.env.token), query: await queryOf(x.route.def, x.env.query),
  };
  return accessOutcome(await (access)(ctx));
}

/**
 * Access reply → outcome. Nothing granted is `system.accessDenied`; the call list has no spaces.
 * @example accessOutcome({ get: true, call: ['set'] }) // { kind: 'access', get: true, call: 'set' }
 */
export function accessOutcome(r: AccessReply): Outcome {
  if (r === true) return { kind: 'access', get: true, call: '*' };
  if (r === false) throw ResError.accessDenied();
  if (typeof r !== 'object') throw new ResUsageError('access: return true, false or { get, call }');
  const get = r.get === true;
  const call = accessCallList(r.call);
  if (!get && call === undefined) throw ResError.accessDenied();
  return { kind: 'access', get, call };
}

async function executeCall(x: Execution): Promise<Outcome> {
  const { def } = x.route;
  const method = x.req.method ?? '';
  const entry = (x.type === 'auth' ? def.auth : def.calls).get(method);
  // The protocol: system.methodNotFound SHOULD be sent if the method does not exist.
  if (entry === undefined) throw ResError.methodNotFound();
  const token = await tokenOf(def, x.env.token);
  const query = await queryOf(def, x.env.query);
  const ctx = x.type === 'call' ? new Call(x, method, token, query) : new Auth(x, method, token, query);
  // The method's permission check comes first: a refused caller learns nothing about the params.
  if (entry.guard !== undefined) await (entry.guard as (c: CallContext) => unknown)(ctx);
  // The protocol: invalid or missing params → system.invalidParams, before the handler runs.
  if (entry.schema !== null) ctx.input = await validate(entry.schema, x.env.params, ErrorCode.InvalidParams);
  const result: unknown = await (entry.handler as (c: typeof ctx) => unknown)(ctx);
  if (result instanceof ResourceResponse) return { kind: 'resource', rid: result.rid };
  return { kind: 'result', result };
}

/**
 * A call handler's context: the resource's events (see Handle: prototype getters, so a request
 * builds only the functions its handler reads) plus the request's data.
 */
class Call extends Handle implements CallContext {
  readonly rid: string;
  readonly cid: string;
  readonly isHttp: boolean;
  readonly rawParams: unknown;
  /** Set once the params are validated (after the guard). */
  input: unknown = undefined;

  readonly #x: Execution;

  constructor(x: Execution, readonly method: string, readonly token: unknown, readonly query: unknown) {
    super(x.core, targetOf(x), x.req, x.holds);
    this.#x = x;
    this.rid = joinRid(x.route.rname, x.env.query);
    this.cid = x.env.cid ?? '';
    this.isHttp = x.env.isHttp;
    this.rawParams = x.env.params;
  }

  get timeout(): CallContext['timeout'] { return (ms) => { this.#x.responder.timeout(ms); }; }
  get setStatus(): CallContext['setStatus'] { return (s) => { this.#x.responder.setStatus(s); }; }
  get setHeader(): CallContext['setHeader'] { return (n, v) => { this.#x.responder.setHeader(n, v); }; }
}

/** An auth handler's context: a call plus the connection's HTTP details and `setToken`. */
class Auth extends Call implements AuthContext {
  readonly header: AuthContext['header'];
  readonly host: string | undefined;
  readonly remoteAddr: string | undefined;
  readonly uri: string | undefined;

  constructor(x: Execution, method: string, token: unknown, query: unknown) {
    super(x, method, token, query);
    this.#responder = x.responder;
    this.header = x.env.header ?? {};
    this.host = x.env.host;
    this.remoteAddr = x.env.remoteAddr;
    this.uri = x.env.uri;
  }

  readonly #responder: Execution['responder'];

  get setToken(): AuthContext['setToken'] { return (t, tid) => { this.#responder.setToken(this.cid, t, tid); }; }
}
