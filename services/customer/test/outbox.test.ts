// Domain events survive a crash between commit and relay: every committed mutation reaches the
// JetStream stream exactly once after dedupe, in commit order per customer.
import { describe, expect, it } from 'vitest';
import { accessToken, connectNats, scopeSql, tokenSubject, waitFor } from '@hub/testkit';
import { auditEvents, ridOf, startCustomer, writerClient } from './helpers.ts';

describe('customer domain events (outbox)', () => {
  it('killing the service between commit and relay loses no event and duplicates none', async () => {
    // Intent: instance A commits 6 mutations but dies before relaying any; instance B relays
    // them, "crashes" once after publishing but before marking them done, and re-publishes:
    // the stream still holds exactly the 6 events, once each, in order per customer.
    const first = await startCustomer({
      relayFaults: {
        beforePublish: () => {
          throw new Error('injected crash before relay');
        },
      },
    });
    const { scope } = first;
    const client = await writerClient();
    const create = async (n: string) => ridOf(await client.call(`${scope.name}.customers`, 'create', { name: n, email: `${n}@t.test` }));
    const a = await create('a');
    const b = await create('b');
    await create('c');
    await client.call(a, 'set', { phone: '1' });
    await client.call(a, 'set', { phone: '2' });
    await client.call(b, 'delete');
    const committed = 6;
    expect(await scopeSql(scope, 'SELECT count(*)::int AS n FROM hub_outbox')).toEqual([{ n: committed }]);
    await first.service.close(); // the crash: nothing was relayed

    let published = 0;
    await startCustomer({
      scope,
      relayFaults: {
        afterPublish: (rows) => {
          published += rows.length;
          if (published === rows.length) throw new Error('injected crash after publish');
        },
      },
    });
    await waitFor(async () => (await scopeSql(scope, 'SELECT count(*)::int AS n FROM hub_outbox'))[0]?.n === 0, 'the outbox to drain');
    expect(published).toBeGreaterThanOrEqual(2 * committed); // really published twice

    const nc = await connectNats();
    const events = await auditEvents(nc, scope.name);
    expect(events).toHaveLength(committed);
    expect(new Set(events.map((e) => e.event.id)).size).toBe(committed);
    const idOf = (rid: string) => rid.slice(rid.lastIndexOf('.') + 1);
    const actions = (rid: string) => events.filter((e) => e.event.resourceId === idOf(rid)).map((e) => e.subject);
    expect(actions(a)).toEqual([
      `audit.${scope.name}.customer.create`,
      `audit.${scope.name}.customer.update`,
      `audit.${scope.name}.customer.update`,
    ]);
    expect(actions(b)).toEqual([`audit.${scope.name}.customer.create`, `audit.${scope.name}.customer.delete`]);
    const last = events.filter((e) => e.event.resourceId === idOf(a)).at(-1)?.event;
    expect(last).toMatchObject({
      action: 'update',
      before: { phone: '1' },
      after: { phone: '2', version: 3 },
      actor: tokenSubject(await accessToken('writer')),
    });
  });
});
