// The seed data set is what the services accept and refers only to itself: unique keys (the seed
// finds earlier runs' items by them), promotions naming existing products and customers, valid
// kinds, values and windows.
import { describe, expect, it } from 'vitest';
import { CUSTOMERS, monthStart, PRODUCTS, PROMOTIONS } from '../src/seed/data.ts';

describe('seed data', () => {
  it('has dozens of customers, products and promotions with unique keys', () => {
    expect(CUSTOMERS.length).toBeGreaterThanOrEqual(24);
    expect(PRODUCTS.length).toBeGreaterThanOrEqual(24);
    expect(PROMOTIONS.length).toBeGreaterThanOrEqual(24);
    expect(new Set(CUSTOMERS.map((c) => c.email)).size).toBe(CUSTOMERS.length);
    expect(new Set(PRODUCTS.map((p) => p.sku)).size).toBe(PRODUCTS.length);
    expect(new Set(PROMOTIONS.map((p) => p.name)).size).toBe(PROMOTIONS.length);
  });

  it('uses emails a customer accepts, ISO 4217 currencies and positive minor-unit prices', () => {
    for (const c of CUSTOMERS) expect(c.email).toMatch(/^[a-z0-9.-]+@[a-z0-9-]+\.test$/);
    for (const p of PRODUCTS) {
      expect([p.sku, p.currency]).toEqual([p.sku, expect.stringMatching(/^[A-Z]{3}$/) as unknown]);
      expect(Number.isInteger(p.price) && p.price > 0).toBe(true);
    }
  });

  it('refers promotions to seeded products and customers, with valid kinds, values and windows', () => {
    const skus = new Set(PRODUCTS.map((p) => p.sku));
    const emails = new Set(CUSTOMERS.map((c) => c.email));
    for (const p of PROMOTIONS) {
      expect([p.name, skus.has(p.sku), emails.has(p.email)]).toEqual([p.name, true, true]);
      expect(p.fromMonth).toBeLessThan(p.toMonth);
      if (p.kind === 'percent') expect(p.value >= 1 && p.value <= 100).toBe(true);
      else expect(Number.isInteger(p.value) && p.value > 0).toBe(true);
    }
    expect(new Set(PROMOTIONS.map((p) => p.kind))).toEqual(new Set(['percent', 'amount']));
  });

  it('computes windows from the start of the current month (UTC)', () => {
    const now = new Date('2026-12-15T10:00:00Z');
    expect([monthStart(-1, now), monthStart(0, now), monthStart(2, now)]).toEqual([
      '2026-11-01T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
      '2027-02-01T00:00:00.000Z',
    ]);
  });
});
