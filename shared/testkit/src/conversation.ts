/**
 * Protocol tests as a conversation, over real NATS, in the spirit of go-res's `restest`: the test
 * plays Resgate — it sends requests and receives, on ONE connection, every message the service
 * sends back (replies, resource events, `system.reset`, token events) in the order the service
 * sent them (NATS keeps order per connection, and the service publishes on one). Each `expect*`
 * takes the next message and fails on anything else: an extra, missing or reordered message is a
 * failure, not a flake to wait out.
 *
 * @example
 * const c = await conversation(service.name);
 * const set = c.call(`${name}.customer.1`, 'set', { name: 'Ada' }, { token });
 * await c.expectEvent(`${name}.customer.1`, 'change', (p) => expect(p.values.name).toBe('Ada'));
 * await c.expectResult(set, null);
 * await c.expectNothing();
 */
import { createInbox, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { isDeepStrictEqual } from 'node:util';
import { connectNats } from './nats.ts';

/** How long an `expect*` waits for the next message. */
export const CONVERSATION_WAIT_MS = 5000;
/** How long `expectNothing` listens for a stray message. */
export const QUIET_MS = 150;

/** One message of the conversation, as received. */
export interface Received {
  readonly kind: 'reply' | 'event' | 'reset' | 'token' | 'tokenReset';
  readonly subject: string;
  /** The request a reply answers. */
  readonly request?: Sent;
  readonly payload: unknown;
  /** Payload as text (pre-responses are not JSON). */
  readonly text: string;
}

/** A request the test sent. */
export interface Sent { readonly subject: string; readonly inbox: string }

/** What a request carries besides its params (as Resgate sends it). */
export interface RequestExtras { readonly token?: unknown; readonly cid?: string; readonly query?: string; readonly isHttp?: boolean }

/**
 * Checks a payload: an expected value (deep equality) or an assertion function of the payload.
 * (Typed `unknown`: any value, a function included.)
 */
export type Expected = unknown;

export interface Conversation {
  get(rid: string, extras?: RequestExtras): Sent;
  call(rid: string, method: string, params?: unknown, extras?: RequestExtras): Sent;
  auth(rid: string, method: string, params?: unknown, extras?: RequestExtras & { header?: Record<string, string[]> }): Sent;
  access(rid: string, extras?: RequestExtras): Sent;
  /** A query request to the inbox of a query event (see `expectEvent(rid, 'query')`). */
  query(subject: string, query: string): Sent;
  /** The next message, whatever it is. */
  next(): Promise<Received>;
  expectEvent(rid: string, event: string, payload?: Expected): Promise<Received>;
  expectResult(req: Sent, result?: Expected): Promise<Received>;
  expectResource(req: Sent, rid: string): Promise<Received>;
  expectError(req: Sent, code: string): Promise<Received>;
  expectReset(payload?: Expected): Promise<Received>;
  expectToken(cid: string, payload?: Expected): Promise<Received>;
  /** No message arrives for {@link QUIET_MS}. */
  expectNothing(ms?: number): Promise<void>;
}

function decode(msg: Msg): { payload: unknown; text: string } {
  const text = msg.string();
  try { return { payload: text === '' ? undefined : (JSON.parse(text) as unknown), text }; } catch { return { payload: undefined, text }; }
}

function check(what: string, got: Received, expected: Expected): void {
  if (expected === undefined) return;
  if (typeof expected === 'function') { (expected as (p: unknown) => void)(got.payload); return; }
  if (!isDeepStrictEqual(got.payload, expected)) throw new Error(`${what}: payload ${got.text} is not ${JSON.stringify(expected)}`);
}

/**
 * Opens a conversation with the service named `service` (closed when the test ends).
 * @example const c = await conversation(service.name);
 */
export async function conversation(service: string, nc?: NatsConnection): Promise<Conversation> {
  const conn = nc ?? (await connectNats());
  const inbox = createInbox();
  const received: Received[] = [];
  const waiters: ((m: Received) => void)[] = [];
  const pending = new Map<string, Sent>();
  const cids = new Set<string>();
  const deliver = (m: Received): void => {
    const w = waiters.shift();
    if (w !== undefined) w(m); else received.push(m);
  };
  const mine = (p: unknown): boolean => JSON.stringify(p ?? null).includes(`"${service}`);
  const listen = (subject: string, kind: Received['kind'], keep: (msg: Msg, payload: unknown) => boolean = () => true): void => {
    conn.subscribe(subject, {
      callback: (_err, msg) => {
        const { payload, text } = decode(msg);
        if (!keep(msg, payload)) return;
        deliver({ kind, subject: msg.subject, payload, text, ...(kind === 'reply' ? { request: pending.get(msg.subject) } : {}) });
      },
    });
  };
  listen(`${inbox}.*`, 'reply');
  listen(`event.${service}.>`, 'event');
  listen(`event.${service}`, 'event');
  // Broadcasts from every service on the server: only those about this one, and connections we used.
  listen('system.reset', 'reset', (_m, p) => mine(p));
  listen('system.tokenReset', 'tokenReset', (_m, p) => mine(p));
  listen('conn.*.token', 'token', (m) => cids.has(m.subject.split('.')[1] ?? ''));
  await conn.flush();
  let n = 0;
  const send = (subject: string, body: unknown): Sent => {
    const s: Sent = { subject, inbox: `${inbox}.${String(n++)}` };
    pending.set(s.inbox, s);
    conn.publish(subject, JSON.stringify(body), { reply: s.inbox });
    return s;
  };
  const body = (params: unknown, x: RequestExtras = {}) => {
    if (x.cid !== undefined) cids.add(x.cid);
    return { params, token: x.token ?? null, cid: x.cid, query: x.query, isHttp: x.isHttp };
  };
  const next = (): Promise<Received> => {
    const m = received.shift();
    if (m !== undefined) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { waiters.splice(waiters.indexOf(w), 1); reject(new Error(`no message within ${String(CONVERSATION_WAIT_MS)} ms`)); }, CONVERSATION_WAIT_MS);
      const w = (msg: Received): void => { clearTimeout(timer); resolve(msg); };
      waiters.push(w);
    });
  };
  /** The next message that is not a pre-response to a request we sent. */
  const nextAnswer = async (): Promise<Received> => {
    for (;;) {
      const m = await next();
      if (m.kind !== 'reply' || !m.text.startsWith('timeout:')) return m;
    }
  };
  const expectReply = async (req: Sent, what: string, test: (payload: Record<string, unknown>) => void): Promise<Received> => {
    const m = await nextAnswer();
    if (m.kind !== 'reply' || m.subject !== req.inbox) throw new Error(`expected the reply to ${req.subject} (${what}), got ${m.kind} ${m.subject} ${m.text}`);
    test((m.payload ?? {}) as Record<string, unknown>);
    return m;
  };
  const c: Conversation = {
    get: (rid, x = {}) => send(`get.${rid}`, body(undefined, x)),
    call: (rid, method, params, x = {}) => send(`call.${rid}.${method}`, body(params, x)),
    auth: (rid, method, params, x = {}) => send(`auth.${rid}.${method}`, { ...body(params, x), header: x.header }),
    access: (rid, x = {}) => send(`access.${rid}`, body(undefined, x)),
    query: (subject, query) => send(subject, { query }),
    next,
    expectEvent: async (rid, event, payload) => {
      const m = await nextAnswer();
      if (m.kind !== 'event' || m.subject !== `event.${rid}.${event}`) throw new Error(`expected event.${rid}.${event}, got ${m.kind} ${m.subject} ${m.text}`);
      check(m.subject, m, payload);
      return m;
    },
    expectResult: (req, result) => expectReply(req, 'a result', (p) => {
      if (!('result' in p)) throw new Error(`reply to ${req.subject} has no result: ${JSON.stringify(p)}`);
      check(`result of ${req.subject}`, { kind: 'reply', subject: req.inbox, payload: p.result, text: JSON.stringify(p.result) }, result);
    }),
    expectResource: (req, rid) => expectReply(req, `resource ${rid}`, (p) => {
      if (!isDeepStrictEqual(p.resource, { rid })) throw new Error(`reply to ${req.subject} is not the resource ${rid}: ${JSON.stringify(p)}`);
    }),
    expectError: (req, code) => expectReply(req, `error ${code}`, (p) => {
      if ((p.error as { code?: unknown } | undefined)?.code !== code) throw new Error(`reply to ${req.subject} is not error ${code}: ${JSON.stringify(p)}`);
    }),
    expectReset: async (payload) => {
      const m = await nextAnswer();
      if (m.kind !== 'reset') throw new Error(`expected system.reset, got ${m.kind} ${m.subject} ${m.text}`);
      check('system.reset', m, payload);
      return m;
    },
    expectToken: async (cid, payload) => {
      const m = await nextAnswer();
      if (m.kind !== 'token' || m.subject !== `conn.${cid}.token`) throw new Error(`expected conn.${cid}.token, got ${m.kind} ${m.subject} ${m.text}`);
      check(m.subject, m, payload);
      return m;
    },
    expectNothing: async (ms = QUIET_MS) => {
      await new Promise((r) => setTimeout(r, ms));
      const stray = received.filter((m) => !(m.kind === 'reply' && m.text.startsWith('timeout:')));
      if (stray.length > 0) throw new Error(`unexpected messages: ${stray.map((m) => `${m.kind} ${m.subject} ${m.text}`).join('; ')}`);
    },
  };
  return c;
}
