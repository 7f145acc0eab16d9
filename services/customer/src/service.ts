/** The customer service: customers in its own Postgres schema, cached in KeyDB, searched live. */
import { defineService } from '@hub/service';
import { customers } from './resources/customer.ts';
import { search } from './resources/customers.ts';

export const customerService = defineService({
  name: 'customer',
  data: { migrations: new URL('../migrations', import.meta.url), cache: true },
  resources: [customers, search],
});
