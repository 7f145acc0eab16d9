/**
 * Inter-service requests over RES: build the subject and payload, honour pre-responses
 * (`timeout:"<ms>"` extends the wait), and turn error replies into `ResError`.
 */
import { createInbox, headers, type Msg } from '@nats-io/transport-node';
import type { RequestOptions, RequestTarget } from './contract.ts';
import type { ServiceCore } from './core.ts';
import { ErrorCode, fromErrorObject, ResError, ResUsageError } from './errors.ts';
import { isValidPart, splitRid } from './pattern.ts';
import { traceHeaders } from './tracing.ts';
import { ref } from './values.ts';

interface Prepared {
  readonly subject: string;
  readonly payload: string;
}

function prepare(target: string | RequestTarget, params: unknown, opts: RequestOptions): Prepared {
  const common = { params, token: opts.token, cid: opts.cid };
  if (typeof target === 'string') {
    if (!target.split('.').every(isValidPart)) throw new ResUsageError(`request: invalid subject ${JSON.stringify(target)}`);
    return { subject: target, payload: JSON.stringify(common) };
  }
  const { rname, query } = splitRid(target.rid);
  const type = target.type ?? (target.method === undefined ? 'get' : 'call');
  if (!rname.split('.').every(isValidPart)) throw new ResUsageError(`request: invalid RID ${JSON.stringify(target.rid)}`);
  if (type === 'get' || type === 'access') {
    return { subject: `${type}.${rname}`, payload: JSON.stringify(type === 'get' ? { query } : { ...common, params: undefined, query }) };
  }
  if (target.method === undefined || !isValidPart(target.method)) throw new ResUsageError(`request: ${type} needs a valid method`);
  return { subject: `${type}.${rname}.${target.method}`, payload: JSON.stringify({ ...common, query }) };
}

function decode(msg: Msg): { done: true; value: unknown } | { done: false; timeoutMs: number } {
  // No subscriber on the subject: the server answers with a 503 status and no payload.
  if (msg.headers?.code === 503) throw new ResError(ErrorCode.NotFound, 'No service answered');
  const text = msg.string();
  const pre = /^timeout:"(\d+)"/.exec(text);
  if (pre?.[1] !== undefined) return { done: false, timeoutMs: Number(pre[1]) };
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ResError(ErrorCode.InternalError, 'Invalid response');
  }
  if (body.error !== undefined) throw fromErrorObject(body.error);
  const resource = body.resource as { rid?: unknown } | undefined;
  if (typeof resource?.rid === 'string') return { done: true, value: ref(resource.rid) };
  if ('result' in body) return { done: true, value: body.result };
  throw new ResError(ErrorCode.InternalError, 'Invalid response');
}

/**
 * Sends a request and resolves with its result (a resource response resolves to `ref(rid)`;
 * a get to `{ model }` or `{ collection }`). Rejects with `ResError`: the reply's error, or
 * `system.timeout`.
 */
export function sendRequest(
  core: ServiceCore,
  target: string | RequestTarget,
  params: unknown,
  opts: RequestOptions = {},
): Promise<unknown> {
  const { subject, payload } = prepare(target, params, opts);
  const nc = core.connection();
  const inbox = createInbox();
  return new Promise<unknown>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const sub = nc.subscribe(inbox, {
      callback: (err, msg) => {
        try {
          if (err !== null) throw err;
          const r = decode(msg);
          if (!r.done) {
            arm(r.timeoutMs);
            return;
          }
          finish();
          resolve(r.value);
        } catch (e) {
          finish();
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      },
    });
    const finish = (): void => {
      clearTimeout(timer);
      sub.unsubscribe();
    };
    const arm = (ms: number): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        finish();
        reject(ResError.timeout());
      }, ms);
    };
    arm(opts.timeoutMs ?? core.options.requestTimeoutMs);
    const trace = Object.entries(traceHeaders());
    if (trace.length === 0) {
      nc.publish(subject, payload, { reply: inbox });
    } else {
      const h = headers();
      for (const [k, v] of trace) h.set(k, v);
      nc.publish(subject, payload, { reply: inbox, headers: h });
    }
  });
}
