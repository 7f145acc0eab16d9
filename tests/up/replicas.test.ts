// `make up`'s instance counts (HUB_REPLICAS_<SERVICE>): pure functions of the environment.
import { describe, expect, it } from 'vitest';
import { instanceOrder, MAX_REPLICAS, replicasFromEnv } from '../../scripts/lib/config.ts';

describe('HUB_REPLICAS_<SERVICE>', () => {
  it('defaults to one instance; reads the upper-case variable and the service-named one', () => {
    expect(replicasFromEnv(['customer', 'identity'], {})).toEqual({ customer: 1, identity: 1 });
    expect(replicasFromEnv(['customer', 'identity'], { HUB_REPLICAS_CUSTOMER: '3' })).toEqual({ customer: 3, identity: 1 });
    expect(replicasFromEnv(['customer'], { HUB_REPLICAS_customer: '2' })).toEqual({ customer: 2 });
  });

  it('names every bad value in one error', () => {
    const bad = () => replicasFromEnv(['customer', 'identity'], { HUB_REPLICAS_CUSTOMER: '0', HUB_REPLICAS_IDENTITY: String(MAX_REPLICAS + 1) });
    expect(bad).toThrow(/HUB_REPLICAS_CUSTOMER=0: expected a whole number from 1 to 16/);
    expect(bad).toThrow(/HUB_REPLICAS_IDENTITY=17/);
    expect(() => replicasFromEnv(['customer'], { HUB_REPLICAS_CUSTOMER: '2.5' })).toThrow(/HUB_REPLICAS_CUSTOMER=2\.5/);
  });

  it("orders instances so a service's first instance keeps its ops port: first instances, then the extra ones", () => {
    expect(instanceOrder(['customer', 'identity', 'library'], { customer: 3, identity: 1, library: 2 })).toEqual([
      'customer',
      'identity',
      'library',
      'customer-2',
      'customer-3',
      'library-2',
    ]);
  });
});
