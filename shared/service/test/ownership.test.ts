// One owner per resource across instances, in one process (the multi-process storms are in
// services/customer/test/ownership.test.ts): partitions split between instances, only the owner
// answers, and a graceful close hands every partition over without a failed request.
import { describe, expect, it } from 'vitest';
import { connectNats, dataScope, startHub, waitFor } from '@hub/testkit';
import { fnv1a, ownerOf } from '../src/ownership.ts';
import { customerService } from '../../../services/customer/src/service.ts';

const WRITER = {
  sub: 'w',
  roles: ['customer:write', 'customer:read'],
  exp: Math.floor(Date.now() / 1000) + 3600,
  sid: null,
  username: 'w',
};

describe('partition ownership', () => {
  it('rendezvous hashing spreads partitions and moves only those of a leaving member', () => {
    const three = ['a', 'b', 'c'];
    const owners = Array.from({ length: 64 }, (_, p) => ownerOf(p, three));
    for (const m of three) expect(owners.filter((o) => o === m).length).toBeGreaterThan(8);
    const two = Array.from({ length: 64 }, (_, p) => ownerOf(p, ['a', 'b']));
    owners.forEach((o, p) => {
      if (o !== 'c') expect(two[p]).toBe(o);
    });
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
  });

  it('two instances split the partitions; each request is answered once, by the owner', async () => {
    const scope = dataScope('own');
    const config = { HUB_PARTITIONS: 8 };
    const a = (await startHub(customerService, { scope, config })).service;
    const b = (await startHub(customerService, { scope, config })).service;
    await waitFor(
      () =>
        (a.ownership?.held.length ?? 0) + (b.ownership?.held.length ?? 0) === 8 &&
        (a.ownership?.held.length ?? 0) > 0 &&
        (b.ownership?.held.length ?? 0) > 0,
      'the partitions to split',
    );
    expect(new Set([...(a.ownership?.held ?? []), ...(b.ownership?.held ?? [])]).size).toBe(8);
    const nc = await connectNats();
    const replies: string[] = [];
    const inbox = `_INBOX.own${String(Date.now())}`;
    nc.subscribe(`${inbox}.*`, {
      callback: (_e, m) => {
        replies.push(m.subject);
      },
    });
    for (let i = 0; i < 20; i++)
      nc.publish(
        `call.${scope.name}.customers.create`,
        JSON.stringify({ params: { name: `c${String(i)}`, email: `c${String(i)}@t.test` }, token: WRITER }),
        { reply: `${inbox}.${String(i)}` },
      );
    await waitFor(() => replies.length >= 20, 'twenty replies');
    for (let i = 1; i <= 20; i++) nc.publish(`get.${scope.name}.customer.${String(i)}`, '{}', { reply: `${inbox}.g${String(i)}` });
    await waitFor(() => replies.length >= 40, 'forty replies');
    await nc.flush();
    await new Promise((r) => setTimeout(r, 200)); // a second answer would arrive by now
    expect(replies.length).toBe(40);
    expect(new Set(replies).size).toBe(40);
  });

  it('closing one instance hands its partitions over: requests meanwhile all succeed', async () => {
    const scope = dataScope('own');
    const config = { HUB_PARTITIONS: 8 };
    const a = (await startHub(customerService, { scope, config })).service;
    const b = (await startHub(customerService, { scope, config })).service;
    await waitFor(() => (a.ownership?.held.length ?? 0) > 0 && (b.ownership?.held.length ?? 0) > 0, 'both to own partitions');
    const nc = await connectNats();
    const create = await nc.request(
      `call.${scope.name}.customers.create`,
      JSON.stringify({ params: { name: 'x', email: 'x@t.test' }, token: WRITER }),
      { timeout: 5000 },
    );
    expect(create.json<{ resource?: unknown }>().resource).toBeDefined();
    let failed = 0;
    let ok = 0;
    let stop = false;
    const worker = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        try {
          const r = await nc.request(
            `call.${scope.name}.customer.1.set`,
            JSON.stringify({ params: { phone: `${String(w)}-${String(i)}` }, token: WRITER }),
            { timeout: 3000 },
          );
          if ('error' in r.json<object>()) failed++;
          else ok++;
        } catch {
          failed++;
        }
      }
    };
    const workers = Promise.all([0, 1, 2, 3].map(worker));
    await waitFor(() => ok > 20, 'requests to flow');
    await a.close();
    await waitFor(() => b.ownership?.held.length === 8, 'b to hold every partition');
    const afterClose = ok;
    await waitFor(() => ok > afterClose + 20, 'requests to flow on b');
    stop = true;
    await workers;
    expect(failed).toBe(0);
  });
});
