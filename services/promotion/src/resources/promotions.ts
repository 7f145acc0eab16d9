/**
 * `promotion.promotions?q=&customer=&product=&activeOn=&kind=&orphaned=&sort=&limit=&offset=` —
 * the live search over promotions: by customer or product (an id, or its full RID), active at an
 * instant (`activeOn=2026-12-24T12:00:00Z`: validFrom ≤ t < validTo), kind, orphaned; text over
 * the name; `create` adds one and answers with its RID.
 */
import { bool, during, eq, liveSearch, oneOf, reference } from '@hub/store';
import type { References } from '../references.ts';
import type { PromotionTable } from './promotion.ts';

export function promotionSearch(table: PromotionTable, refs: References) {
  return liveSearch(table, {
    pattern: 'promotions',
    text: { column: 'search', fields: ['name'] },
    filters: {
      customer: eq('customer', reference(refs.customer)),
      product: eq('product', reference(refs.product)),
      activeOn: during('validFrom', 'validTo'),
      kind: oneOf('kind', ['percent', 'amount']),
      orphaned: bool('orphaned'),
    },
    sort: { fields: ['name', 'validFrom', 'createdAt'], default: 'name' },
    limit: { default: 25, max: 100 },
    create: true,
  });
}
