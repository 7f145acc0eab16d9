// Query events in commit order: while 200 creates, renames, retags and deletes commit concurrently,
// ten WebSocket clients hold ten different open searches. Every add and remove a client receives
// must fit the list it holds (index in range, the removed item where the event says it is), and
// at the end every client's list is exactly what the service answers from Postgres for its query.
import { describe, expect, it } from 'vitest';
import { accessToken, connectNats, isCollection, openClient, resRequest, waitFor, type ResCollection } from '@hub/testkit';
import { startCustomer } from './helpers.ts';

const WRITER = {
  sub: 'order-writer',
  username: 'order-writer',
  roles: ['customer:write', 'customer:read'],
  exp: Math.floor(Date.now() / 1000) + 3600,
  sid: null,
};
const QUERIES = [
  '',
  'q=acme',
  'tag=vip',
  'active=false',
  'sort=-name&limit=10',
  'sort=createdAt&limit=15&offset=5',
  'q=corp&sort=-createdAt',
  'tag=new&active=true',
  'sort=name&limit=5&offset=3',
  'q=acme&tag=vip&sort=-name',
] as const;
const INITIAL = 30;
const MUTATIONS = 200;

const ridOf = (item: unknown): string => (item as { getResourceId(): string }).getResourceId();

/** A client's open search, checked against its own model of the list at every event. */
interface Watched {
  readonly query: string;
  readonly list: ResCollection;
  readonly model: string[];
  readonly violations: string[];
}

function watchList(query: string, list: ResCollection): Watched {
  const w: Watched = { query, list, model: list.toArray().map(ridOf), violations: [] };
  list.on('add', (e: { item: unknown; idx: number }) => {
    if (e.idx < 0 || e.idx > w.model.length) w.violations.push(`add@${String(e.idx)} into ${String(w.model.length)}`);
    w.model.splice(e.idx, 0, ridOf(e.item));
  });
  list.on('remove', (e: { item: unknown; idx: number }) => {
    const at = w.model[e.idx];
    if (at !== ridOf(e.item)) w.violations.push(`remove@${String(e.idx)} of ${ridOf(e.item)} found ${String(at)}`);
    w.model.splice(e.idx, 1);
  });
  return w;
}

describe('query events in commit order', () => {
  it(
    '200 concurrent mutations while 10 clients hold different searches: every event fits, every list ends equal to Postgres',
    { timeout: 120_000 },
    async () => {
      const { scope } = await startCustomer();
      const nc = await connectNats();
      const call = async (subject: string, params?: unknown): Promise<{ resource?: { rid: string }; error?: unknown }> =>
        resRequest(nc, subject, { params, token: WRITER });
      const names = ['Acme', 'Acme Corp', 'Beta Corp', 'Gamma', 'Delta Acme', 'Epsilon', 'Zeta Corp'];
      const rids: string[] = [];
      for (let i = 0; i < INITIAL; i++) {
        const r = await call(`call.${scope.name}.customers.create`, {
          name: `${names[i % names.length] ?? 'X'} ${String(i)}`,
          email: `i${String(i)}@order.test`,
          tags: i % 3 === 0 ? ['vip'] : [],
          active: i % 4 !== 0,
        });
        if (r.resource === undefined) throw new Error(`create failed: ${JSON.stringify(r)}`);
        rids.push(r.resource.rid);
      }
      const client = await openClient({ token: await accessToken('writer') });
      const watched = await Promise.all(
        QUERIES.map(async (q) => {
          const list = await client.get(`${scope.name}.customers${q === '' ? '' : `?${q}`}`);
          if (!isCollection(list)) throw new Error('not a collection');
          return watchList(q, list);
        }),
      );

      // Concurrent: creates, renames (move within and across results), retags, toggles, deletes.
      let n = INITIAL;
      const ops = Array.from({ length: MUTATIONS }, (_, i) => {
        const target = rids[(i * 7) % rids.length] ?? '';
        switch (i % 5) {
          case 0: {
            const k = n++;
            return call(`call.${scope.name}.customers.create`, {
              name: `${names[k % names.length] ?? 'X'} ${String(k)}`,
              email: `n${String(k)}@order.test`,
              tags: k % 2 === 0 ? ['vip', 'new'] : ['new'],
            });
          }
          case 1:
            return call(`call.${target}.set`, { name: `${names[(i * 3) % names.length] ?? 'X'} r${String(i)}` });
          case 2:
            return call(`call.${target}.set`, { tags: i % 2 === 0 ? ['vip'] : ['new'] });
          case 3:
            return call(`call.${target}.set`, { active: i % 2 === 0 });
          default:
            return call(`call.${rids[(i * 11) % rids.length] ?? ''}.delete`);
        }
      });
      await Promise.all(ops); // a delete of an already deleted customer answers notFound: fine

      // The answer from Postgres for each query, straight from the service (not Resgate's cache).
      const fromDb = async (q: string): Promise<string[]> => {
        const reply = (await nc.request(`get.${scope.name}.customers`, JSON.stringify({ query: q }), { timeout: 10_000 })).json<{
          result: { collection: { rid: string }[] };
        }>();
        return reply.result.collection.map((c) => c.rid);
      };
      for (const w of watched) {
        const expected = await fromDb(w.query);
        // The list and the model both: resclient applies an event to the list at once but runs its
        // listeners from a setTimeout (modapp-eventbus), so the model can lag the list by a tick.
        const want = JSON.stringify(expected);
        await waitFor(
          () => JSON.stringify(w.list.toArray().map(ridOf)) === want && JSON.stringify(w.model) === want,
          `the "${w.query}" list and its event-built model to equal Postgres`,
          10_000,
        ).catch((err: unknown) => {
          const list = w.list.toArray().map(ridOf);
          throw new Error(
            `${String(err)}\n  missing: ${JSON.stringify(expected.filter((r) => !list.includes(r)))}\n  extra: ${JSON.stringify(list.filter((r) => !expected.includes(r)))}\n  list:     ${JSON.stringify(list)}\n  model:    ${JSON.stringify(w.model)}\n  postgres: ${JSON.stringify(expected)}`,
          );
        });
        expect(w.violations, `events of "${w.query}"`).toEqual([]);
      }
    },
  );
});
