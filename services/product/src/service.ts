/** The product service: the catalogue in its own Postgres schema, cached in KeyDB, searched live. */
import { defineService } from '@hub/service';
import { products } from './resources/product.ts';
import { search } from './resources/products.ts';

export const productService = defineService({
  name: 'product',
  data: { migrations: new URL('../migrations', import.meta.url), cache: true },
  resources: [products, search],
});
