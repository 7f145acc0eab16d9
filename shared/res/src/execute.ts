/**
 * Runs a routed request's handler and turns its answer into an outcome: get → model/collection,
 * access → {get, call}, call/auth → result or resource response. Anything thrown propagates to
 * the dispatcher, the one place that maps errors. The request record is the handler's context.
 */
import type { CallContext } from './contract.ts';
import { ErrorCode, ResError, ResUsageError } from './errors.ts';
import { invokeGet } from './handle.ts';
import { parseQuery } from './query.ts';
import { accessCallList, type Outcome } from './reply.ts';
import type { AccessReply, Resource } from './resource.ts';
import type { Req } from './request.ts';
import { ResourceResponse } from './results.ts';
import { validate } from './validation.ts';

/** Runs the handler for the request type. */
export async function execute(req: Req): Promise<Outcome> {
  switch (req.type) {
    case 'get':
      return executeGet(req);
    case 'access':
      return executeAccess(req);
    case 'call':
    case 'auth':
      return executeCall(req);
    case 'unknown':
      throw ResError.notFound();
  }
}

async function executeGet(req: Req): Promise<Outcome> {
  const answer = await invokeGet(req);
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

async function executeAccess(req: Req): Promise<Outcome> {
  const { def } = req;
  const access = def.spec.access;
  if (access === undefined) throw ResError.notFound();
  req.token = await tokenOf(def, req.token);
  req.query = await queryOf(def, req.rawQuery);
  return accessOutcome(await access(req));
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

async function executeCall(req: Req): Promise<Outcome> {
  const { def } = req;
  const entry = (req.type === 'auth' ? def.auth : def.calls).get(req.method);
  // The protocol: system.methodNotFound SHOULD be sent if the method does not exist.
  if (entry === undefined) throw ResError.methodNotFound();
  req.token = await tokenOf(def, req.token);
  req.query = await queryOf(def, req.rawQuery);
  // The method's permission check comes first: a refused caller learns nothing about the params.
  if (entry.guard !== undefined) await (entry.guard as (c: CallContext) => unknown)(req);
  // The protocol: invalid or missing params → system.invalidParams, before the handler runs.
  if (entry.schema !== null) req.input = await validate(entry.schema, req.rawParams, ErrorCode.InvalidParams);
  const result: unknown = await (entry.handler as (c: CallContext) => unknown)(req);
  if (result instanceof ResourceResponse) return { kind: 'resource', rid: result.rid };
  return { kind: 'result', result };
}
