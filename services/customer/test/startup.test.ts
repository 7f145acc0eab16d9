// Several instances starting together on an empty schema: migrations run once, under a blocking
// advisory lock, and every instance serves.
import { describe, expect, it } from 'vitest';
import { dataScope, scopeSql } from '@hub/testkit';
import { startCustomer, writerHttp } from './helpers.ts';

describe('customer startup', () => {
  it('three instances starting at once all migrate and serve', async () => {
    // Intent: node-pg-migrate's own lock would fail the losers ("Another migration is already
    // running"); ours makes them wait and then find nothing to do.
    const scope = dataScope('cust');
    await Promise.all([startCustomer({ scope }), startCustomer({ scope }), startCustomer({ scope })]);
    expect(await scopeSql(scope, 'SELECT name FROM hub_migrations ORDER BY id')).toEqual([{ name: '1700000000001_customers' }]);
    const post = await writerHttp(`/api/${scope.name}/customers/create`, { method: 'POST', json: { name: 'Tri', email: 'tri@t.test' } });
    expect(post.status).toBe(200);
  });
});
