// Malformed requests straight on NATS (Resgate never sends these): each gets the protocol's error
// code, and the service keeps answering normal requests afterwards.
import { describe, expect, it } from 'vitest';
import { connectNats } from '@hub/testkit';
import { defineResource, model, z } from '../../src/internal.ts';
import { rawRequest, startService } from './fixture.ts';

const ONE_MB = 1_000_000;

function resources() {
  return [
    defineResource({
      pattern: 'item.$id',
      access: () => true,
      get: ({ params }) => model({ id: params.id }),
      calls: { set: { params: z.object({ title: z.string() }), handler: ({ input }) => input.title } },
    }),
    defineResource({ pattern: 'search', query: z.object({ q: z.string().default('') }), get: ({ query }) => model({ q: query.q }) }),
  ];
}

describe('malformed requests', () => {
  it('answers empty, non-JSON and non-object payloads with the right codes and keeps serving', async () => {
    // An empty payload is valid (all members absent); garbage is invalidParams, never a crash.
    const service = await startService(resources(), { logLevel: 'silent' });
    const nc = await connectNats();
    const n = service.name;
    expect(await rawRequest(nc, `get.${n}.item.1`, '')).toEqual({ result: { model: { id: '1' } } });
    expect((await rawRequest(nc, `call.${n}.item.1.set`, '')).error?.code).toBe('system.invalidParams');
    expect((await rawRequest(nc, `call.${n}.item.1.set`, '{"params":')).error?.code).toBe('system.invalidParams');
    expect((await rawRequest(nc, `call.${n}.item.1.set`, new Uint8Array([0xff, 0xfe, 0x7b]))).error?.code).toBe('system.invalidParams');
    expect((await rawRequest(nc, `call.${n}.item.1.set`, '[1,2]')).error?.code).toBe('system.invalidParams');
    expect((await rawRequest(nc, `access.${n}.item.1`, 'null')).error?.code).toBe('system.invalidParams');
    expect(await rawRequest(nc, `get.${n}.item.2`, '')).toEqual({ result: { model: { id: '2' } } });
  });

  it('answers members of the wrong type with invalidParams or invalidQuery and keeps serving', async () => {
    // params as a string, cid as a number, query as an object, isHttp as a string.
    const service = await startService(resources(), { logLevel: 'silent' });
    const nc = await connectNats();
    const n = service.name;
    const paramsString = await rawRequest(nc, `call.${n}.item.1.set`, { params: 'title=x', cid: 'c1' });
    expect(paramsString.error?.code).toBe('system.invalidParams');
    expect(paramsString.error?.data).toMatchObject({ issues: [{ path: '' }] });
    expect((await rawRequest(nc, `call.${n}.item.1.set`, { params: { title: 'x' }, cid: 42 })).error?.code).toBe('system.invalidParams');
    expect((await rawRequest(nc, `call.${n}.item.1.set`, { params: { title: 'x' }, isHttp: 'yes' })).error?.code).toBe(
      'system.invalidParams',
    );
    expect((await rawRequest(nc, `get.${n}.search`, { query: { q: 'x' } })).error?.code).toBe('system.invalidQuery');
    expect((await rawRequest(nc, `get.${n}.search`, { query: 'q=a&q=b' })).error?.code).toBe('system.invalidQuery');
    expect(await rawRequest(nc, `call.${n}.item.1.set`, { params: { title: 'ok' }, cid: 'c1', token: null, extra: [1] })).toEqual({
      result: 'ok',
    });
  });

  it('refuses 1 MB of params before parsing and keeps serving', async () => {
    // Above maxRequestBytes (512 KiB) the payload is never parsed.
    const service = await startService(resources(), { logLevel: 'silent' });
    const nc = await connectNats();
    const n = service.name;
    const big = await rawRequest(nc, `call.${n}.item.1.set`, { params: { title: 'x'.repeat(ONE_MB) } });
    expect(big.error).toEqual({ code: 'system.invalidParams', message: 'Request too large' });
    const bigGet = await rawRequest(nc, `get.${n}.item.1`, { query: 'x'.repeat(ONE_MB) });
    expect(bigGet.error?.code).toBe('system.invalidQuery');
    expect(await rawRequest(nc, `call.${n}.item.1.set`, { params: { title: 'small' } })).toEqual({ result: 'small' });
  });

  it('refuses 100,000 levels of nesting before parsing and keeps serving', async () => {
    // Deep nesting costs the parser and any recursive walk after it; it is refused unparsed.
    const service = await startService(resources(), { logLevel: 'silent' });
    const nc = await connectNats();
    const n = service.name;
    const deep = `{"params":{"title":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    expect((await rawRequest(nc, `call.${n}.item.1.set`, deep)).error).toEqual({
      code: 'system.invalidParams',
      message: 'Invalid request: nested deeper than 64 levels',
    });
    expect(await rawRequest(nc, `call.${n}.item.1.set`, { params: { title: 'flat' } })).toEqual({ result: 'flat' });
  });

  it('answers invalid resource IDs with system.notFound and keeps serving', async () => {
    // Wildcards, `?` and non-ASCII reach the service's `get.<name>.>` subscription and match nothing.
    const service = await startService(resources(), { logLevel: 'silent' });
    const nc = await connectNats();
    const n = service.name;
    const invalid = [
      `get.${n}.item.*`,
      `get.${n}.item.>`,
      `get.${n}.item.a*b`,
      `get.${n}.item.a>b`,
      `get.${n}.item.a?b`,
      `get.${n}.item.é`,
      `call.${n}.item.*.set`,
      `call.${n}.item.1.*`,
      `access.${n}.item.>`,
    ];
    for (const subject of invalid) {
      expect((await rawRequest(nc, subject, '')).error?.code, subject).toBe('system.notFound');
    }
    expect(await rawRequest(nc, `get.${n}.item.3`, '')).toEqual({ result: { model: { id: '3' } } });
  });
});
