/**
 * `customer.customers?q=&tag=&active=&sort=&limit=&offset=` — the live search over customers
 * (text over name, email and company; newest first with `sort=-createdAt`); `create` adds one
 * and answers with its RID.
 */
import { bool, contains, liveSearch } from '@hub/store';
import { customers } from './customer.ts';

export const search = liveSearch(customers, {
  pattern: 'customers',
  text: { column: 'search', fields: ['name', 'email', 'company'] },
  filters: { tag: contains('tags'), active: bool('active') },
  sort: { fields: ['name', 'createdAt'], default: 'name' },
  limit: { default: 25, max: 100 },
  create: true,
});
