// Retries and the circuit breaker, proven on a private Traefik (traefik/dynamic as make up runs
// it) in front of an upstream that counts every attempt: a read that cannot reach the upstream is
// tried again, a write never is, and an answer (even a 502/503) is passed on untried; a failing or slow upstream opens the breaker, which then answers 503
// without calling it, and closes again once the upstream is healthy.
import { describe, expect, it } from 'vitest';
import { waitFor } from '@hub/testkit';
import { freePort } from '@hub/servers';
import { ok, raw, SECURITY_HEADERS, startIngress, startUpstream, type Handler, type RawResponse, type Upstream } from './ingress.ts';

/** The breaker off: these tests count retries, and an open breaker would hide attempts. */
const NO_BREAKER = { breakerErrorRatio: 1, breakerLatencyMs: 600_000 } as const;
/** The breaker's periods, short so a test waits seconds, not the 5 s + 5 s of the defaults. */
const QUICK_BREAKER = { breakerFallback: '1s', breakerRecovery: '1s', breakerCheckPeriod: '50ms' } as const;

/** The first attempt at each method+path fails with `status`; later ones succeed. */
const failFirst = (status: number): Handler => (req, res, attempt) => {
  if (attempt > 1) { ok(req, res, attempt); return; }
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end('upstream failed');
};

/** The first attempt at each method+path loses its connection before any answer; later ones succeed. */
const dropFirst: Handler = (req, res, attempt) => {
  if (attempt > 1) { ok(req, res, attempt); return; }
  res.socket?.destroy();
};

const alwaysFail: Handler = (_req, res) => {
  res.writeHead(503, { 'content-type': 'text/plain' });
  res.end('upstream down');
};

/** An answer the breaker gave itself: its 503 body, not the upstream's. */
function fromBreaker(r: RawResponse): boolean {
  return r.status === 503 && r.body.toString() === 'Service Unavailable';
}

/** Waits until `n` requests in a row pass: the breaker is closed again (standby), not recovering. */
async function closedAgain(send: () => Promise<RawResponse>, n = 10): Promise<void> {
  await waitFor(async () => {
    for (let i = 0; i < n; i++) if ((await send()).status !== 200) return false;
    return true;
  }, `${n} answers in a row passing the breaker`);
}

describe('retries (GET and HEAD only)', () => {
  it('a GET or HEAD that cannot reach the upstream is tried HUB_INGRESS_RETRY_ATTEMPTS times; a POST once', async () => {
    // Nothing listens there (a Resgate replica gone): every dial is refused. The tries show in their
    // backoff (500 ms, then ×1.5, each ±50%: at least 625 ms in all): a read waits them out, a write
    // fails at once.
    const gone = { url: `http://127.0.0.1:${String(await freePort())}` } as Upstream;
    const ingress = await startIngress(gone, { ...NO_BREAKER, retryAttempts: 3, retryInterval: '500ms' });
    const get = await raw(`${ingress.url}/api/r/get`);
    expect(get.status).toBe(502);
    expect(get.ms).toBeGreaterThanOrEqual(600);
    const head = await raw(`${ingress.url}/api/r/head`, { method: 'HEAD' });
    expect(head.ms).toBeGreaterThanOrEqual(600);
    const post = await raw(`${ingress.url}/api/r/call`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(502);
    expect(post.ms).toBeLessThan(300);
  });

  it.each(['POST', 'PATCH', 'PUT', 'DELETE'])('a %s is never sent twice, even when its connection failed', async (method) => {
    const upstream = await startUpstream(dropFirst);
    const ingress = await startIngress(upstream, NO_BREAKER);
    const res = await raw(`${ingress.url}/api/r/write`, { method, body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(502);
    expect(upstream.attempts(method, '/api/r/write')).toBe(1);
  });

  it('an answer, even a 502, 503, 500 or 504, is passed on as it is: never tried again', async () => {
    const upstream = await startUpstream(ok);
    const ingress = await startIngress(upstream, { ...NO_BREAKER, retryAttempts: 3, retryInterval: '10ms' });
    for (const status of [502, 503, 500, 504]) {
      upstream.handle(failFirst(status));
      const res = await raw(`${ingress.url}/api/r/${String(status)}`);
      expect(res.status).toBe(status);
      expect(res.body.toString()).toBe('upstream failed'); // the upstream's own answer
      expect(upstream.attempts('GET', `/api/r/${String(status)}`)).toBe(1);
    }
  });
});

describe('circuit breaker on Resgate', () => {
  it('a failing upstream opens it: 503 at once without reaching the upstream; healed, it closes', async () => {
    const upstream = await startUpstream(alwaysFail);
    const ingress = await startIngress(upstream, { ...QUICK_BREAKER, breakerFallback: '2s' });
    const post = () => raw(`${ingress.url}/api/r/call`, { method: 'POST', body: '{}' });
    const first = await post();
    expect(first.body.toString()).toBe('upstream down'); // the upstream's own 503
    // Open: answered by the breaker, and the upstream saw nothing of it.
    const open = await waitFor(async () => {
      const before = upstream.seen.length;
      const r = await post();
      return fromBreaker(r) && upstream.seen.length === before ? r : undefined;
    }, 'an answer from the open breaker');
    expect(open.headers).toMatchObject(SECURITY_HEADERS);
    process.stdout.write(`breaker open: 503 in ${open.ms.toFixed(1)} ms without calling the upstream\n`);
    upstream.handle(ok);
    await closedAgain(post);
    expect(upstream.seen.at(-1)?.method).toBe('POST');
  });

  it('a slow upstream opens it (median latency over the threshold); fast again, it closes', async () => {
    const slow: Handler = (req, res, attempt) => { setTimeout(() => { ok(req, res, attempt); }, 400); };
    const upstream = await startUpstream(slow);
    const ingress = await startIngress(upstream, { ...QUICK_BREAKER, breakerLatencyMs: 100 });
    const get = () => raw(`${ingress.url}/api/r/slow`);
    expect((await get()).status).toBe(200); // slow but answered
    const open = await waitFor(async () => {
      const before = upstream.seen.length;
      const r = await get();
      return fromBreaker(r) && upstream.seen.length === before ? r : undefined;
    }, 'an answer from the breaker opened by latency');
    process.stdout.write(`breaker open on latency: 503 in ${open.ms.toFixed(1)} ms (the upstream takes 400 ms)\n`);
    upstream.handle(ok);
    await closedAgain(get);
  });
});
