/**
 * A bare RES client over Resgate's WebSocket (the client protocol's JSON messages, no caching
 * library in between): so a drill's subscribe and unsubscribe each reach Resgate as sent, and
 * the events it receives are all counted.
 */
import WebSocket from 'ws';
import { cleanup } from '@hub/testkit';

export interface WsReply {
  readonly result?: unknown;
  readonly error?: { readonly code: string; readonly message: string };
}

export interface WsEvent {
  readonly event: string;
  readonly data: unknown;
}

export interface WsClient {
  /** Sends `method` (e.g. `subscribe.library.book.1`); resolves with the reply or `{ error: { code: 'timeout' } }`. */
  request(method: string, params?: unknown, timeoutMs?: number): Promise<WsReply>;
  /** Called for every event Resgate sends this connection. */
  onEvent(listener: (e: WsEvent) => void): void;
}

/** Connects to Resgate's WebSocket at `url`; closed when the test ends. */
export async function wsClient(url: string): Promise<WsClient> {
  const ws = cleanup(new WebSocket(url), (s) => {
    s.close();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      resolve();
    });
    ws.once('error', reject);
  });
  let id = 0;
  const pending = new Map<number, (r: WsReply) => void>();
  const listeners: ((e: WsEvent) => void)[] = [];
  ws.on('message', (raw: Buffer) => {
    const m = JSON.parse(raw.toString()) as { id?: number; event?: string; data?: unknown } & WsReply;
    if (typeof m.id === 'number') {
      pending.get(m.id)?.(m);
      pending.delete(m.id);
    } else if (typeof m.event === 'string') for (const l of listeners) l({ event: m.event, data: m.data });
  });
  return {
    request: (method, params, timeoutMs = 5000) =>
      new Promise<WsReply>((resolve) => {
        const i = ++id;
        const timer = setTimeout(() => {
          pending.delete(i);
          resolve({ error: { code: 'timeout', message: `${method}: no reply in ${String(timeoutMs)} ms` } });
        }, timeoutMs);
        pending.set(i, (r) => {
          clearTimeout(timer);
          resolve(r);
        });
        ws.send(JSON.stringify(params === undefined ? { id: i, method } : { id: i, method, params }));
      }),
    onEvent: (l) => {
      listeners.push(l);
    },
  };
}
