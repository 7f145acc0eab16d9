/**
 * Products (`services/product`): search `product.products`, detail `product.product.<id>`.
 * Prices travel in minor units of their currency (1999 EUR = 19.99 EUR); the form shows decimals.
 */
import { defineDescriptor } from './types.ts';

export default defineDescriptor({
  service: 'product',
  title: 'Products',
  singular: 'Product',
  model: 'product',
  collection: 'products',
  readRoles: ['product:read', 'product:write', 'admin'],
  writeRoles: ['product:write', 'admin'],
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
    { key: 'createdAt', label: 'Created', kind: 'date', readOnly: true },
    { key: 'updatedAt', label: 'Updated', kind: 'date', readOnly: true },
  ],
  columns: ['name', 'sku', 'price', 'tags', 'active'],
  // product.products' filters: text over SKU, name and description; prices in minor units.
  filters: [
    { key: 'q', label: 'Search SKU, name or description', kind: 'search' },
    { key: 'tag', label: 'Tag', kind: 'text' },
    {
      key: 'active',
      label: 'Status',
      kind: 'select',
      options: [
        { value: '', label: 'Any status' },
        { value: 'true', label: 'Active' },
        { value: 'false', label: 'Inactive' },
      ],
    },
    { key: 'minPrice', label: 'Lowest price (cents)', kind: 'number' },
    { key: 'maxPrice', label: 'Highest price (cents)', kind: 'number' },
  ],
  sorts: [
    { value: 'name', label: 'Name A–Z' },
    { value: '-name', label: 'Name Z–A' },
    { value: 'price', label: 'Cheapest first' },
    { value: '-price', label: 'Dearest first' },
    { value: '-createdAt', label: 'Newest first' },
    { value: 'createdAt', label: 'Oldest first' },
  ],
  pageSize: 25,
  titleField: 'name',
  hintField: 'sku',
  versionField: 'version',
  related: [{ label: 'Promotions', service: 'promotion', filter: 'product' }],
});
