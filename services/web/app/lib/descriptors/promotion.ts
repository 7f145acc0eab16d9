/**
 * Promotions (`services/promotion`): search `promotion.promotions`, detail
 * `promotion.promotion.<id>`. `product` and `customer` are RES references: the detail page and
 * the search rows show them live (a renamed product shows without a reload), and the form picks
 * them from those services' searches. `orphaned` is the service's: set when one of them was
 * deleted, cleared by pointing the promotion at existing ones.
 */
import { formatMoney } from '../money.ts';
import { isModel } from '../res.ts';
import { defineDescriptor } from './types.ts';

/** "15 %", or an amount in the product's currency (minor units, as the service holds it). */
function discount(value: unknown, values: Readonly<Record<string, unknown>>): string {
  if (typeof value !== 'number') return '';
  if (values.kind === 'percent') return `${String(value)} %`;
  const product = values.product;
  return formatMoney(value, isModel(product) ? product.props.currency : undefined);
}

export default defineDescriptor({
  service: 'promotion',
  title: 'Promotions',
  singular: 'Promotion',
  model: 'promotion',
  collection: 'promotions',
  readRoles: ['promotion:read', 'promotion:write', 'admin'],
  writeRoles: ['promotion:write', 'admin'],
  fields: [
    { key: 'name', label: 'Name', kind: 'text', required: true },
    { key: 'product', label: 'Product', kind: 'ref', ref: 'product', required: true },
    { key: 'customer', label: 'Customer', kind: 'ref', ref: 'customer', required: true },
    {
      key: 'kind',
      label: 'Discount kind',
      kind: 'select',
      required: true,
      options: [
        { value: 'percent', label: 'Percent off' },
        { value: 'amount', label: 'Amount off' },
      ],
    },
    {
      key: 'value',
      label: 'Discount',
      kind: 'number',
      required: true,
      help: "Percent: 1–100. Amount: in the product currency's minor units (cents: 500 is 5.00).",
      format: discount,
    },
    { key: 'validFrom', label: 'Valid from', kind: 'date', required: true },
    { key: 'validTo', label: 'Valid until', kind: 'date', required: true, help: 'The promotion ends at this instant.' },
    { key: 'orphaned', label: 'Orphaned (its product or customer was deleted)', kind: 'boolean', readOnly: true },
    { key: 'createdAt', label: 'Created', kind: 'date', readOnly: true },
    { key: 'updatedAt', label: 'Updated', kind: 'date', readOnly: true },
  ],
  columns: ['name', 'product', 'customer', 'value', 'validFrom', 'validTo'],
  // promotion.promotions' filters: product and customer take an id (or the full RID).
  filters: [
    { key: 'q', label: 'Search name', kind: 'search' },
    { key: 'product', label: 'Product id', kind: 'text' },
    { key: 'customer', label: 'Customer id', kind: 'text' },
    { key: 'activeOn', label: 'Active on', kind: 'date' },
    {
      key: 'kind',
      label: 'Kind',
      kind: 'select',
      options: [
        { value: '', label: 'Any kind' },
        { value: 'percent', label: 'Percent off' },
        { value: 'amount', label: 'Amount off' },
      ],
    },
    {
      key: 'orphaned',
      label: 'References',
      kind: 'select',
      options: [
        { value: '', label: 'Any' },
        { value: 'false', label: 'Product and customer exist' },
        { value: 'true', label: 'Orphaned' },
      ],
    },
  ],
  sorts: [
    { value: 'name', label: 'Name A–Z' },
    { value: '-name', label: 'Name Z–A' },
    { value: 'validFrom', label: 'Starting first' },
    { value: '-validFrom', label: 'Starting last' },
    { value: '-createdAt', label: 'Newest first' },
  ],
  pageSize: 25,
  titleField: 'name',
  versionField: 'version',
});
