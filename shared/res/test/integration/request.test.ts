// service.request, the inter-service helper: honours pre-responses like Resgate does, and maps
// replies (result, resource response, errors, nobody listening).
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { defineResource, model, ref, resourceResponse, ResError } from '../../src/internal.ts';
import { startService } from './fixture.ts';

/** The caller's own timeout, and a handler well beyond it. */
const CALLER_TIMEOUT_MS = 1000;
const SLOW_HANDLER_MS = 2500;

const worker = defineResource({
  pattern: 'job',
  get: () => model({ a: 1 }),
  calls: {
    slowExtended: {
      params: null,
      handler: async ({ timeout }) => {
        timeout(10_000);
        await delay(SLOW_HANDLER_MS);
        return 'done';
      },
    },
    slow: {
      params: null,
      handler: async () => {
        await delay(SLOW_HANDLER_MS);
        return 'done';
      },
    },
  },
});

describe('service.request', () => {
  it('waits past its own timeout when the callee sends a pre-response', async () => {
    // timeout:"10000" replaces the caller's 1000 ms, so a 2500 ms handler still answers.
    const callee = await startService([worker], { autoTimeout: false });
    const caller = await startService([]);
    await expect(
      caller.request({ rid: `${callee.name}.job`, method: 'slowExtended' }, null, { timeoutMs: CALLER_TIMEOUT_MS }),
    ).resolves.toBe('done');
  });

  it("waits past its own timeout on the callee's automatic pre-response", async () => {
    // The callee's autoTimeout answers for the handler after 100 ms.
    const callee = await startService([worker], { autoTimeout: { afterMs: 100, extendMs: 10_000 } });
    const caller = await startService([]);
    await expect(caller.request({ rid: `${callee.name}.job`, method: 'slow' }, null, { timeoutMs: CALLER_TIMEOUT_MS })).resolves.toBe(
      'done',
    );
  });

  it('rejects with system.timeout when no pre-response comes in time', async () => {
    // The control for the two tests above.
    const callee = await startService([worker], { autoTimeout: false });
    const caller = await startService([]);
    await expect(
      caller.request({ rid: `${callee.name}.job`, method: 'slow' }, null, { timeoutMs: CALLER_TIMEOUT_MS }),
    ).rejects.toMatchObject({ code: 'system.timeout' });
  });

  it('maps results, resource responses, errors and missing services', async () => {
    // A get resolves to its result, a resource response to ref(rid), an error reply rejects as ResError.
    const store = defineResource({
      pattern: 'store',
      access: () => true,
      get: () => model({ n: 1 }),
      calls: {
        make: { params: null, handler: ({ service }) => resourceResponse(`${service.name}.store`) },
        fail: {
          params: null,
          handler: () => {
            throw new ResError('rt.nope', 'Nope', { why: 1 });
          },
        },
      },
    });
    const callee = await startService([store]);
    const caller = await startService([]);
    const rid = `${callee.name}.store`;
    expect(await caller.request({ rid })).toEqual({ model: { n: 1 } });
    expect(await caller.request({ rid, type: 'access' })).toEqual({ get: true, call: '*' });
    expect(await caller.request({ rid, method: 'make' })).toEqual(ref(rid));
    const err: unknown = await caller.request(`call.${rid}.fail`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResError);
    expect(err).toMatchObject({ code: 'rt.nope', message: 'Nope', data: { why: 1 } });
    await expect(caller.request({ rid: `${callee.name}x.nothing` })).rejects.toMatchObject({ code: 'system.notFound' });
  });
});
