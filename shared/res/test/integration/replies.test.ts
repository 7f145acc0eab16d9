// Call replies through Resgate: result, void result, resource response and errors, and the HTTP
// meta (status and headers) a handler sets for REST clients.
import { describe, expect, it } from 'vitest';
import { connectNats, openClient, resgateHttp, waitFor } from '@hub/testkit';
import { defineResource, model, resourceResponse, ResError, z } from '../../src/internal.ts';
import { captureLog, errorOf, rawRequest, startService } from './fixture.ts';

const open = () => true;

describe('replies', () => {
  it('answers a call with a result, or null as HTTP 204', async () => {
    // {"result": x} reaches resclient and REST clients as x; a void handler is {"result":null}.
    const item = defineResource({
      pattern: 'item',
      access: open,
      get: () => model({ a: 1 }),
      calls: {
        echo: { params: z.object({ v: z.number() }), handler: ({ input }) => ({ doubled: input.v * 2 }) },
        touch: { params: null, handler: () => undefined },
      },
    });
    const service = await startService([item]);
    const client = await openClient();
    expect(await client.call(`${service.name}.item`, 'echo', { v: 21 })).toEqual({ doubled: 42 });
    expect(await client.call(`${service.name}.item`, 'touch')).toBeNull();
    const echo = await resgateHttp(`/api/${service.name}/item/echo`, { method: 'POST', json: { v: 2 } });
    expect(echo.status).toBe(200);
    expect(echo.body).toEqual({ doubled: 4 });
    const touch = await resgateHttp(`/api/${service.name}/item/touch`, { method: 'POST' });
    expect(touch.status).toBe(204);
  });

  it('answers a call with a resource response: resclient gets the resource, HTTP gets its Location', async () => {
    // {"resource":{"rid"}} points the client at the created resource.
    const created = new Map<string, string>();
    let next = 0;
    const book = defineResource({
      pattern: 'book.$id',
      access: open,
      get: ({ params }) => {
        const t = created.get(params.id);
        return t === undefined ? null : model({ title: t });
      },
    });
    const books = defineResource({
      pattern: 'books',
      access: open,
      get: () => model({ count: created.size }),
      calls: {
        create: {
          params: z.object({ title: z.string() }),
          handler: ({ input, service }) => {
            const id = String(++next);
            created.set(id, input.title);
            return resourceResponse(service.rid('book.$id', { id }));
          },
        },
      },
    });
    const service = await startService([book, books]);
    const client = await openClient();
    const made = (await client.call(`${service.name}.books`, 'create', { title: 'Dune' })) as {
      getResourceId(): string;
      toJSON(): unknown;
    };
    expect(made.getResourceId()).toBe(`${service.name}.book.1`);
    expect(made.toJSON()).toEqual({ title: 'Dune' });
    const http = await resgateHttp(`/api/${service.name}/books/create`, { method: 'POST', json: { title: 'Emma' } });
    expect(http.status).toBe(200);
    expect(http.headers.get('location')).toBe(`/api/${service.name}/book/2`);
  });

  it('answers custom errors as sent and unexpected failures as a generic internalError', async () => {
    // Custom codes and data reach the client; an exception's message (SQL, internals) never does.
    const log = captureLog();
    const item = defineResource({
      pattern: 'item',
      access: open,
      get: () => model({ a: 1 }),
      calls: {
        lock: {
          params: null,
          handler: () => {
            throw new ResError('rt.locked', 'The item is locked', { by: 'jane' });
          },
        },
        crash: {
          params: null,
          handler: () => {
            throw new Error('relation "secret_table" does not exist');
          },
        },
      },
    });
    const service = await startService([item], { logger: log.logger });
    const client = await openClient();
    expect(await errorOf(client.call(`${service.name}.item`, 'lock'))).toEqual({
      code: 'rt.locked',
      message: 'The item is locked',
      data: { by: 'jane' },
    });
    const crash = await errorOf(client.call(`${service.name}.item`, 'crash'));
    expect(crash).toMatchObject({ code: 'system.internalError', message: 'Internal error' });
    const http = await resgateHttp(`/api/${service.name}/item/crash`, { method: 'POST' });
    expect(http.status).toBe(500);
    expect(http.text).not.toContain('secret_table');
    const locked = await resgateHttp(`/api/${service.name}/item/lock`, { method: 'POST' });
    expect(locked.status).toBe(400);
    expect(locked.body).toEqual({ code: 'rt.locked', message: 'The item is locked', data: { by: 'jane' } });
    expect(log.records().some((r) => r.msg === 'handler failed' && JSON.stringify(r.err).includes('secret_table'))).toBe(true);
  });

  it('sends the status and headers a handler sets to the HTTP client through Resgate', async () => {
    // meta.header is merged into the HTTP response; a 3XX/4XX meta.status replaces Resgate's own.
    const item = defineResource({
      pattern: 'item',
      access: open,
      get: () => model({ a: 1 }),
      calls: {
        tagged: {
          params: null,
          handler: ({ setHeader }) => {
            setHeader('x-item-version', '7');
            return { ok: true };
          },
        },
        moved: {
          params: null,
          handler: ({ setStatus, setHeader }) => {
            setStatus(302);
            setHeader('Location', '/elsewhere');
            return null;
          },
        },
        teapot: {
          params: null,
          handler: ({ setStatus }) => {
            setStatus(418);
            return null;
          },
        },
      },
    });
    const service = await startService([item]);
    const tagged = await resgateHttp(`/api/${service.name}/item/tagged`, { method: 'POST' });
    expect(tagged.status).toBe(200);
    expect(tagged.headers.get('x-item-version')).toBe('7');
    expect(tagged.body).toEqual({ ok: true });
    const moved = await resgateHttp(`/api/${service.name}/item/moved`, { method: 'POST', redirect: 'manual' });
    expect(moved.status).toBe(302);
    expect(moved.headers.get('location')).toBe('/elsewhere');
    const teapot = await resgateHttp(`/api/${service.name}/item/teapot`, { method: 'POST' });
    expect(teapot.status).toBe(418);
  });

  it('sends meta only when the request came over HTTP', async () => {
    // The protocol: meta applies to isHttp requests; a WebSocket call's reply carries none.
    const item = defineResource({
      pattern: 'item',
      access: open,
      get: () => model({ a: 1 }),
      calls: {
        tagged: {
          params: null,
          handler: ({ setHeader, isHttp }) => {
            setHeader('x-seen', 'yes');
            return isHttp;
          },
        },
      },
    });
    const service = await startService([item]);
    const nc = await connectNats();
    expect(await rawRequest(nc, `call.${service.name}.item.tagged`, { cid: 'c1' })).toEqual({ result: false });
    expect(await rawRequest(nc, `call.${service.name}.item.tagged`, { cid: 'c1', isHttp: true })).toEqual({
      result: true,
      meta: { header: { 'X-Seen': ['yes'] } },
    });
  });

  it('refuses a 1XX/2XX status, which Resgate defines no behaviour for', async () => {
    // The protocol's meta.status MUST be 3XX-5XX: setStatus(201) is a developer error, not a silent no-op.
    const item = defineResource({
      pattern: 'item',
      access: open,
      get: () => model({ a: 1 }),
      calls: {
        created: {
          params: null,
          handler: ({ setStatus }) => {
            setStatus(201);
            return null;
          },
        },
      },
    });
    const service = await startService([item], { logLevel: 'silent' });
    const http = await resgateHttp(`/api/${service.name}/item/created`, { method: 'POST' });
    expect(http.status).toBe(500);
    expect(http.body).toMatchObject({ code: 'system.internalError' });
  });

  it('logs each request at debug level, and a handler logs with the rid, type and method of its request', async () => {
    // Intent: the request logger is made lazily; debug logging and handler logging still work.
    const log = captureLog('debug');
    const item = defineResource({
      pattern: 'item.$id',
      access: open,
      get: () => model({ a: 1 }),
      calls: {
        note: {
          params: null,
          handler: ({ log: l }) => {
            l.info('noted');
            return null;
          },
        },
      },
    });
    const service = await startService([item], { logger: log.logger });
    const client = await openClient();
    await client.call(`${service.name}.item.4`, 'note');
    await waitFor(() => log.records().some((r) => r.msg === 'request' && r.method === 'note'), 'the debug line of the call');
    expect(log.records().find((r) => r.msg === 'noted')).toMatchObject({ rid: `${service.name}.item.4`, type: 'call', method: 'note' });
    expect(log.records().find((r) => r.msg === 'request' && r.method === 'note')).toMatchObject({
      rid: `${service.name}.item.4`,
      type: 'call',
      ms: expect.any(Number) as number,
    });
  });
});
