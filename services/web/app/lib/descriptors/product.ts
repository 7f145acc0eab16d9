/**
 * Products (`services/product`): search `product.products`, detail `product.product.<id>`.
 * Prices travel in minor units of their currency (1999 EUR = 19.99 EUR); the form shows decimals.
 */
import { ACTIVE_FILTER, BY_NAME, NEWEST_FIRST, OLDEST_FIRST, rolesOf, TIMESTAMP_FIELDS } from './common.ts';
import { defineDescriptor } from './types.ts';

export default defineDescriptor({
  service: 'product',
  title: 'Products',
  singular: 'Product',
  model: 'product',
  collection: 'products',
  ...rolesOf('product'),
  fields: [
    { key: 'sku', label: 'SKU', kind: 'text', required: true, help: 'Letters, digits, ".", "_" and "-"; stored in capitals, unique.' },
    { key: 'name', label: 'Name', kind: 'text', required: true },
    { key: 'description', label: 'Description', kind: 'textarea' },
    { key: 'price', label: 'Price', kind: 'money', currency: 'currency', required: true, help: 'In the currency below, e.g. 19.99.' },
    { key: 'currency', label: 'Currency', kind: 'text', required: true, help: 'An ISO 4217 code, e.g. EUR.' },
    { key: 'tags', label: 'Tags', kind: 'tags', help: 'Separate tags with commas.' },
    { key: 'active', label: 'Active', kind: 'boolean' },
    { key: 'validFrom', label: 'Sold from', kind: 'date' },
    { key: 'validTo', label: 'Sold until', kind: 'date' },
    ...TIMESTAMP_FIELDS,
  ],
  columns: ['name', 'sku', 'price', 'tags', 'active'],
  // product.products' filters: text over SKU, name and description; prices in minor units.
  filters: [
    { key: 'q', label: 'Search SKU, name or description', kind: 'search' },
    { key: 'tag', label: 'Tag', kind: 'text' },
    ACTIVE_FILTER,
    { key: 'minPrice', label: 'Lowest price (cents)', kind: 'number' },
    { key: 'maxPrice', label: 'Highest price (cents)', kind: 'number' },
  ],
  sorts: [...BY_NAME, { value: 'price', label: 'Cheapest first' }, { value: '-price', label: 'Dearest first' }, NEWEST_FIRST, OLDEST_FIRST],
  pageSize: 25,
  titleField: 'name',
  hintField: 'sku',
  versionField: 'version',
  related: [{ label: 'Promotions', service: 'promotion', filter: 'product' }],
});
