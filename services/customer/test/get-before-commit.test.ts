// A get that has read a customer's row, and not yet answered, when a set of that customer commits:
// Resgate drops events for a resource it is still fetching, so if the set could commit and send its
// change before the get's reply, Resgate would cache the state before the set — for good. The SDK
// runs the model's get and writes one at a time (its queue), so the set waits for the reply. The
// delay is injected into the real Postgres pool: the get's row is read, then held back.
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { scopeSql, waitFor, type ResModel } from '@hub/testkit';
import { startCustomer, writerClient, writerHttp } from './helpers.ts';

/** The model get's statement (rows.ts `selectOne`), not a write's. */
const MODEL_GET = /^SELECT .* AS e FROM customers WHERE id = \$1$/s;

/** After `arm()`, the next model get's query result is held until `release()`; `entered` resolves when it is. */
function holdNextGet(pool: pg.Pool) {
  let armed = false;
  let release = (): void => undefined;
  let entered = (): void => undefined;
  const enteredP = new Promise<void>((r) => (entered = r));
  const gate = new Promise<void>((r) => (release = r));
  const query = pool.query.bind(pool) as (...a: unknown[]) => Promise<unknown>;
  const text = (a: unknown): string => (typeof a === 'string' ? a : ((a as { text?: string } | undefined)?.text ?? ''));
  (pool as unknown as { query: (...a: unknown[]) => Promise<unknown> }).query = async (...args: unknown[]) => {
    const out = await query(...args);
    if (armed && MODEL_GET.test(text(args[0]))) {
      armed = false;
      entered();
      await gate;
    }
    return out;
  };
  return {
    arm: () => {
      armed = true;
    },
    entered: enteredP,
    release: () => {
      release();
    },
  };
}

describe('a get that read before a commit', () => {
  it("cannot leave Resgate's cache stale: the set waits for the get's reply, and every client ends on the set's state", async () => {
    const { scope, service } = await startCustomer();
    // Inserted behind the service's back: no cache and no gateway has seen it, so Resgate's first
    // subscriber makes it send a get, and that get reads Postgres.
    const [row] = await scopeSql<{ id: string }>(
      scope,
      "INSERT INTO customers (name, email) VALUES ('Before', 'before@t.test') RETURNING id::text",
    );
    const id = row?.id ?? '';
    const rid = `${scope.name}.customer.${id}`;
    const hold = holdNextGet(service.data.store.db.pool);
    hold.arm();
    const client = await writerClient();
    const subscribed = client.get(rid) as Promise<ResModel>;
    await hold.entered;
    const set = writerHttp(`/api/${scope.name}/customer/${id}`, { method: 'PATCH', json: { name: 'After' } });
    // Long enough for a set that did not wait to commit (it takes milliseconds here).
    await new Promise((r) => setTimeout(r, 300));
    const [whileHeld] = await scopeSql<{ version: number }>(scope, 'SELECT version FROM customers WHERE id = $1', [id]);
    hold.release();
    const model = await subscribed;
    expect((await set).status).toBe(204);
    await waitFor(() => model.name === 'After' && Number(model.version) === 2, 'the subscribed client to get the change');
    const fresh = await writerHttp<{ name: string; version: number }>(`/api/${scope.name}/customer/${id}`);
    expect(fresh.body).toMatchObject({ name: 'After', version: 2 }); // Resgate's cache (the client keeps it subscribed)
    expect(((await (await writerClient()).get(rid)) as ResModel).name).toBe('After');
    expect(whileHeld?.version).toBe(1); // why: the set had not committed while the get held its answer
  });
});
