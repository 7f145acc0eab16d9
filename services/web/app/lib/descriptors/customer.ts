/** Customers (`services/customer`): search `customer.customers`, detail `customer.customer.<id>`. */
import { defineDescriptor } from './types.ts';

export default defineDescriptor({
  service: 'customer',
  title: 'Customers',
  singular: 'Customer',
  model: 'customer',
  collection: 'customers',
  readRoles: ['customer:read', 'customer:write', 'admin'],
  writeRoles: ['customer:write', 'admin'],
  fields: [
    { key: 'name', label: 'Name', kind: 'text', required: true },
    { key: 'email', label: 'Email', kind: 'email', required: true },
    { key: 'company', label: 'Company', kind: 'text' },
    { key: 'phone', label: 'Phone', kind: 'tel' },
    { key: 'address', label: 'Address', kind: 'textarea' },
    { key: 'tags', label: 'Tags', kind: 'tags', help: 'Separate tags with commas.' },
    { key: 'active', label: 'Active', kind: 'boolean' },
    { key: 'createdAt', label: 'Created', kind: 'date', readOnly: true },
    { key: 'updatedAt', label: 'Updated', kind: 'date', readOnly: true },
  ],
  columns: ['name', 'email', 'company', 'tags', 'active'],
  filters: [
    { key: 'q', label: 'Search name, email or company', kind: 'search' },
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
  ],
  sorts: [
    { value: 'name', label: 'Name A–Z' },
    { value: '-name', label: 'Name Z–A' },
    { value: '-createdAt', label: 'Newest first' },
    { value: 'createdAt', label: 'Oldest first' },
  ],
  pageSize: 25,
  titleField: 'name',
  hintField: 'email',
  versionField: 'version',
  related: [{ label: 'Promotions', service: 'promotion', filter: 'customer' }],
});
