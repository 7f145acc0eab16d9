// `hub seed` end to end: it loads the customers through the gateway as the signed-in user, a
// second run adds nothing (each customer is found by email first), and products and promotions
// are skipped with a clear message while their services are not running (the product and
// promotion services are not on this branch). `make seed` signs in as admin by itself.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanup, scopeSql, startHub, uniqueName } from '@hub/testkit';
import { customerService } from '../../../services/customer/src/service.ts';
import { CUSTOMERS } from '../src/seed/data.ts';
import { hubUser, json, loggedIn, make } from './hub.ts';

const LONG = 240_000;

interface Report {
  customers: { total: number; created: number; existing: number; skipped?: string };
  products: { created: number; skipped?: string };
  promotions: { created: number; skipped?: string };
}

describe('hub seed', () => {
  it('loads the customers once; a second run adds nothing; missing services are skipped, said so', { timeout: LONG }, async () => {
    const { scope } = await startHub(customerService);
    const product = uniqueName('prod');
    const names = `customer=${scope.name},product=${product},promotion=${uniqueName('promo')}`;
    const admin = await loggedIn('admin');

    const first = await admin.run(['--json', 'seed', '--services', names]);
    expect([first.code, first.stderr]).toEqual([0, expect.any(String) as unknown]);
    const r1 = json(first) as Report;
    expect(r1.customers).toEqual({ total: CUSTOMERS.length, created: CUSTOMERS.length, existing: 0 });
    expect(r1.products.skipped).toBe(`${product} service not running (no answer from ${product}.products)`);
    expect(r1.promotions.skipped).toBe('no products to refer to');
    expect(first.stderr).toContain(`${product} service not running (no answer from ${product}.products): skipped products\n`);
    expect(first.stderr).toContain('no products to refer to: skipped promotions\n');
    const rows = await scopeSql<{ email: string; name: string; tags: string[] }>(
      scope,
      'SELECT email, name, tags FROM customers ORDER BY id',
    );
    expect(rows).toEqual(CUSTOMERS.map((c) => ({ email: c.email, name: c.name, tags: c.tags })));

    const second = await admin.run(['seed', '--services', names]);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(
      `customers   ${String(CUSTOMERS.length)}/${String(CUSTOMERS.length)}  (0 created, ${String(CUSTOMERS.length)} already there)`,
    );
    expect(second.stdout.trim()).toBe('seed done: customers +0, products skipped, promotions skipped');
    const [count] = await scopeSql<{ n: string }>(scope, 'SELECT count(*) AS n FROM customers');
    expect(count?.n).toBe(String(CUSTOMERS.length));
  });

  it('refuses to seed without a sign-in, and as a user who may not write, with exit 3', { timeout: LONG }, async () => {
    const { scope } = await startHub(customerService);
    const anonymous = await hubUser().run(['seed', '--services', `customer=${scope.name}`]);
    expect([anonymous.code, anonymous.stderr.trim()]).toEqual([
      3,
      'hub: not signed in — the seed writes through the API as you: run `hub login admin` (dev) first',
    ]);
    const reader = await (await loggedIn('reader')).run(['seed', '--services', `customer=${scope.name}`]);
    expect([reader.code, reader.stderr.trim().split('\n').at(-1)]).toEqual([
      3,
      `hub: seeding customer ${CUSTOMERS[0]?.email ?? ''}: not allowed: needs role ${scope.name}:write (signed in as reader)`,
    ]);
    const [count] = await scopeSql<{ n: string }>(scope, 'SELECT count(*) AS n FROM customers');
    expect(count?.n).toBe('0');
  });

  it('make seed signs in as the dev admin with a token file of its own, seeds, and signs out', { timeout: LONG }, async () => {
    const { scope } = await startHub(customerService);
    const dir = cleanup(mkdtempSync(join(tmpdir(), 'hub-seed-')), (d) => {
      rmSync(d, { recursive: true, force: true });
    });
    const tokenFile = join(dir, 'token.json');
    const env = { SEED_TOKEN_FILE: tokenFile, HUB_SEED_SERVICES: `customer=${scope.name},product=${uniqueName('prod')}` };
    const r = await make(['seed'], env);
    expect([r.code, r.stdout.trim()]).toEqual([
      0,
      `seed done: customers +${String(CUSTOMERS.length)}, products skipped, promotions skipped`,
    ]);
    expect(r.stderr).toContain('seeding as admin through ');
    const [count] = await scopeSql<{ n: string }>(scope, 'SELECT count(*) AS n FROM customers');
    expect(count?.n).toBe(String(CUSTOMERS.length));
    expect(existsSync(tokenFile)).toBe(false); // signed out again

    const again = await make(['seed'], env);
    expect([again.code, again.stdout.trim()]).toEqual([0, 'seed done: customers +0, products skipped, promotions skipped']);

    // A seed that fails fails make, says why, and still signs out.
    const down = await make(['seed'], { ...env, HUB_URL: 'ws://127.0.0.1:9' });
    expect(down.code).toBe(2); // make's own code for a failed recipe
    expect(down.stderr).toMatch(/^hub: unavailable: cannot connect to ws:\/\/127\.0\.0\.1:9 /m);
    expect(existsSync(tokenFile)).toBe(false);
  });
});
