// RES values end to end: models and collections of primitives, references, soft references and
// data values reach clients intact; a bare nested object or array never leaves the service.
import { describe, expect, it } from 'vitest';
import { connectNats, openClient, resgateHttp, waitFor } from '@hub/testkit';
import { collection, data, defineResource, model, ref, softRef, type Value } from '../../src/internal.ts';
import { captureLog, errorOf, getCollection, rawRequest, startService } from './fixture.ts';

const open = () => true;

describe('values', () => {
  it('a model carries primitives, references, soft references and data values', async () => {
    // Resgate follows the hard reference (child arrives with the model), not the soft one.
    let otherGets = 0;
    const name = { current: '' };
    const thing = defineResource({
      pattern: 'thing',
      kind: 'model',
      access: open,
      get: () =>
        model({
          s: 'a',
          n: 1.5,
          b: true,
          z: null,
          child: ref(`${name.current}.child`),
          other: softRef(`${name.current}.other`),
          d: data({ x: [1, 2] }),
        }),
    });
    const child = defineResource({ pattern: 'child', access: open, get: () => model({ c: 1 }) });
    const other = defineResource({
      pattern: 'other',
      access: open,
      get: () => {
        otherGets++;
        return model({ o: 1 });
      },
    });
    const service = await startService([thing, child, other]);
    name.current = service.name;
    const client = await openClient();
    const m = await client.get(`${service.name}.thing`);
    expect(m.toJSON()).toEqual({
      s: 'a',
      n: 1.5,
      b: true,
      z: null,
      child: { c: 1 },
      other: { rid: `${service.name}.other` },
      d: { x: [1, 2] },
    });
    const http = await resgateHttp(`/api/${service.name}/thing`);
    expect(http.body).toEqual({
      s: 'a',
      n: 1.5,
      b: true,
      z: null,
      d: { x: [1, 2] },
      child: { href: `/api/${service.name}/child`, model: { c: 1 } },
      other: { href: `/api/${service.name}/other` },
    });
    expect(otherGets).toBe(0);
  });

  it('a collection carries primitives, references, soft references and data values', async () => {
    // Same value kinds as items of an ordered collection.
    const name = { current: '' };
    const list = defineResource({
      pattern: 'list',
      kind: 'collection',
      access: open,
      get: () => collection<Value>(['a', 2, false, null, ref(`${name.current}.child`), softRef(`${name.current}.child`), data([1, [2]])]),
    });
    const child = defineResource({ pattern: 'child', access: open, get: () => model({ c: 1 }) });
    const service = await startService([list, child]);
    name.current = service.name;
    const client = await openClient();
    const c = await getCollection(client, `${service.name}.list`);
    expect(c.toJSON()).toEqual(['a', 2, false, null, { c: 1 }, { rid: `${service.name}.child` }, [1, [2]]]);
  });

  it('refuses a bare nested object in a get reply: internalError to the client, logged as SDK misuse', async () => {
    // The developer error stays in the service: the client sees a generic error, the log says why.
    const log = captureLog();
    const bad = defineResource({ pattern: 'bad', access: open, get: () => model({ nested: { a: 1 } } as never) });
    const service = await startService([bad], { logger: log.logger });
    const client = await openClient();
    const err = await errorOf(client.get(`${service.name}.bad`));
    expect(err).toMatchObject({ code: 'system.internalError', message: 'Internal error' });
    const nc = await connectNats();
    const raw = await rawRequest(nc, `get.${service.name}.bad`, '');
    expect(raw).toEqual({ error: { code: 'system.internalError', message: 'Internal error' } });
    await waitFor(
      () => log.records().some((r) => typeof r.msg === 'string' && r.msg.startsWith('SDK misuse') && r.msg.includes('data()')),
      'the SDK misuse log',
    );
  });

  it('refuses a bare nested array in a change event and publishes nothing for it', async () => {
    // The invalid event is never published: the first event a raw subscriber sees is the valid one after it.
    const item = defineResource({
      pattern: 'item',
      kind: 'model',
      access: open,
      get: () => model({ n: 0 }),
      calls: {
        bad: {
          params: null,
          handler: ({ change }) => {
            change({ tags: ['a'] } as never);
          },
        },
        good: {
          params: null,
          handler: ({ change }) => {
            change({ n: 1 });
          },
        },
      },
    });
    const service = await startService([item], { logLevel: 'silent' });
    const nc = await connectNats();
    const events: string[] = [];
    nc.subscribe(`event.${service.name}.>`, {
      callback: (_e, msg) => {
        events.push(`${msg.subject} ${msg.string()}`);
      },
    });
    await nc.flush();
    const client = await openClient();
    expect((await errorOf(client.call(`${service.name}.item`, 'bad'))).code).toBe('system.internalError');
    await client.call(`${service.name}.item`, 'good');
    await waitFor(() => events.length > 0, 'an event');
    expect(events[0]).toBe(`event.${service.name}.item.change {"values":{"n":1}}`);
  });
});
