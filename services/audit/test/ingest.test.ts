// The trail: every domain event of the consumed subjects stored once, with the model's field
// names; a redelivery or a relay retry (the same event published again) adds nothing; a message
// that is no domain event is kept apart; monthly partitions exist ahead and are made on demand;
// an empty store replays the whole stream.
import { randomUUID } from 'node:crypto';
import { headers } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { AUDIT_STREAM } from '@hub/store';
import { describe, expect, it } from 'vitest';
import { accessToken, connectNats, scopeSql, startHub, tokenSubject, waitFor } from '@hub/testkit';
import { customerService } from '../../customer/src/service.ts';
import { caughtUp, startAudit, stored } from './helpers.ts';
import { auditEvents, writerHttp } from '../../customer/test/helpers.ts';

/** A customer service and three mutations of one customer through Resgate; its id. */
async function threeMutations(name: string): Promise<string> {
  const post = await writerHttp(`/api/${name}/customers/create`, { method: 'POST', json: { name: 'Ada', email: 'ada@t.test' } });
  const id = (post.headers.get('location') ?? '').split('/').pop() ?? '';
  expect((await writerHttp(`/api/${name}/customer/${id}`, { method: 'PATCH', json: { phone: '+44 1' } })).status).toBe(204);
  expect((await writerHttp(`/api/${name}/customer/${id}`, { method: 'DELETE' })).status).toBe(204);
  return id;
}

describe('audit ingest', () => {
  it('stores each event once with its actor and the model’s fields; a republished event and a bad message add no entry', async () => {
    const customer = await startHub(customerService);
    const { scope } = await startAudit({ subjects: [`audit.${customer.scope.name}.>`] });
    const id = await threeMutations(customer.scope.name);
    await waitFor(async () => (await stored(scope)).rows === 3, 'three entries');
    const rows = await scopeSql(
      scope,
      'SELECT service, resource, resource_id, action, actor, before, after FROM entries ORDER BY occurred_at, action',
    );
    const writer = tokenSubject(await accessToken('writer'));
    expect(rows.map((r) => [r.service, r.resource, r.resource_id, r.action, r.actor])).toEqual([
      [customer.scope.name, 'customer', id, 'create', writer],
      [customer.scope.name, 'customer', id, 'update', writer],
      [customer.scope.name, 'customer', id, 'delete', writer],
    ]);
    expect(rows[0]?.after).toMatchObject({ id, name: 'Ada', email: 'ada@t.test', createdAt: expect.any(String) as unknown });
    expect(rows[1]).toMatchObject({ before: { phone: '' }, after: { phone: '+44 1' } });
    expect(rows[2]).toMatchObject({ before: { phone: '+44 1' }, after: null });

    // A relay retry after JetStream's duplicate window: the same event again, under a new message id.
    const nc = await connectNats();
    const js = jetstream(nc);
    const [first] = await auditEvents(nc, customer.scope.name);
    if (first === undefined) throw new Error('no event in the stream');
    const h = headers();
    h.set('Nats-Msg-Id', randomUUID());
    await js.publish(first.subject, JSON.stringify(first.event), { headers: h });
    await js.publish(`audit.${customer.scope.name}.customer.create`, '{"not": "an event"}');
    await js.publish(`audit.${customer.scope.name}.customer.create`, 'not json');
    await caughtUp(nc, scope.name);
    expect(await stored(scope)).toEqual({ rows: 3, ids: 3 });
    const rejected = await scopeSql<{ reason: string }>(scope, 'SELECT reason FROM rejected ORDER BY seq');
    expect(rejected.map((r) => r.reason)).toEqual([expect.stringMatching(/^not a domain event: id /) as unknown, 'not JSON']);
  });

  it('keeps monthly partitions ahead, and makes the partition of an older month on demand', async () => {
    const customer = await startHub(customerService);
    const { scope } = await startAudit({ subjects: [`audit.${customer.scope.name}.>`] });
    const partitions = async () =>
      (
        await scopeSql<{ name: string }>(
          scope,
          "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'entries'::regclass ORDER BY 1",
        )
      ).map((r) => r.name);
    const now = new Date();
    const month = (k: number) => {
      const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + k, 1));
      return `entries_${String(d.getUTCFullYear())}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    };
    expect(await partitions()).toEqual([month(-1), month(0), month(1), month(2), month(3)]);
    // An event of March 2020 (a replayed old stream): its month's partition is made, the row lands in it.
    const nc = await connectNats();
    const event = {
      id: randomUUID(),
      service: customer.scope.name,
      resource: 'customer',
      action: 'create',
      resourceId: '1',
      actor: 'someone',
      before: null,
      after: { id: '1' },
      timestamp: '2020-03-15T10:00:00.000Z',
    };
    await jetstream(nc).publish(`audit.${customer.scope.name}.customer.create`, JSON.stringify(event));
    await waitFor(async () => (await stored(scope)).rows === 1, 'the old event to be stored');
    expect(await partitions()).toContain('entries_2020_03');
    expect(await scopeSql(scope, 'SELECT count(*)::int AS n FROM entries_2020_03')).toEqual([{ n: 1 }]);
  });

  it('a second instance on a still empty store takes up the consumer as it is: nothing delivered, nothing to replay', async () => {
    // Intent: replicas starting together on a new database must not each recreate the shared
    // consumer (an empty store asks for a replay) under the one already consuming.
    const customer = await startHub(customerService);
    const subjects = [`audit.${customer.scope.name}.>`];
    const one = await startAudit({ subjects });
    const jsm = await jetstreamManager(await connectNats());
    const created = (await jsm.consumers.info(AUDIT_STREAM, one.scope.name)).created;
    await startAudit({ subjects, scope: one.scope });
    expect((await jsm.consumers.info(AUDIT_STREAM, one.scope.name)).created).toBe(created);
    await threeMutations(customer.scope.name);
    await waitFor(async () => (await stored(one.scope)).rows === 3, 'three entries');
  });

  it('an empty store replays the whole stream, even under a consumer that had acked it all', async () => {
    // Intent: the trail's database was lost (a new scope), its durable consumer survived with
    // every event acked: the new instance must deliver the stream again from the start.
    const customer = await startHub(customerService);
    const subjects = [`audit.${customer.scope.name}.>`];
    const first = await startAudit({ subjects });
    await threeMutations(customer.scope.name);
    await waitFor(async () => (await stored(first.scope)).rows === 3, 'three entries');
    const nc = await connectNats();
    await caughtUp(nc, first.scope.name);
    await first.service.close();
    const second = await startAudit({ subjects, consumer: first.scope.name }); // a new, empty schema
    await waitFor(async () => (await stored(second.scope)).rows === 3, 'the whole stream stored again');
    expect(await scopeSql(second.scope, 'SELECT id::text FROM entries ORDER BY 1')).toEqual(
      await scopeSql(first.scope, 'SELECT id::text FROM entries ORDER BY 1'),
    );
  });
});
