// Request metrics through a real @hub/res service: requests sent over NATS and through Resgate,
// then /metrics scraped from the ops server and read back by type, pattern, method and outcome.
import { describe, expect, it } from 'vitest';
import { connectNats, resgateHttp } from '@hub/testkit';
import { defineResource, model, ResError, z } from '@hub/res';
import { createTelemetry, outcomeOf } from '../src/index.ts';
import { instrumentedService } from './fixture.ts';
import { parseMetrics, scrape, value } from './prom.ts';

const item = defineResource({
  pattern: 'item.$id',
  access: () => true,
  get: ({ params }) => model({ id: params.id }),
  calls: {
    rename: { params: z.object({ title: z.string() }), handler: () => ({ ok: true }) },
    explode: { params: null, handler: () => { throw new Error('boom'); } },
    locked: { params: null, handler: () => { throw new ResError('tel.locked', 'Locked'); } },
  },
});

describe('request metrics', () => {
  it('counts requests by type, pattern, method and outcome, with latency and queue wait histograms', async () => {
    // Intent: every finished request lands in the right series, and errors are split between
    // what clients caused (rejected) and what the service failed (failed).
    const { service, ops } = await instrumentedService([item]);
    const nc = await connectNats();
    const n = service.name;
    await nc.request(`get.${n}.item.1`, '{}', { timeout: 5000 });
    expect((await resgateHttp(`/api/${n}/item/2`)).status).toBe(200);
    await nc.request(`call.${n}.item.1.rename`, JSON.stringify({ params: { title: 'x' } }), { timeout: 5000 });
    await nc.request(`call.${n}.item.1.rename`, JSON.stringify({ params: { title: 7 } }), { timeout: 5000 });
    await nc.request(`call.${n}.item.1.explode`, '{}', { timeout: 5000 });
    await nc.request(`call.${n}.item.1.locked`, '{}', { timeout: 5000 });

    const s = await scrape(ops.url);
    const pattern = `${n}.item.$id`;
    const count = (type: string, method: string, outcome: string) =>
      value(s, 'hub_request_duration_seconds_count', { service: n, type, pattern, method, outcome });
    expect(count('get', '', 'ok')).toBe(2);
    expect(count('call', 'rename', 'ok')).toBe(1);
    expect(count('call', 'rename', 'rejected')).toBe(1);
    expect(count('call', 'explode', 'failed')).toBe(1);
    expect(count('call', 'locked', 'rejected')).toBe(1);
    expect(value(s, 'hub_request_duration_seconds_bucket', { type: 'get', pattern, outcome: 'ok', le: '+Inf' })).toBe(2);
    expect(value(s, 'hub_request_duration_seconds_sum', { type: 'get', pattern, outcome: 'ok' })).toBeGreaterThan(0);
    expect(value(s, 'hub_request_queue_seconds_count', { type: 'get', pattern })).toBe(2);
    expect(value(s, 'hub_request_queue_seconds_count', { type: 'call', pattern })).toBe(4);
    expect(value(s, 'hub_request_errors_total', { method: 'rename', code: 'system.invalidParams' })).toBe(1);
    expect(value(s, 'hub_request_errors_total', { method: 'explode', code: 'system.internalError' })).toBe(1);
    expect(value(s, 'hub_request_errors_total', { method: 'locked', code: 'tel.locked' })).toBe(1);
    expect(value(s, 'hub_request_errors_total', { method: 'rename', code: 'system.internalError' })).toBeUndefined();
  });

  it('labels only patterns, never resource IDs', async () => {
    // Intent: a thousand items must not make a thousand series.
    const { service, ops } = await instrumentedService([item]);
    const nc = await connectNats();
    await Promise.all(['1', '2', '3'].map((id) => nc.request(`get.${service.name}.item.${id}`, '{}', { timeout: 5000 })));
    const series = (await scrape(ops.url)).filter((x) => x.name === 'hub_request_duration_seconds_count');
    expect(series.map((x) => x.labels.pattern)).toEqual([`${service.name}.item.$id`]);
    expect(series[0]?.value).toBe(3);
  });
});

describe('request histogram exposition', () => {
  it('puts a value into the first bucket whose bound it does not exceed, cumulatively, with sum and count', async () => {
    // Intent: Prometheus's `le` is inclusive and buckets are cumulative; the hand-kept histogram
    // must expose exactly what prom-client's would.
    const t = createTelemetry({ service: 'tel', processMetrics: false });
    const sample = (ms: number) => ({ type: 'get' as const, pattern: 'tel.x', method: undefined, durationMs: ms, queuedMs: 0, errorCode: undefined });
    for (const ms of [0.5, 0.6, 3, 20_000]) t.metricsHook.onRequest(sample(ms)); // 0.5 ms is exactly the first bound
    const s = parseMetrics(await t.registry.metrics());
    const bucket = (le: string) => value(s, 'hub_request_duration_seconds_bucket', { le });
    expect(bucket('0.0005')).toBe(1);
    expect(bucket('0.001')).toBe(2);
    expect(bucket('0.0025')).toBe(2);
    expect(bucket('0.005')).toBe(3);
    expect(bucket('10')).toBe(3);
    expect(bucket('+Inf')).toBe(4);
    expect(value(s, 'hub_request_duration_seconds_count')).toBe(4);
    expect(value(s, 'hub_request_duration_seconds_sum')).toBeCloseTo(20.0041, 6);
    expect(value(s, 'hub_request_duration_seconds_bucket', { service: 'tel', type: 'get', pattern: 'tel.x', method: '', outcome: 'ok', le: '+Inf' })).toBe(4);
  });
});

describe('outcomeOf', () => {
  it('counts internal errors and timeouts as failed, every other code as rejected', () => {
    expect(outcomeOf(undefined)).toBe('ok');
    expect(outcomeOf('system.internalError')).toBe('failed');
    expect(outcomeOf('system.timeout')).toBe('failed');
    expect(outcomeOf('system.accessDenied')).toBe('rejected');
    expect(outcomeOf('customer.duplicateEmail')).toBe('rejected');
  });
});
