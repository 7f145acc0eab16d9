/**
 * The reply side of one request: exactly one reply, HTTP meta (only for `isHttp` requests),
 * manual and automatic pre-responses, and a token event that goes out just before a
 * successful auth reply.
 */
import type { ServiceCore } from './core.ts';
import { ResError, ResUsageError, toErrorObject } from './errors.ts';
import { canonicalHeaderKey, encodePreResponse, encodeReply, rememberedReply, type Outcome } from './reply.ts';
import { tokenEventMessage, type Message } from './system.ts';

/** Tracks and sends the reply of one request. */
export class Responder {
  isHttp = false;
  #replied = false;
  #status: number | undefined;
  readonly #header: Record<string, string[]> = {};
  #token: Message | undefined;
  #autoTimer: NodeJS.Timeout | undefined;

  constructor(private readonly core: ServiceCore, private readonly reply: string) {}

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
    this.#autoTimer = setTimeout(() => { this.#preResponse(autoTimeoutExtendMs); }, autoTimeoutAfterMs);
    this.#autoTimer.unref();
  }

  // Methods, not arrow fields: a Responder is built per request and closures per instance cost.
  /** `ctx.timeout(ms)`: a pre-response now; replaces the automatic one. */
  timeout(ms: number): void {
    clearTimeout(this.#autoTimer);
    this.#preResponse(ms);
  }

  /**
   * `ctx.setStatus(code)`: HTTP status for the reply. The protocol defines meta.status only for
   * 3XX, 4XX and 5XX (MUST be one of those; Resgate logs anything else as invalid and drops it).
   */
  setStatus(status: number): void {
    if (!Number.isInteger(status) || status < 300 || status > 599) throw new ResUsageError(`setStatus: ${status} is not a 3XX, 4XX or 5XX HTTP status`);
    this.#status = status;
  }

  /** `ctx.setHeader(name, value)`: canonical key, values as an array (the protocol's shape). */
  setHeader(name: string, value: string | readonly string[]): void {
    const values = typeof value === 'string' ? [value] : [...value];
    if (values.some((v) => typeof v !== 'string' || /[\r\n]/.test(v))) throw new ResUsageError(`setHeader: invalid value for ${name}`);
    this.#header[canonicalHeaderKey(name)] = values;
  }

  /** `ctx.setToken(token, tid)` in auth handlers: held until the reply. */
  setToken(cid: string, token: unknown, tid: string | undefined): void {
    // Serialised now, so a token that cannot be sent fails the handler, not the reply.
    this.#token = tokenEventMessage(cid, token, tid);
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
    this.core.publish(this.reply, payload);
  }

  #preResponse(ms: number): void {
    if (this.#replied) return;
    this.core.publish(this.reply, encodePreResponse(ms));
  }

  #meta(): { status?: number; header?: Record<string, string[]> } | undefined {
    const hasHeader = Object.keys(this.#header).length > 0;
    if (this.#status === undefined && !hasHeader) return undefined;
    return { ...(this.#status === undefined ? {} : { status: this.#status }), ...(hasHeader ? { header: this.#header } : {}) };
  }
}
