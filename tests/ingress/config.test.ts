// The ingress settings have one definition: every HUB_INGRESS_* variable that
// traefik/dynamic/middlewares.yml reads is known to @hub/servers (which validates it) with the
// same default, and a bad value stops the start with a message naming the variable instead of
// letting Traefik drop the whole file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, ingressEnv, INGRESS_SETTINGS, startTraefik, TRAEFIK_DYNAMIC_DIR } from '@hub/servers';

const TEMPLATE = readFileSync(join(TRAEFIK_DYNAMIC_DIR, 'middlewares.yml'), 'utf8');

describe('ingress settings', () => {
  it('the YAML reads exactly the known variables, each with the default its description names', () => {
    const used = new Map<string, string>();
    for (const m of TEMPLATE.matchAll(/env "(HUB_INGRESS_[A-Z_]+)" \| default "([^"]+)"/g)) used.set(m[1] ?? '', m[2] ?? '');
    const known = Object.values(INGRESS_SETTINGS).map(([name]) => name);
    expect([...used.keys()].sort()).toEqual([...known].sort());
    for (const [name, , meaning] of Object.values(INGRESS_SETTINGS)) expect(meaning).toContain(`default ${used.get(name) ?? '?'}`);
  });

  it('turns typed limits into the variables and keeps those already in the environment', () => {
    const env = ingressEnv({ rateAverage: 2, breakerFallback: '1s' }, { HUB_INGRESS_INFLIGHT: '7', PATH: '/bin' });
    expect(env).toEqual({ HUB_INGRESS_RATE_AVERAGE: '2', HUB_INGRESS_BREAKER_FALLBACK: '1s', HUB_INGRESS_INFLIGHT: '7' });
  });

  it('names every bad or unknown variable in one error', () => {
    const bad = { HUB_INGRESS_RATE_AVERAGE: 'lots', HUB_INGRESS_BREAKER_ERROR_RATIO: '2', HUB_INGRESS_BREAKER_FALLBACK: '5', HUB_INGRESS_RATE_AVG: '3' };
    expect(() => ingressEnv({}, bad)).toThrow(/HUB_INGRESS_RATE_AVERAGE=lots must be a whole number/);
    expect(() => ingressEnv({}, bad)).toThrow(/HUB_INGRESS_BREAKER_ERROR_RATIO=2 must be a number above 0 and at most 1/);
    expect(() => ingressEnv({}, bad)).toThrow(/HUB_INGRESS_BREAKER_FALLBACK=5 must be a duration/);
    expect(() => ingressEnv({}, bad)).toThrow(/HUB_INGRESS_RATE_AVG is not an ingress setting/);
  });

  it('Traefik does not start on a bad limit', async () => {
    const start = startTraefik({ port: await freePort(), adminPort: await freePort(), resgateUrl: 'http://127.0.0.1:1', limits: { rateBurst: 0 }, log: () => undefined });
    await expect(start).rejects.toThrow(/HUB_INGRESS_RATE_BURST=0 must be a whole number of at least 1/);
  });
});
