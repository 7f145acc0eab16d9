// Hostile request bodies through the whole ingress (Traefik → Resgate → a service): a body over
// Traefik's limit never reaches Resgate (413); one over the runtime's MAX_REQUEST_BYTES is refused
// unparsed; deep nesting is refused by Resgate (past its decoder's limit) or by the runtime before
// it parses (past MAX_JSON_DEPTH) — and the service answers normal requests afterwards.
import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES } from '@hub/res/internal';
import { startHub, traefikHttp } from '@hub/testkit';
import { libraryService } from '../../services/library/src/service.ts';

describe('hostile bodies through the ingress', () => {
  it('oversized bodies get 413 or 400, deep nesting 400, and the service keeps serving', async () => {
    const { service } = await startHub(libraryService);
    const add = `/api/${service.name}/books/add`;
    const post = (body: string) =>
      traefikHttp<{ code?: string; message?: string }>(add, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

    const huge = await post(JSON.stringify({ title: 'x'.repeat(2 * 1024 * 1024), author: 'a' }));
    expect(huge.status).toBe(413); // Traefik's body limit (1 MiB): Resgate never sees it

    const big = await post(JSON.stringify({ title: 'x'.repeat(MAX_REQUEST_BYTES + 1024), author: 'a' }));
    expect(big.status).toBe(400);
    expect(big.body).toEqual({ code: 'system.invalidParams', message: 'Request too large' });

    // Resgate's JSON decoder refuses nesting beyond its own limit (10,000) itself...
    const deep = await post(`{"title":${'['.repeat(100_000)}${']'.repeat(100_000)},"author":"a"}`);
    expect(deep.status).toBe(400);
    expect(deep.body?.code).toBe('system.badRequest');
    // ...what it lets through, the runtime refuses before parsing (MAX_JSON_DEPTH).
    const nested = await post(`{"title":${'['.repeat(1000)}${']'.repeat(1000)},"author":"a"}`);
    expect(nested.status).toBe(400);
    expect(nested.body).toEqual({ code: 'system.invalidParams', message: 'Invalid request: nested deeper than 64 levels' });

    const ok = await post(JSON.stringify({ title: 'Kindred', author: 'Octavia E. Butler' }));
    expect(ok.status).toBe(200);
  });
});
