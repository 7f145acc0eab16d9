/**
 * `product.products?q=&tag=&active=&minPrice=&maxPrice=&sort=&limit=&offset=` — the live search
 * over products (text over SKU, name and description; prices in minor units, bounds inclusive;
 * sort by name, price or createdAt, `-` for descending); `create` adds one and answers with its RID.
 */
import { bool, contains, gte, int, liveSearch, lte } from '@hub/store';
import { products } from './product.ts';

export const search = liveSearch(products, {
  pattern: 'products',
  text: { column: 'search', fields: ['sku', 'name', 'description'] },
  filters: { tag: contains('tags'), active: bool('active'), minPrice: gte('price', int()), maxPrice: lte('price', int()) },
  sort: { fields: ['name', 'price', 'createdAt'], default: 'name' },
  limit: { default: 25, max: 100 },
  create: true,
});
