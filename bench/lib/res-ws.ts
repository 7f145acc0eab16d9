/**
 * Many RES WebSocket clients in one process, speaking the RES client protocol directly over `ws`
 * (subscribe requests, result and event messages) rather than through resclient: the benchmark
 * measures when Resgate's event reaches each connection, and resclient's per-client cache and
 * event emitters would make this one process — handling every client's copy of an event in turn
 * — the slowest part of the path it measures.
 */
import WebSocket from 'ws';

/** A change event as one client received it. */
export interface Received {
  /** Index of the client. */
  readonly client: number;
  /** `<rid>.change` */
  readonly event: string;
  readonly values: Readonly<Record<string, unknown>>;
  /** performance.now() when it arrived. */
  readonly at: number;
}

export interface Clients {
  readonly size: number;
  /** Per client, the models its subscriptions returned (by RID): the state its events apply to. */
  readonly models: readonly Readonly<Record<string, Readonly<Record<string, unknown>>>>[];
  /** Every change event any client receives goes here. */
  onChange: (r: Received) => void;
  close(): void;
}

interface Message {
  readonly id?: number;
  readonly result?: { readonly models?: Record<string, Record<string, unknown>> };
  readonly error?: { readonly code: string; readonly message: string };
  readonly event?: string;
  readonly data?: { readonly values?: Record<string, unknown> };
}

/** Opens one connection and subscribes it to `rids`; `models` gets the models the subscriptions return. */
function open(
  url: string,
  index: number,
  rids: readonly string[],
  sink: () => (r: Received) => void,
  models: Record<string, Record<string, unknown>>,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const pending = new Map<number, { ok: () => void; fail: (e: Error) => void }>();
    let next = 1;
    ws.on('message', (raw: Buffer) => {
      const at = performance.now();
      const m = JSON.parse(raw.toString('utf8')) as Message;
      if (m.event !== undefined) {
        if (m.event.endsWith('.change') && m.data?.values) sink()({ client: index, event: m.event, values: m.data.values, at });
        return;
      }
      const p = m.id === undefined ? undefined : pending.get(m.id);
      if (p === undefined || m.id === undefined) return;
      pending.delete(m.id);
      if (m.error) p.fail(new Error(`subscribe failed: ${m.error.code} ${m.error.message}`));
      else {
        Object.assign(models, m.result?.models);
        p.ok();
      }
    });
    ws.on('error', reject);
    ws.on('open', () => {
      const subscribed = rids.map(
        (rid) =>
          new Promise<void>((ok, fail) => {
            const id = next++;
            pending.set(id, { ok, fail });
            ws.send(JSON.stringify({ id, method: `subscribe.${rid}` }));
          }),
      );
      Promise.all(subscribed).then(() => { resolve(ws); }, reject);
    });
  });
}

/**
 * Opens `n` clients (a batch at a time, so Resgate's header auth is not flooded), each subscribed
 * to every RID in `rids`. `prepare` gets the clients before the first opens: an `onChange` it sets
 * sees every event (one set after this resolves misses those that came meanwhile).
 * @example const clients = await openClients('ws://127.0.0.1:8080', 1000, ['customer.customer.1']);
 */
export async function openClients(
  url: string,
  n: number,
  rids: readonly string[],
  batch = 50,
  prepare: (clients: Clients) => void = () => undefined,
): Promise<Clients> {
  const sockets: WebSocket[] = [];
  const models = Array.from({ length: n }, () => ({}));
  const clients: Clients = {
    size: n,
    models,
    onChange: () => undefined,
    close: () => {
      for (const ws of sockets) ws.terminate();
    },
  };
  prepare(clients);
  try {
    for (let i = 0; i < n; i += batch) {
      const count = Math.min(batch, n - i);
      sockets.push(...(await Promise.all(Array.from({ length: count }, (_, k) => open(url, i + k, rids, () => clients.onChange, models[i + k] ?? {})))));
    }
  } catch (err) {
    clients.close();
    throw err;
  }
  return clients;
}
