// Every defined service gets health and metrics from the service shape: /healthz, /readyz (its
// dependencies named) and /metrics with its requests — no line in the service itself.
import { describe, expect, it } from 'vitest';
import { connectNats, startHub } from '@hub/testkit';
import { customerService } from '../../../services/customer/src/service.ts';

const WRITER = {
  sub: 'w',
  roles: ['customer:write', 'customer:read'],
  exp: Math.floor(Date.now() / 1000) + 3600,
  sid: null,
  username: 'w',
};

describe('ops endpoints of a defined service', () => {
  it('serves /healthz, /readyz with each dependency, and /metrics counting its requests', async () => {
    const { service } = await startHub(customerService, { config: { OPS_PORT: 0 } });
    const url = service.ops?.url;
    if (url === undefined) throw new Error('no ops server');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(Object.keys(((await ready.json()) as { checks: Record<string, unknown> }).checks).sort()).toEqual([
      'cache',
      'nats',
      'partitions',
      'postgres',
    ]);
    const nc = await connectNats();
    await nc.request(`call.${service.name}.customers.create`, JSON.stringify({ params: { name: 'm', email: 'm@t.test' }, token: WRITER }), {
      timeout: 5000,
    });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(
        `hub_request_duration_seconds_count\\{type="call",pattern="${service.name}\\.customers",method="create",outcome="ok"[^}]*\\} 1`,
      ),
    );
    expect(metrics).toMatch(/hub_events_total\{[^}]*kind="create"/);
  });
});
