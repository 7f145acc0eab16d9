/**
 * `hub search <collection> [--q text] [--limit n] [--offset n] [--sort field] [--<filter> value ...]`:
 * one page of a live search, e.g. `hub search customer.customers --q acme --tag vip --limit 5`.
 * Filters are the collection's own query parameters (customer: `tag`, `active`); an unknown one
 * is refused by the service as an invalid query.
 */
import { checkRid, withConnection, type Ctx } from '../context.ts';
import { usage } from '../exit.ts';
import { printResource } from '../output.ts';
import { queryString, splitFields } from '../params.ts';

export interface SearchOptions {
  readonly q?: string;
  readonly limit?: string;
  readonly offset?: string;
  readonly sort?: string;
}

/** The query RID: the collection plus its parameters, e.g. `customer.customers?q=acme&limit=5`. */
export function searchRid(collection: string, o: SearchOptions, filterTokens: readonly string[]): string {
  if (collection.includes('?'))
    throw usage(`give the collection without a query (${collection.split('?')[0] ?? ''}) and the query as options`);
  const { fields, rest } = splitFields(filterTokens);
  if (rest.length > 0) throw usage(`unexpected argument${rest.length > 1 ? 's' : ''}: ${rest.join(' ')} (filters are --name value)`);
  const qs = queryString({ q: o.q, sort: o.sort, limit: o.limit, offset: o.offset, ...fields });
  return qs === '' ? collection : `${collection}?${qs}`;
}

export async function search(ctx: Ctx, collection: string, o: SearchOptions, filterTokens: readonly string[]): Promise<void> {
  checkRid(collection);
  const rid = searchRid(collection, o, filterTokens);
  await withConnection(ctx, async (conn) => {
    printResource(ctx.out, await conn.request({ rid, action: 'read' }, (c) => c.get(rid)));
  });
}
