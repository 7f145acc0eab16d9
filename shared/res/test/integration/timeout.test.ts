// Pre-responses: a handler slower than Resgate's request timeout (3000 ms in tests) still answers
// when the service extends the timeout, automatically or explicitly — and does not without one.
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { resgateHttp } from '@hub/testkit';
import { defineResource, model } from '../../src/internal.ts';
import { startService } from './fixture.ts';

/** Longer than Resgate's 3000 ms request timeout, with margin for a busy machine. */
const SLOW_HANDLER_MS = 3600;

const slow = defineResource({
  pattern: 'job',
  access: () => true,
  get: () => model({ a: 1 }),
  calls: {
    run: {
      params: null,
      handler: async () => {
        await delay(SLOW_HANDLER_MS);
        return 'done';
      },
    },
    runExtended: {
      params: null,
      handler: async ({ timeout }) => {
        timeout(15_000);
        await delay(SLOW_HANDLER_MS);
        return 'done';
      },
    },
  },
});

describe('pre-response timeout', () => {
  it("a handler slower than Resgate's timeout answers thanks to the automatic pre-response", async () => {
    // After autoTimeout.afterMs the runtime sends timeout:"<extendMs>", so Resgate keeps waiting.
    const service = await startService([slow], { requestTimeoutMs: 3000, autoTimeout: { afterMs: 300, extendMs: 15_000 } });
    const http = await resgateHttp(`/api/${service.name}/job/run`, { method: 'POST' });
    expect(http.status).toBe(200);
    expect(http.body).toBe('done');
  });

  it("a handler slower than Resgate's timeout answers after an explicit ctx.timeout()", async () => {
    // Automatic pre-responses are off: only the handler's own timeout(15000) extends the wait.
    const service = await startService([slow], { autoTimeout: false });
    const http = await resgateHttp(`/api/${service.name}/job/runExtended`, { method: 'POST' });
    expect(http.status).toBe(200);
    expect(http.body).toBe('done');
  });

  it('without any pre-response Resgate gives up on the slow handler with system.timeout', async () => {
    // The control: proves the two tests above are slower than Resgate's timeout.
    const service = await startService([slow], { autoTimeout: false });
    const http = await resgateHttp(`/api/${service.name}/job/run`, { method: 'POST' });
    expect(http.status).toBe(404);
    expect(http.body).toMatchObject({ code: 'system.timeout' });
  });
});
