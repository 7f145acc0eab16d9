// system.reset: sent when a service starts serving (a restarted service may have missed events)
// and on demand, so gateways fetch again and clients converge on the current data.
import { describe, expect, it } from 'vitest';
import { connectNats, nextEvent, openClient, resgateHttp, uniqueName, waitFor } from '@hub/testkit';
import { collection, defineResource, model, type Service } from '../../src/internal.ts';
import { getCollection, getModel, startService } from './fixture.ts';

const open = () => true;

describe('system.reset', () => {
  it('a restarted service resets on start: clients see data changed while it was down', async () => {
    // Resgate keeps serving its cache while the service is gone; the new instance's reset refreshes it.
    const store = { title: 'v1', items: ['a', 'b'] };
    const item = defineResource({ pattern: 'item', access: open, get: () => model({ title: store.title }) });
    const list = defineResource({ pattern: 'list', access: open, get: () => collection([...store.items]) });
    const name = uniqueName('rt');
    const first = await startService([item, list], { name });
    const client = await openClient();
    const m = await client.get(`${name}.item`);
    const c = await getCollection(client, `${name}.list`);
    await first.close();
    store.title = 'v2';
    store.items = ['b', 'c'];
    expect(m.toJSON()).toEqual({ title: 'v1' });
    const changed = nextEvent(m, 'change');
    await startService([item, list], { name });
    await changed;
    expect(m.toJSON()).toEqual({ title: 'v2' });
    await waitFor(() => c.toArray().join() === 'b,c', 'the collection to be refetched');
    expect((await resgateHttp(`/api/${name}/item`)).body).toEqual({ title: 'v2' });
  });

  it('service.reset() and resetResource() make gateways refetch after changes made without events', async () => {
    // A commit that could not send its events (another writer, a crash window) is repaired by a reset.
    const store = { a: 1, b: 1 };
    const a = defineResource({ pattern: 'a', access: open, get: () => model({ v: store.a }) });
    const b = defineResource({ pattern: 'b', access: open, get: () => model({ v: store.b }) });
    const service = await startService([a, b]);
    const client = await openClient();
    const ma = await getModel(client, `${service.name}.a`);
    const mb = await getModel(client, `${service.name}.b`);
    store.a = 2;
    await service.resetResource(`${service.name}.a`);
    await waitFor(() => ma.v === 2, 'a to be refetched');
    store.b = 3;
    service.reset();
    await waitFor(() => mb.v === 3, 'b to be refetched');
  });

  it('an access reset makes Resgate re-check access for subscribed clients', async () => {
    // reset({ access }) invalidates cached access answers, like a reaccess event for a whole pattern.
    let allowed = true;
    const doc = defineResource({ pattern: 'doc.$id', access: () => allowed, get: ({ params }) => model({ id: params.id }) });
    const service: Service = await startService([doc]);
    const client = await openClient();
    const m = await client.get(`${service.name}.doc.1`);
    const lost = nextEvent(m, 'unsubscribe');
    allowed = false;
    service.reset({ access: [`${service.name}.>`] });
    await lost;
  });

  it('a service started on a connection it does not own still resets on start', async () => {
    // The reset is part of start(), whichever way the connection was made.
    const nc = await connectNats();
    const store = { v: 1 };
    const item = defineResource({ pattern: 'item', access: open, get: () => model({ v: store.v }) });
    const name = uniqueName('rt');
    const first = await startService([item], { name });
    const client = await openClient();
    const m = await getModel(client, `${name}.item`);
    await first.close();
    store.v = 2;
    await startService([item], { name, nats: nc });
    await waitFor(() => m.v === 2, 'the refetch after the second start');
  });
});
