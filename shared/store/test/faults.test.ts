// A Postgres that goes away never crashes the process: a connection checked out of the pool (a
// transaction kept open, a lock held) that loses its server reports it on the checkout, the
// queries meanwhile answer hub.unavailable, the outage is logged once, and the pool reconnects by
// itself when the server is back. A private Postgres: the shared one serves every other test.
import { describe, expect, it } from 'vitest';
import { createDb } from '@hub/store';
import { capturedLog, cleanup, privatePostgres, waitFor } from '@hub/testkit';

describe('store under a Postgres outage', () => {
  it('a checked-out connection losing its server breaks that checkout, not the process; the pool recovers', async () => {
    const pg = await privatePostgres();
    const log = capturedLog();
    const db = cleanup(createDb({ url: pg.url, schema: 'public', log: log.logger }), (d) => d.close());
    const c = await db.checkout();
    await c.client.query('SELECT 1');
    // Fast shutdown terminates every session (57P01) while this one is idle between queries:
    // without the checkout's error listener, pg's 'error' event would be unhandled (a crash).
    await pg.stop();
    await waitFor(() => c.broken, 'the checkout to learn its connection is gone');
    c.release();
    for (let i = 0; i < 5; i++) await expect(db.query('SELECT 1')).rejects.toMatchObject({ code: 'hub.unavailable' });
    await expect(db.tx((q) => q.query('SELECT 1'))).rejects.toMatchObject({ code: 'hub.unavailable' });
    expect(db.reachable).toBe(false);

    await pg.start();
    await waitFor(async () => (await db.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one === 1, 'queries to succeed again');
    expect(db.reachable).toBe(true);
    // One line for the outage, one for the recovery — not one per failed query.
    expect(log.count('postgres unreachable')).toBe(1);
    expect(log.count('postgres reachable again')).toBe(1);
  });
});
