// A large JSON list from the real Resgate comes through the shared test platform's Traefik
// compressed in the encoding the client asked for (gzip, br, zstd), decompresses to exactly what
// Resgate sent, and carries the security headers; a client that asks for no encoding, or a small
// answer, gets it as is.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decompress as zstdDecompress } from 'fzstd';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, hub, uniqueName } from '@hub/testkit';
import { raw, SECURITY_HEADERS } from './ingress.ts';

/** Serves `<name>.items` (a collection of `n` strings) and `<name>.tiny` (a small model) to anyone. */
function listResponder(nc: NatsConnection, name: string, n: number): void {
  const values = Array.from({ length: n }, (_, i) => `customer number ${i} of a large list`);
  nc.subscribe(`access.${name}.>`, { callback: (_e, m) => { m.respond(JSON.stringify({ result: { get: true } })); } });
  nc.subscribe(`get.${name}.items`, { callback: (_e, m) => { m.respond(JSON.stringify({ result: { collection: values } })); } });
  nc.subscribe(`get.${name}.tiny`, { callback: (_e, m) => { m.respond(JSON.stringify({ result: { model: { a: 1 } } })); } });
}

const DECODERS: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => gunzipSync(b),
  br: (b) => brotliDecompressSync(b),
  zstd: (b) => Buffer.from(zstdDecompress(b)),
};

describe('compression through Traefik (test kit platform, real Resgate)', () => {
  it.each(Object.keys(DECODERS))('a large list comes %s-compressed when the client asks for it', async (encoding) => {
    const name = uniqueName();
    listResponder(await connectNats(), name, 2000);
    const plain = await raw(`${hub().resgateHttpUrl}/api/${name}/items`);
    expect(plain.status).toBe(200);
    expect(plain.body.length).toBeGreaterThan(50_000);
    const res = await raw(`${hub().traefikUrl}/api/${name}/items`, { headers: { 'accept-encoding': encoding } });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe(encoding);
    expect(res.headers).toMatchObject(SECURITY_HEADERS);
    expect(res.body.length).toBeLessThan(plain.body.length / 5);
    const decode = DECODERS[encoding];
    if (!decode) throw new Error(`no decoder for ${encoding}`);
    expect(JSON.parse(decode(res.body).toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
  });

  it('no Accept-Encoding, or an answer under the minimum size, comes uncompressed', async () => {
    const name = uniqueName();
    listResponder(await connectNats(), name, 2000);
    const identity = await raw(`${hub().traefikUrl}/api/${name}/items`);
    expect(identity.status).toBe(200);
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(identity.body.toString('utf8'))).toHaveLength(2000);
    const tiny = await raw(`${hub().traefikUrl}/api/${name}/tiny`, { headers: { 'accept-encoding': 'gzip, br, zstd' } });
    expect(tiny.status).toBe(200);
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(tiny.body.toString('utf8'))).toEqual({ a: 1 });
  });
});
