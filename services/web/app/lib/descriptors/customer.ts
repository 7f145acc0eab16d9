/** Customers (`services/customer`): search `customer.customers`, detail `customer.customer.<id>`. */
import { ACTIVE_FILTER, BY_NAME, NEWEST_FIRST, OLDEST_FIRST, rolesOf, TIMESTAMP_FIELDS } from './common.ts';
import { defineDescriptor } from './types.ts';

export default defineDescriptor({
  service: 'customer',
  title: 'Customers',
  singular: 'Customer',
  model: 'customer',
  collection: 'customers',
  ...rolesOf('customer'),
  fields: [
    { key: 'name', label: 'Name', kind: 'text', required: true },
    { key: 'email', label: 'Email', kind: 'email', required: true },
    { key: 'company', label: 'Company', kind: 'text' },
    { key: 'phone', label: 'Phone', kind: 'tel' },
    { key: 'address', label: 'Address', kind: 'textarea' },
    { key: 'tags', label: 'Tags', kind: 'tags', help: 'Separate tags with commas.' },
    { key: 'active', label: 'Active', kind: 'boolean' },
    ...TIMESTAMP_FIELDS,
  ],
  columns: ['name', 'email', 'company', 'tags', 'active'],
  filters: [
    { key: 'q', label: 'Search name, email or company', kind: 'search' },
    { key: 'tag', label: 'Tag', kind: 'text' },
    ACTIVE_FILTER,
  ],
  sorts: [...BY_NAME, NEWEST_FIRST, OLDEST_FIRST],
  pageSize: 25,
  titleField: 'name',
  hintField: 'email',
  versionField: 'version',
  related: [{ label: 'Promotions', service: 'promotion', filter: 'customer' }],
});
