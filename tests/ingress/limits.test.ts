// The ingress refuses what would overload Resgate, cheaply and with answers a client can act on:
// 429 with Retry-After beyond the rate per client IP (stricter on the identity paths and the
// WebSocket upgrade), 429 beyond the concurrent requests per IP, 413 beyond the body size — each
// with the security headers, and without the refused request reaching the upstream.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { waitFor } from '@hub/testkit';
import { ok, raw, SECURITY_HEADERS, startIngress, startUpstream, type Handler } from './ingress.ts';

function expectSecurityHeaders(headers: Record<string, unknown>): void {
  expect(headers).toMatchObject(SECURITY_HEADERS);
  expect(headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
}

/** Sends `n` requests at once; resolves with their statuses and Retry-After values. */
async function burst(url: string, n: number): Promise<{ statuses: number[]; retryAfter: string[] }> {
  const answers = await Promise.all(Array.from({ length: n }, () => raw(url)));
  for (const a of answers) expectSecurityHeaders(a.headers);
  return {
    statuses: answers.map((a) => a.status),
    retryAfter: answers.filter((a) => a.status === 429).map((a) => String(a.headers['retry-after'])),
  };
}

/** Opens a WebSocket through the ingress; resolves with the HTTP status of the upgrade (101 on success). */
function upgrade(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'));
    ws.once('upgrade', (res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.once('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.once('error', reject);
  });
}

describe('ingress limits (real Traefik, traefik/dynamic)', () => {
  it('a burst beyond the rate limit gets 429 with Retry-After, and the refused requests never reach the upstream', async () => {
    const upstream = await startUpstream();
    const ingress = await startIngress(upstream, { rateAverage: 1, rateBurst: 5 });
    const { statuses, retryAfter } = await burst(`${ingress.url}/api/thing/x`, 20);
    const passed = statuses.filter((s) => s === 200).length;
    // Burst 5 pass at once; at 1/s Traefik delays (not refuses) a request due within 500 ms, so
    // one or two more may pass if the burst takes a while to send on a busy machine.
    expect(passed).toBeGreaterThanOrEqual(5);
    expect(passed).toBeLessThanOrEqual(8);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - passed);
    for (const r of retryAfter) expect(Number(r)).toBeGreaterThanOrEqual(1); // whole seconds
    expect(upstream.attempts('GET', '/api/thing/x')).toBe(passed);
    // The bucket refills: a client that waits as told gets through again.
    await waitFor(async () => (await raw(`${ingress.url}/api/thing/x`)).status === 200, 'a request after the refill');
  });

  it('the identity paths and WebSocket upgrades have the stricter limit', async () => {
    const upstream = await startUpstream();
    const ingress = await startIngress(upstream, { rateAverage: 50, rateBurst: 50, authRateAverage: 1, authRateBurst: 2 });
    const plain = await burst(`${ingress.url}/api/thing/x`, 10);
    expect(plain.statuses).toEqual(Array(10).fill(200));
    const auth = await burst(`${ingress.url}/api/identity/user/x`, 20);
    expect(auth.statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(12);
    expect(auth.retryAfter.length).toBeGreaterThanOrEqual(12);
    const upgrades = await Promise.all(Array.from({ length: 20 }, () => upgrade(ingress.url)));
    expect(upgrades.filter((s) => s === 101).length).toBeGreaterThanOrEqual(1);
    expect(upgrades.filter((s) => s === 429).length).toBeGreaterThanOrEqual(12);
  });

  it('beyond the in-flight limit per client a request gets 429; once one finishes the next passes', async () => {
    const held: (() => void)[] = [];
    const hold: Handler = (req, res) => { held.push(() => { ok(req, res, 1); }); };
    const upstream = await startUpstream(hold);
    const ingress = await startIngress(upstream, { inflight: 2 });
    const first = [raw(`${ingress.url}/api/slow/a`), raw(`${ingress.url}/api/slow/b`)];
    await waitFor(() => held.length === 2, 'two requests held by the upstream');
    const third = await raw(`${ingress.url}/api/slow/c`);
    expect(third.status).toBe(429);
    expectSecurityHeaders(third.headers);
    expect(upstream.attempts('GET', '/api/slow/c')).toBe(0);
    for (const release of held.splice(0)) release();
    expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200]);
    upstream.handle(ok);
    expect((await raw(`${ingress.url}/api/slow/c`)).status).toBe(200);
  });

  it('a 2 MB body gets 413 before it reaches the upstream; a body under the 1 MiB default passes', async () => {
    const upstream = await startUpstream();
    const ingress = await startIngress(upstream); // the default body limit, as make up and the stack run it
    const big = await raw(`${ingress.url}/api/thing/x/call`, { method: 'POST', body: Buffer.alloc(2 * 1024 * 1024, 'a') });
    expect(big.status).toBe(413);
    expectSecurityHeaders(big.headers);
    expect(upstream.attempts('POST', '/api/thing/x/call')).toBe(0);
    const small = await raw(`${ingress.url}/api/thing/x/call`, { method: 'POST', body: Buffer.alloc(512 * 1024, 'a') });
    expect(small.status).toBe(200);
    expect(upstream.seen.at(-1)).toMatchObject({ method: 'POST', bodyBytes: 512 * 1024 });
  });
});
