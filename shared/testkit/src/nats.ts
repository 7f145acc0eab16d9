/** A raw NATS connection to the test server, closed when the test ends. */
import { connect, createInbox, type NatsConnection } from '@nats-io/transport-node';
import { cleanup, hub } from './context.ts';

/**
 * @example const nc = await connectNats(); const msg = await nc.request('get.x', '{}');
 */
export async function connectNats(): Promise<NatsConnection> {
  const nc = await connect({ servers: hub().natsUrl, name: 'testkit' });
  return cleanup(nc, (c) => c.close());
}

/**
 * A RES request straight on NATS, as a gateway sends it: the payload JSON-encoded, pre-responses
 * (`timeout:"<ms>"`, which extend the wait) skipped, the final reply parsed.
 * @example const r = await resRequest(nc, `call.${rid}.set`, { params: { name: 'x' }, token }); // { result: null }
 */
export function resRequest<T = { result?: unknown; resource?: { rid: string }; error?: { code: string; message: string } }>(
  nc: NatsConnection,
  subject: string,
  body: unknown,
  timeoutMs = 10_000,
): Promise<T> {
  const inbox = createInbox();
  return new Promise<T>((resolve, reject) => {
    let timer = setTimeout(() => {
      finish(new Error(`no reply on ${subject} within ${String(timeoutMs)} ms`));
    }, timeoutMs);
    const sub = nc.subscribe(inbox, {
      callback: (_err, msg) => {
        const text = msg.string();
        const pre = /^timeout:"(\d+)"/.exec(text);
        if (pre !== null) {
          clearTimeout(timer);
          timer = setTimeout(() => {
            finish(new Error(`no reply on ${subject} after its pre-response`));
          }, Number(pre[1]));
          return;
        }
        try {
          finish(undefined, JSON.parse(text) as T);
        } catch (e) {
          finish(e instanceof Error ? e : new Error(String(e)));
        }
      },
    });
    const finish = (err: Error | undefined, v?: T): void => {
      clearTimeout(timer);
      sub.unsubscribe();
      if (err) reject(err);
      else resolve(v as T);
    };
    nc.publish(subject, JSON.stringify(body), { reply: inbox });
  });
}
