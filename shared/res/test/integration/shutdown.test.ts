// Graceful shutdown: close() stops intake at once, lets in-flight and queued handlers finish and
// reply, then drains the connection.
import { describe, expect, it } from 'vitest';
import { connectNats, openClient, waitFor } from '@hub/testkit';
import { defineResource, model } from '../../src/internal.ts';
import { deferred, rawRequest, startService } from './fixture.ts';

/** True when NATS says nobody subscribes to the subject any more. */
async function unserved(nc: Awaited<ReturnType<typeof connectNats>>, subject: string): Promise<boolean> {
  try {
    await rawRequest(nc, subject, '', 2000);
    return false;
  } catch (err) {
    return /no responders/i.test(String(err));
  }
}

describe('graceful shutdown', () => {
  it('close() lets an in-flight and a queued handler reply, while new requests are no longer served', async () => {
    // The slow call holds the resource's queue; a second call waits behind it; both answer during close.
    const started = deferred();
    const release = deferred();
    const job = defineResource({
      pattern: 'job',
      access: () => true,
      get: () => model({ a: 1 }),
      calls: {
        slow: {
          params: null,
          handler: async () => {
            started.resolve();
            await release.promise;
            return 'slow done';
          },
        },
        quick: { params: null, handler: () => 'quick done' },
      },
    });
    const other = defineResource({ pattern: 'other', get: () => model({ ok: true }) });
    const service = await startService([job, other]);
    const client = await openClient();
    const slow = client.call(`${service.name}.job`, 'slow');
    await started.promise;
    const nc = await connectNats();
    const quick = rawRequest(nc, `call.${service.name}.job.quick`, '');
    expect(await rawRequest(nc, `get.${service.name}.other`, '')).toEqual({ result: { model: { ok: true } } });
    let closed = false;
    const closing = service.close().then(() => {
      closed = true;
    });
    await waitFor(() => unserved(nc, `get.${service.name}.other`), 'intake to stop');
    expect(closed).toBe(false);
    release.resolve();
    expect(await slow).toBe('slow done');
    expect(await quick).toEqual({ result: 'quick done' });
    await closing;
    expect(await unserved(nc, `call.${service.name}.job.quick`)).toBe(true);
  });
});
