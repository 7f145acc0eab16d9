/** The model both responders serve, so they return byte-for-byte comparable JSON. */
export function itemModel(id: string): Record<string, string | number | boolean> {
  return { id, name: `Item ${id}`, price: 1999, currency: 'EUR', inStock: true, updatedAt: '2026-01-01T00:00:00.000Z' };
}
