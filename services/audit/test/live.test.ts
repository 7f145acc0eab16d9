// The trail, live and for administrators only: an admin's open audit.entries query and a
// resource's history update as entries arrive (also when another instance stored them); entries
// and lag read as models; everyone else is refused.
import { describe, expect, it } from 'vitest';
import {
  accessToken,
  isCollection,
  openClient,
  resgateHttp,
  scopeSql,
  startHub,
  waitFor,
  type ResCollection,
  type ResModel,
  type TestUser,
} from '@hub/testkit';
import { customerService } from '../../customer/src/service.ts';
import { startAudit, stored } from './helpers.ts';
import { writerHttp } from '../../customer/test/helpers.ts';

async function newCustomer(name: string, n: string): Promise<string> {
  const post = await writerHttp(`/api/${name}/customers/create`, { method: 'POST', json: { name: n, email: `${n}@t.test` } });
  return (post.headers.get('location') ?? '').split('/').pop() ?? '';
}

/** "action resourceId" of each entry in an open collection (entries are models). */
function actions(list: ResCollection): string[] {
  return list.toArray().map((e) => `${String((e as ResModel).action)} ${String((e as ResModel).resourceId)}`);
}

async function collectionOf(client: Awaited<ReturnType<typeof openClient>>, rid: string): Promise<ResCollection> {
  const c = await client.get(rid);
  if (!isCollection(c)) throw new Error(`${rid} is not a collection`);
  return c;
}

describe('audit live resources', () => {
  it("an admin's open audit.entries query and a history update live, newest first", async () => {
    const customer = await startHub(customerService);
    const cust = customer.scope.name;
    const { scope } = await startAudit({ subjects: [`audit.${cust}.>`] });
    const admin = await openClient({ token: await accessToken('admin') });
    const latest = await collectionOf(admin, `${scope.name}.entries?service=${cust}&limit=3`);
    const creates = await collectionOf(admin, `${scope.name}.entries?action=create`);
    expect(latest.toArray()).toEqual([]);
    const a = await newCustomer(cust, 'a');
    const b = await newCustomer(cust, 'b');
    await waitFor(() => actions(latest).join() === `create ${b},create ${a}`, 'both creates, newest first');
    const history = await collectionOf(admin, `${scope.name}.history.${cust}.customer.${a}`);
    expect(actions(history)).toEqual([`create ${a}`]);
    expect((await writerHttp(`/api/${cust}/customer/${a}`, { method: 'PATCH', json: { phone: '1' } })).status).toBe(204);
    expect((await writerHttp(`/api/${cust}/customer/${a}`, { method: 'DELETE' })).status).toBe(204);
    await waitFor(() => actions(history).join() === `delete ${a},update ${a},create ${a}`, "a's history to grow");
    await waitFor(() => actions(latest).join() === `delete ${a},update ${a},create ${b}`, 'the latest three to move on');
    expect(actions(creates)).toEqual([`create ${b}`, `create ${a}`]);
    // An entry is the stored event, its fields as the model named them.
    const entry = latest.toArray()[1] as ResModel;
    expect(entry.toJSON()).toMatchObject({ service: cust, resource: 'customer', action: 'update', resourceId: a });
    expect((entry.before as { phone: string }).phone).toBe('');
    expect((entry.after as { phone: string }).phone).toBe('1');
    // The plain REST answer agrees.
    const rest = await resgateHttp<{ model: { action: string } }[]>(`/api/${scope.name}/entries?service=${cust}&limit=3`, {
      token: await accessToken('admin'),
    });
    expect(rest.body?.map((e) => e.model.action)).toEqual(['delete', 'update', 'create']);
  });

  it('only admins read the trail: others get 403, no token 401, WebSocket clients system.accessDenied', async () => {
    const customer = await startHub(customerService);
    const { scope } = await startAudit({ subjects: [`audit.${customer.scope.name}.>`] });
    const id = await newCustomer(customer.scope.name, 'x');
    await waitFor(async () => (await stored(scope)).rows === 1, 'the entry');
    const [{ id: entryId } = { id: '' }] = await scopeSql<{ id: string }>(scope, 'SELECT id::text FROM entries');
    const paths = ['entries', `history/${customer.scope.name}/customer/${id}`, `entry/${entryId}`, 'lag'].map(
      (p) => `/api/${scope.name}/${p}`,
    );
    const who: (TestUser | 'anonymous')[] = ['anonymous', 'nobody', 'reader', 'writer', 'admin'];
    for (const path of paths) {
      const statuses = await Promise.all(
        who.map(async (w) => (await resgateHttp(path, w === 'anonymous' ? {} : { token: await accessToken(w) })).status),
      );
      expect([path, statuses]).toEqual([path, [401, 403, 403, 403, 200]]);
    }
    const writer = await openClient({ token: await accessToken('writer') });
    await expect(writer.get(`${scope.name}.entries`)).rejects.toMatchObject({ code: 'system.accessDenied' });
  });

  it('audit.lag shows the stream position and goes to zero; the gauge is on /metrics', async () => {
    const customer = await startHub(customerService);
    const { scope, service } = await startAudit({ subjects: [`audit.${customer.scope.name}.>`], config: { OPS_PORT: 0 } });
    const admin = await openClient({ token: await accessToken('admin') });
    const lag = (await admin.get(`${scope.name}.lag`)) as ResModel;
    expect(lag.toJSON()).toMatchObject({ lag: 0, pending: 0, ackPending: 0, rejected: 0 });
    const before = Number(lag.ackFloorSeq);
    for (const n of ['l1', 'l2']) await newCustomer(customer.scope.name, n);
    await waitFor(() => Number(lag.ackFloorSeq) > before && lag.lag === 0, 'the lag model to follow the stored events');
    expect(Number(lag.streamLastSeq)).toBeGreaterThanOrEqual(Number(lag.ackFloorSeq));
    const metrics = await (await fetch(`${service.ops?.url ?? ''}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^hub_audit_lag_messages\\{service="${scope.name}"\\} 0$`, 'm'));
  });

  it('two instances share the stream: each entry stored once, and the open query sees those of both', async () => {
    const customer = await startHub(customerService);
    const subjects = [`audit.${customer.scope.name}.>`];
    const one = await startAudit({ subjects });
    await startAudit({ subjects, scope: one.scope });
    const admin = await openClient({ token: await accessToken('admin') });
    const all = await collectionOf(admin, `${one.scope.name}.entries?limit=100`);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await newCustomer(customer.scope.name, `m${String(i)}`));
    await waitFor(async () => (await stored(one.scope)).rows === 30, 'thirty entries');
    expect(await stored(one.scope)).toEqual({ rows: 30, ids: 30 });
    await waitFor(() => all.length === 30, 'the open query to hold all thirty');
    expect(actions(all)).toEqual([...ids].reverse().map((id) => `create ${id}`));
  });
});
