// Routing through Resgate: get/call/auth/access reach the right definition, with path params,
// `*` and `>` patterns, and the protocol's errors for unknown resources and methods.
import { describe, expect, it } from 'vitest';
import { nextEvent, openClient, resgateHttp, waitFor } from '@hub/testkit';
import { defineResource, model, ResError, z } from '../../src/internal.ts';
import { errorOf, getModel, startService } from './fixture.ts';

describe('routing', () => {
  it('serves a get with $name params over WebSocket and HTTP', async () => {
    // A pattern placeholder becomes a typed param, for resclient and for a REST client alike.
    const item = defineResource({
      pattern: 'shelf.$shelf.item.$id',
      access: () => true,
      get: ({ params }) => model({ shelf: params.shelf, id: params.id }),
    });
    const service = await startService([item]);
    const client = await openClient();
    const m = await client.get(`${service.name}.shelf.s1.item.42`);
    expect(m.toJSON()).toEqual({ shelf: 's1', id: '42' });
    const http = await resgateHttp(`/api/${service.name}/shelf/s2/item/7`);
    expect(http.status).toBe(200);
    expect(http.body).toEqual({ shelf: 's2', id: '7' });
  });

  it('routes to the most specific of static, $name, * and > patterns', async () => {
    // Overlapping shapes resolve token by token: static beats placeholder/`*`, which beats `>`.
    const open = () => true;
    const defs = [
      defineResource({ pattern: 'node.special', access: open, get: () => model({ which: 'static' }) }),
      defineResource({ pattern: 'node.$id', access: open, get: ({ params }) => model({ which: 'param', id: params.id }) }),
      defineResource({ pattern: 'tree.*.leaf', access: open, get: ({ rname }) => model({ which: 'wild', rname }) }),
      defineResource({ pattern: 'node.>', access: open, get: ({ rname }) => model({ which: 'full', rname }) }),
    ];
    const service = await startService(defs);
    const n = service.name;
    const get = async (path: string): Promise<unknown> => (await resgateHttp(`/api/${n}/${path}`)).body;
    expect(await get('node/special')).toEqual({ which: 'static' });
    expect(await get('node/9')).toEqual({ which: 'param', id: '9' });
    expect(await get('tree/oak/leaf')).toEqual({ which: 'wild', rname: `${n}.tree.oak.leaf` });
    expect(await get('node/a/b/c')).toEqual({ which: 'full', rname: `${n}.node.a.b.c` });
  });

  it('answers system.notFound for a resource no definition matches, and for a get returning null', async () => {
    // notFound comes from the service at once (a Resgate timeout would say system.timeout).
    const item = defineResource({
      pattern: 'item.$id',
      access: () => true,
      get: ({ params }) => (params.id === '1' ? model({ id: 1 }) : null),
    });
    const service = await startService([item]);
    const unmatched = await resgateHttp(`/api/${service.name}/nothing/here`);
    expect(unmatched.status).toBe(404);
    expect(unmatched.body).toMatchObject({ code: 'system.notFound' });
    const missing = await resgateHttp(`/api/${service.name}/item/2`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'system.notFound' });
    const client = await openClient();
    expect((await errorOf(client.get(`${service.name}.item.3`))).code).toBe('system.notFound');
  });

  it('answers system.methodNotFound for a method the resource does not have', async () => {
    // Access grants every method, so the service itself must refuse the unknown one.
    const item = defineResource({
      pattern: 'item',
      access: () => true,
      get: () => model({ a: 1 }),
      calls: { ping: { params: null, handler: () => 'pong' } },
    });
    const service = await startService([item]);
    const client = await openClient();
    expect(await client.call(`${service.name}.item`, 'ping')).toBe('pong');
    expect((await errorOf(client.call(`${service.name}.item`, 'nope'))).code).toBe('system.methodNotFound');
    const http = await resgateHttp(`/api/${service.name}/item/nope`, { method: 'POST', json: {} });
    expect(http.status).toBe(404);
    expect(http.body).toMatchObject({ code: 'system.methodNotFound' });
  });

  it('validates call params and answers system.invalidParams with the issues', async () => {
    // The schema runs before the handler; the client sees which field failed.
    const seen: string[] = [];
    const item = defineResource({
      pattern: 'item',
      access: () => true,
      get: () => model({ a: 1 }),
      calls: {
        rename: {
          params: z.object({ title: z.string().min(1) }),
          handler: ({ input }) => {
            seen.push(input.title);
            return input.title.toUpperCase();
          },
        },
      },
    });
    const service = await startService([item]);
    const client = await openClient();
    expect(await client.call(`${service.name}.item`, 'rename', { title: 'dune' })).toBe('DUNE');
    const bad = await errorOf(client.call(`${service.name}.item`, 'rename', { title: 5 }));
    expect(bad.code).toBe('system.invalidParams');
    expect(bad.data).toMatchObject({ issues: [{ path: 'title' }] });
    const http = await resgateHttp(`/api/${service.name}/item/rename`, { method: 'POST', json: { title: '' } });
    expect(http.status).toBe(400);
    expect(http.body).toMatchObject({ code: 'system.invalidParams' });
    expect(seen).toEqual(['dune']);
  });

  it('serves auth methods without access and passes the connection headers', async () => {
    // Auth needs no access grant (access denies everything here) and sees the WebSocket upgrade headers.
    const session = defineResource({
      pattern: 'session',
      access: () => false,
      auth: {
        whoami: {
          params: null,
          handler: ({ header, cid, host }) => ({
            probe: header['X-Probe']?.[0] ?? null,
            hasCid: cid !== '',
            hasHost: typeof host === 'string',
          }),
        },
      },
    });
    const service = await startService([session]);
    const client = await openClient({ headers: { 'x-probe': 'abc' } });
    expect(await client.authenticate(`${service.name}.session`, 'whoami')).toEqual({ probe: 'abc', hasCid: true, hasHost: true });
    expect((await errorOf(client.get(`${service.name}.session`))).code).toBe('system.accessDenied');
  });

  it('grants get and individual call methods as the access handler decides', async () => {
    // { get, call: 'ping' }: Resgate lets ping through and refuses pong before it reaches the service.
    let pongs = 0;
    const item = defineResource({
      pattern: 'item.$id',
      access: ({ params }) => (params.id === 'locked' ? false : { get: true, call: ['ping'] }),
      get: () => model({ a: 1 }),
      calls: {
        ping: { params: null, handler: () => 'pong' },
        pong: {
          params: null,
          handler: () => {
            pongs++;
            return 'ping';
          },
        },
      },
    });
    const service = await startService([item]);
    const client = await openClient();
    expect((await client.get(`${service.name}.item.open`)).toJSON()).toEqual({ a: 1 });
    expect(await client.call(`${service.name}.item.open`, 'ping')).toBe('pong');
    expect((await errorOf(client.call(`${service.name}.item.open`, 'pong'))).code).toBe('system.accessDenied');
    expect((await errorOf(client.get(`${service.name}.item.locked`))).code).toBe('system.accessDenied');
    const http = await resgateHttp(`/api/${service.name}/item/locked`);
    expect(http.status).toBe(401);
    expect(pongs).toBe(0);
  });

  it('lets a separate access-only definition govern resources served by other definitions', async () => {
    // Access lives in `>` and `secret.>` definitions; the served resources declare no access at all.
    const docs = defineResource({ pattern: 'doc.$id', get: ({ params }) => model({ id: params.id }) });
    const secret = defineResource({ pattern: 'secret.$id', get: () => model({ hidden: true }) });
    const everyone = defineResource({ pattern: '>', access: () => ({ get: true }) });
    const nobody = defineResource({ pattern: 'secret.>', access: () => false });
    const service = await startService([docs, secret, everyone, nobody]);
    const client = await openClient();
    expect((await client.get(`${service.name}.doc.1`)).toJSON()).toEqual({ id: '1' });
    expect((await errorOf(client.get(`${service.name}.secret.1`))).code).toBe('system.accessDenied');
    expect((await resgateHttp(`/api/${service.name}/doc/2`)).body).toEqual({ id: '2' });
  });

  it('maps REST PATCH and DELETE to the set and delete call methods', async () => {
    // Resgate's config (gateway/resgate.json) turns PATCH into `set` and DELETE into `delete`.
    const state: Record<string, string> = { title: 'a' };
    const item = defineResource({
      pattern: 'item',
      kind: 'model',
      access: () => true,
      get: () => model({ ...state }),
      calls: {
        set: {
          params: z.object({ title: z.string() }),
          handler: ({ input, change }) => {
            state.title = input.title;
            change({ title: input.title });
          },
        },
        delete: {
          params: null,
          handler: ({ delete: del }) => {
            del();
            return { deleted: true };
          },
        },
      },
    });
    const service = await startService([item]);
    const client = await openClient();
    const m = await getModel(client, `${service.name}.item`);
    const patched = await resgateHttp(`/api/${service.name}/item`, { method: 'PATCH', json: { title: 'b' } });
    expect(patched.status).toBe(204);
    await waitFor(() => m.title === 'b', 'the PATCH to reach the WebSocket client');
    // Listening keeps resclient from dropping the resource on Resgate's unsubscribe before the
    // delete event arrives (resclient throws on an event for a resource it no longer caches).
    const unsubscribed = nextEvent(m, 'unsubscribe');
    const deleted = await resgateHttp(`/api/${service.name}/item`, { method: 'DELETE' });
    expect(deleted.body).toEqual({ deleted: true });
    await unsubscribed;
    expect((await resgateHttp(`/api/${service.name}/item`, { method: 'PUT', json: {} })).status).toBe(405);
  });

  it('runs a call guard before params validation and the handler; a refusal keeps its HTTP status', async () => {
    // Resgate's access request never names the method, so per-method rights live in `guard`.
    let ran = 0;
    const doc = defineResource({
      pattern: 'doc',
      access: () => true,
      get: () => model({ ok: true }),
      calls: {
        publish: {
          guard: ({ rawParams, isHttp, setStatus }) => {
            if ((rawParams as { key?: unknown } | undefined)?.key === 'open') return;
            if (isHttp) setStatus(403);
            throw ResError.accessDenied();
          },
          params: z.object({ key: z.string(), n: z.number() }),
          handler: () => {
            ran++;
            return { published: true };
          },
        },
      },
    });
    const service = await startService([doc]);
    const path = `/api/${service.name}/doc/publish`;
    // Refused: the guard answers before the (invalid) params are looked at, with its status.
    const refused = await resgateHttp(path, { method: 'POST', json: { key: 'shut' } });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'system.accessDenied' });
    // Passed: validation still applies after the guard, then the handler runs.
    expect((await resgateHttp(path, { method: 'POST', json: { key: 'open' } })).body).toMatchObject({ code: 'system.invalidParams' });
    expect((await resgateHttp(path, { method: 'POST', json: { key: 'open', n: 1 } })).body).toEqual({ published: true });
    expect(ran).toBe(1);
  });

  it('serves the service root RID: auth and call methods on `<name>`, its get over HTTP', async () => {
    // Resgate sends `auth.<name>.login` for client.authenticate('<name>', 'login'): pattern ''.
    const root = defineResource({
      pattern: '',
      access: () => true,
      get: () => model({ root: true }),
      calls: { ping: { params: null, handler: () => ({ pong: true }) } },
      auth: {
        login: {
          params: z.object({ user: z.string() }),
          handler: ({ input, setToken }) => {
            setToken({ user: input.user });
            return { hello: input.user };
          },
        },
      },
    });
    const whoami = defineResource({
      pattern: 'whoami',
      access: () => true,
      get: () => model({}),
      calls: { who: { params: null, handler: ({ token }) => token } },
    });
    const service = await startService([root, whoami]);
    const client = await openClient();
    expect(await client.authenticate(service.name, 'login', { user: 'ada' })).toEqual({ hello: 'ada' });
    expect(await client.call(`${service.name}.whoami`, 'who')).toEqual({ user: 'ada' });
    expect((await resgateHttp(`/api/${service.name}/ping`, { method: 'POST' })).body).toEqual({ pong: true });
    expect((await resgateHttp(`/api/${service.name}`)).body).toEqual({ root: true });
  });
});
