// Traefik's access log is JSON, one object per request, with what an operator (or Loki) filters
// on — method, path, status, router, duration — and without the request's credentials.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { uniqueName, waitFor } from '@hub/testkit';
import { raw, startIngress, startUpstream } from './ingress.ts';

interface AccessLine {
  RequestMethod: string;
  RequestPath: string;
  DownstreamStatus: number;
  RouterName: string;
  Duration: number;
  ClientHost: string;
}

function lines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  } catch {
    return []; // not written yet
  }
}

describe('access log', () => {
  it('writes one JSON object per request, without the Authorization header', async () => {
    const upstream = await startUpstream();
    const ingress = await startIngress(upstream, { bodyMaxBytes: 16 });
    const path = `/api/${uniqueName()}/thing`;
    const secret = `secret-${uniqueName()}`;
    await raw(`${ingress.url}${path}`, { headers: { authorization: `Bearer ${secret}` } });
    await raw(`${ingress.url}${path}/call`, { method: 'POST', body: 'x'.repeat(64) }); // 413
    await waitFor(() => lines(ingress.accessLogPath).length >= 2, 'two access log lines');
    const all = lines(ingress.accessLogPath);
    const parsed = all.map((l) => JSON.parse(l) as AccessLine); // throws on a line that is not JSON
    expect(parsed).toEqual([
      expect.objectContaining({ RequestMethod: 'GET', RequestPath: path, DownstreamStatus: 200, RouterName: 'resgate-api-read@file', ClientHost: '127.0.0.1' }),
      expect.objectContaining({ RequestMethod: 'POST', RequestPath: `${path}/call`, DownstreamStatus: 413, RouterName: 'resgate-api-write@file' }),
    ]);
    for (const p of parsed) expect(p.Duration).toEqual(expect.any(Number));
    expect(all.join('\n')).not.toContain(secret);
  });
});
