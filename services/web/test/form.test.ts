/**
 * The browser app's pure conversions: prices between minor units and typed decimals, form values
 * to call parameters (only what changed; a price follows its currency), searches to RIDs (days
 * to instants), the audit feed's URL filters. Pure functions: no servers needed.
 */
import { describe, expect, it } from 'vitest';
import { auditFilters, auditRid } from '../app/lib/audit.ts';
import product from '../app/lib/descriptors/product.ts';
import promotion from '../app/lib/descriptors/promotion.ts';
import { changedParams, createParams, fromLocalInput, toForm } from '../app/lib/form.ts';
import { formatMoney, fromDecimal, toDecimal } from '../app/lib/money.ts';
import { collectionRid, dayStart, searchFromUrl } from '../app/lib/query.ts';

describe('money', () => {
  it('converts minor units with the currency’s own fraction digits', () => {
    expect(toDecimal(1999, 'EUR')).toBe('19.99');
    expect(toDecimal(1999, 'JPY')).toBe('1999');
    expect(fromDecimal('19.99', 'EUR')).toBe(1999);
    expect(fromDecimal('19,5', 'EUR')).toBe(1950);
    expect(fromDecimal('5', 'KWD')).toBe(5000);
    expect(fromDecimal('  ', 'EUR')).toBeUndefined();
  });

  it('passes text that is no amount through, for the server to name', () => {
    expect(fromDecimal('ten', 'EUR')).toBe('ten');
    expect(fromDecimal('-1', 'EUR')).toBe('-1');
  });

  it('formats an amount in its currency, and an unknown code without failing', () => {
    expect(formatMoney(1999, 'EUR')).toMatch(/19[.,]99/);
    expect(formatMoney(1999, 'NOPE')).toBe('19.99 NOPE');
  });
});

describe('form', () => {
  const values = { sku: 'A-1', name: 'Lens', price: 1999, currency: 'EUR', active: true, tags: ['x'], validFrom: null, validTo: null };

  it('sends only the changed fields, a price again when its currency changed', () => {
    const base = toForm(product.fields, values);
    expect(base.price).toBe('19.99');
    expect(changedParams(product.fields, base, { ...base, name: 'Lens II' })).toEqual({ name: 'Lens II' });
    expect(changedParams(product.fields, base, { ...base, currency: 'JPY' })).toEqual({ currency: 'JPY', price: 20 });
    expect(changedParams(product.fields, base, { ...base, price: '24.50' })).toEqual({ price: 2450 });
  });

  it('clears an optional instant with null and leaves empty optional fields out of a create', () => {
    const base = toForm(product.fields, { ...values, validFrom: '2026-12-24T12:00:00.000Z' });
    expect(changedParams(product.fields, base, { ...base, validFrom: '' })).toEqual({ validFrom: null });
    const created = createParams(product.fields, { ...toForm(product.fields, {}), sku: 'B', name: 'B', price: '1', currency: 'EUR' });
    expect(created).toEqual({ sku: 'B', name: 'B', price: 100, currency: 'EUR', active: true, tags: [] });
  });

  it('turns local date-times into instants and references into ids', () => {
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('2027-03-01T09:00')).toBe(new Date('2027-03-01T09:00').toISOString());
    const ref = { getResourceId: () => 'product.product.7', props: {} };
    const form = toForm(promotion.fields, { name: 'P', kind: 'amount', value: 500, product: ref, customer: ref });
    expect(form).toMatchObject({ product: '7', customer: '7', kind: 'amount', value: '500' });
    expect(createParams(promotion.fields, { ...form, value: 'x' })).toMatchObject({ value: 'x', product: '7' });
  });
});

describe('search RIDs', () => {
  it('keeps the URL’s day and queries the instant it starts at', () => {
    const s = searchFromUrl(promotion, new URLSearchParams('activeOn=2026-12-24&product=7&kind=bogus'));
    expect(s.filters).toEqual({ activeOn: '2026-12-24', product: '7' });
    expect(collectionRid(promotion, s)).toBe(
      `promotion.promotions?activeOn=${encodeURIComponent(dayStart('2026-12-24') ?? '')}&limit=25&offset=0&product=7&sort=name`,
    );
    expect(searchFromUrl(promotion, new URLSearchParams('activeOn=soon')).filters).toEqual({});
  });

  it('builds the audit feed’s RID from known filters only', () => {
    const f = auditFilters(new URLSearchParams('service=customer&action=update&id=7&action2=x'));
    expect(auditRid(f)).toBe('audit.entries?action=update&id=7&limit=50&service=customer');
    expect(auditFilters(new URLSearchParams('action=drop'))).toEqual({});
  });
});
