// OpenTelemetry through the runtime, recorded by the real SDK (sdk-trace-base, in memory): one
// server span per request named by pattern, and trace context carried across services.
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { headers } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats, waitFor } from '@hub/testkit';
import { defineResource, model, z } from '../../src/internal.ts';
import { rawRequest, startService } from './fixture.ts';

const exporter = new InMemorySpanExporter();

beforeAll(() => {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});

afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

const spanFor = (pred: (s: ReadableSpan) => boolean, what: string): Promise<ReadableSpan> =>
  waitFor(() => exporter.getFinishedSpans().find(pred), what);

describe('tracing', () => {
  it('records one server span per request, named by pattern, with the RID, method and error code', async () => {
    // Intent: spans are low-cardinality (pattern in the name) and carry what an operator needs.
    const item = defineResource({
      pattern: 'item.$id',
      access: () => true,
      get: ({ params }) => model({ id: params.id }),
      calls: {
        explode: {
          params: null,
          handler: () => {
            throw new Error('boom');
          },
        },
      },
    });
    const service = await startService([item], { tracing: true, logLevel: 'silent' }); // the 'boom' is expected
    const nc = await connectNats();

    await rawRequest(nc, `get.${service.name}.item.7`, {});
    await rawRequest(nc, `call.${service.name}.item.7.explode`, {});

    const get = await spanFor((s) => s.name === `res.get ${service.name}.item.$id`, 'the get span');
    expect(get.kind).toBe(SpanKind.SERVER);
    expect(get.attributes['res.rid']).toBe(`${service.name}.item.7`);
    const call = await spanFor((s) => s.name === `res.call ${service.name}.item.$id explode`, 'the call span');
    expect(call.attributes['res.method']).toBe('explode');
    expect(call.attributes['res.error_code']).toBe('system.internalError');
    expect(call.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('continues an incoming trace and carries it to the next service through service.request', async () => {
    // Intent: a traceparent on the request parents the server span, and a handler's outgoing
    // request carries the trace on, so one trace spans both services.
    const callee = await startService([defineResource({ pattern: 'echo', access: () => true, get: () => model({ ok: true }) })]);
    const caller = await startService([
      defineResource({
        pattern: 'relay',
        access: () => true,
        calls: {
          go: {
            params: z.object({}).optional(),
            handler: ({ service }) => service.request({ rid: `${callee.name}.echo` }),
          },
        },
      }),
    ]);
    const nc = await connectNats();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const h = headers();
    h.set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`);

    const reply = await nc.request(`call.${caller.name}.relay.go`, '{}', { timeout: 10_000, headers: h });

    expect(reply.json()).toEqual({ result: { model: { ok: true } } });
    const relay = await spanFor((s) => s.name === `res.call ${caller.name}.relay go`, 'the caller span');
    const echo = await spanFor((s) => s.name === `res.get ${callee.name}.echo`, 'the callee span');
    expect(relay.spanContext().traceId).toBe(traceId);
    expect(relay.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(echo.spanContext().traceId).toBe(traceId);
    expect(echo.parentSpanContext?.spanId).toBe(relay.spanContext().spanId);
  });

  it('records nothing and adds no context when tracing is off for the service', async () => {
    // Intent: `tracing: false` removes the middleware (the SDK stays registered for others).
    const quiet = await startService([defineResource({ pattern: 'q', access: () => true, get: () => model({ v: 1 }) })], {
      tracing: false,
    });
    const nc = await connectNats();
    await rawRequest(nc, `get.${quiet.name}.q`, {});
    expect(exporter.getFinishedSpans().some((s) => s.name.includes(quiet.name))).toBe(false);
  });
});
