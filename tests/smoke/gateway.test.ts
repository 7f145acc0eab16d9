// Smoke: Resgate serves a resource from a NATS responder over HTTP and WebSocket, and Traefik
// routes clients to it.
import { describe, expect, it } from 'vitest';
import { connectNats, hub, openClient, resgateHttp, traefikHttp, uniqueName } from '@hub/testkit';
import { greetingResponder } from './responder.ts';

describe('gateway', () => {
  it('Resgate answers an HTTP GET from a NATS responder', async () => {
    const name = uniqueName();
    greetingResponder(await connectNats(), name, 'hello http');
    const res = await resgateHttp(`/api/${name}/greeting`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'hello http' });
  });

  it('resclient subscribes to the resource over WebSocket', async () => {
    const name = uniqueName();
    greetingResponder(await connectNats(), name, 'hello ws');
    const client = await openClient();
    const model = await client.get(`${name}.greeting`);
    expect(model.toJSON()).toEqual({ message: 'hello ws' });
  });

  it('Traefik routes /api/ to Resgate', async () => {
    const name = uniqueName();
    greetingResponder(await connectNats(), name, 'hello traefik');
    const res = await traefikHttp(`/api/${name}/greeting`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'hello traefik' });
  });

  it('Traefik carries the WebSocket to Resgate', async () => {
    const name = uniqueName();
    greetingResponder(await connectNats(), name, 'hello ws via traefik');
    const client = await openClient({ url: hub().traefikWsUrl });
    const model = await client.get(`${name}.greeting`);
    expect(model.toJSON()).toEqual({ message: 'hello ws via traefik' });
  });
});
