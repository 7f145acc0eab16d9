/**
 * The one record of a request: built in the NATS callback, queued, run through the middleware and
 * handed to the handler as its context — the same object for each (typed as `RequestInfo` for
 * middleware, as the get/access/call/auth context for handlers). It is also the request's reply
 * side: exactly one reply, HTTP meta (only for `isHttp` requests), manual and automatic
 * pre-responses, and a token event that goes out just before a successful auth reply.
 *
 * Its logger and service scope are built on first use: a pino child serialises its bindings when
 * created, and most requests never log.
 */
import type { Msg, MsgHdrs } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { AccessContext, AuthContext, CallContext, RequestInfo } from './contract.ts';
import type { ServiceCore } from './core.ts';
import type { RequestEnvelope, RequestType } from './envelope.ts';
import { ResError, ResUsageError, toErrorObject } from './errors.ts';
import { Handle } from './handle.ts';
import { canonicalHeaderKey, encodePreResponse, encodeReply, rememberedReply, type Outcome } from './reply.ts';
import type { Route } from './router.ts';
import { tokenEventMessage, type Message } from './system.ts';

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const NO_HEADER: Readonly<Record<string, readonly string[]>> = Object.freeze({});

function headersOf(h: MsgHdrs | undefined): Readonly<Record<string, string>> {
  if (h === undefined) return NO_HEADERS;
  const out: Record<string, string> = {};
  for (const k of h.keys()) out[k.toLowerCase()] = h.get(k);
  return out;
}

export class Req extends Handle implements RequestInfo, CallContext, AuthContext, AccessContext {
  readonly type: RequestType | 'unknown';
  readonly subject: string;
  readonly method: string;
  readonly pattern: string;
  readonly receivedAt: number;
  startedAt = 0;
  outcome: Outcome | undefined = undefined;
  errorCode: string | undefined = undefined;
  // From the envelope (see `setEnvelope`): what the requester sent.
  cid = '';
  isHttp = false;
  /** The connection's token: as received, then as parsed by the resource's token schema. */
  token: unknown = null;
  rawParams: unknown = undefined;
  header: Readonly<Record<string, readonly string[]>> = NO_HEADER;
  host: string | undefined = undefined;
  remoteAddr: string | undefined = undefined;
  uri: string | undefined = undefined;
  /** Set once the params are validated (after the guard). */
  input: unknown = undefined;

  readonly #msg: Msg;
  readonly #reply: string;
  #headers: Readonly<Record<string, string>> | undefined;
  #log: Logger | undefined;
  #replied = false;
  #status: number | undefined;
  #header: Record<string, string[]> | undefined;
  #token: Message | undefined;
  #autoTimer: NodeJS.Timeout | undefined;

  constructor(
    core: ServiceCore,
    route: Route,
    msg: Msg,
    reply: string,
    type: RequestType | 'unknown',
    method: string | undefined,
    receivedAt: number,
  ) {
    super(core, route, undefined);
    this.#msg = msg;
    this.#reply = reply;
    this.type = type;
    this.subject = msg.subject;
    this.method = method ?? '';
    this.pattern = route.label;
    this.receivedAt = receivedAt;
  }

  /** Takes in what the requester sent. */
  setEnvelope(env: RequestEnvelope): void {
    this.rawQuery = env.query;
    this.cid = env.cid ?? '';
    this.isHttp = env.isHttp;
    this.token = env.token;
    this.rawParams = env.params;
    this.header = env.header ?? NO_HEADER;
    this.host = env.host;
    this.remoteAddr = env.remoteAddr;
    this.uri = env.uri;
  }

  /** The request payload. */
  get data(): Uint8Array {
    return this.#msg.data;
  }
  get headers(): Readonly<Record<string, string>> {
    this.#headers ??= headersOf(this.#msg.headers);
    return this.#headers;
  }

  /** The request's logger: the service's, bound to rid, type and method. */
  override get log(): Logger {
    this.#log ??= this.core.log.child({
      rid: this.rname === '' ? undefined : this.rname,
      type: this.type === 'unknown' ? undefined : this.type,
      method: this.method || undefined,
    });
    return this.#log;
  }

  /** Whether the request's logger would log at `level`, without building it. */
  levelEnabled(level: string): boolean {
    return (this.#log ?? this.core.log).isLevelEnabled(level);
  }

  override get timeout(): (ms: number) => void {
    return (ms) => {
      clearTimeout(this.#autoTimer);
      this.#preResponse(ms);
    };
  }
  get setStatus(): (status: number) => void {
    return (s) => {
      this.#setStatus(s);
    };
  }
  get setHeader(): (name: string, value: string | readonly string[]) => void {
    return (n, v) => {
      this.#setHeader(n, v);
    };
  }
  get setToken(): (token: unknown, tid?: string) => void {
    // Serialised now, so a token that cannot be sent fails the handler, not the reply.
    return (token, tid) => {
      this.#token = tokenEventMessage(this.cid, token, tid);
    };
  }

  /** True once the reply was sent. */
  get replied(): boolean {
    return this.#replied;
  }

  /**
   * Arms the automatic pre-response: if no reply went out `afterMs` after receipt (queueing
   * counts towards Resgate's timeout too), ask for `extendMs` more.
   */
  armAutoTimeout(): void {
    const { autoTimeoutAfterMs, autoTimeoutExtendMs } = this.core.options;
    if (autoTimeoutAfterMs <= 0) return;
    this.#autoTimer = setTimeout(() => {
      this.#preResponse(autoTimeoutExtendMs);
    }, autoTimeoutAfterMs);
    this.#autoTimer.unref();
  }

  /**
   * Sends the reply (once). On success a pending token event is published first — the
   * protocol requires it before the auth response; a failed auth sends none.
   */
  send(outcome: Outcome): void {
    if (this.#replied) return;
    this.#replied = true;
    clearTimeout(this.#autoTimer);
    let payload: string | Uint8Array;
    try {
      const meta = this.isHttp ? this.#meta() : undefined;
      payload = (meta === undefined ? rememberedReply(outcome) : undefined) ?? encodeReply(outcome, meta);
    } catch (err) {
      this.core.log.error({ err }, 'reply could not be encoded');
      payload = encodeReply({ kind: 'error', error: toErrorObject(ResError.internal(err)).error });
      outcome = { kind: 'error', error: { code: 'system.internalError', message: 'Internal error' } };
    }
    if (outcome.kind !== 'error' && this.#token !== undefined) this.core.publish(this.#token.subject, this.#token.payload);
    // Same connection as the events the handler published, so Resgate sees them first.
    this.core.publish(this.#reply, payload);
  }

  #preResponse(ms: number): void {
    if (this.#replied) return;
    this.core.publish(this.#reply, encodePreResponse(ms));
  }

  /**
   * The protocol defines meta.status only for 3XX, 4XX and 5XX (MUST be one of those; Resgate
   * logs anything else as invalid and drops it).
   */
  #setStatus(status: number): void {
    if (!Number.isInteger(status) || status < 300 || status > 599)
      throw new ResUsageError(`setStatus: ${status} is not a 3XX, 4XX or 5XX HTTP status`);
    this.#status = status;
  }

  /** Canonical key, values as an array (the protocol's shape). */
  #setHeader(name: string, value: string | readonly string[]): void {
    const values = typeof value === 'string' ? [value] : [...value];
    if (values.some((v) => typeof v !== 'string' || /[\r\n]/.test(v))) throw new ResUsageError(`setHeader: invalid value for ${name}`);
    (this.#header ??= {})[canonicalHeaderKey(name)] = values;
  }

  #meta(): { status?: number; header?: Record<string, string[]> } | undefined {
    const header = this.#header;
    if (this.#status === undefined && header === undefined) return undefined;
    return { ...(this.#status === undefined ? {} : { status: this.#status }), ...(header === undefined ? {} : { header }) };
  }
}

/**
 * @example if (!levelEnabled(req, 'debug')) return next();
 */
export function levelEnabled(req: RequestInfo, level: string): boolean {
  return req instanceof Req ? req.levelEnabled(level) : req.log.isLevelEnabled(level);
}
