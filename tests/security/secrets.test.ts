// Secrets never reach a log. A known database password (given as DATABASE_URL_FILE, a Docker
// secret) and real bearer tokens (valid and tampered) are planted; the services run as processes
// at LOG_LEVEL=debug, meet a Postgres outage (errors with their causes are logged), serve HTTP
// through a private Resgate, and stop; then every line they, Resgate and Postgres wrote is searched.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, startResgate } from '@hub/servers';
import { accessToken, cleanup, hub, privatePostgres, uniqueName, waitFor } from '@hub/testkit';
import { startServiceProcess } from '../lib/processes.ts';

describe('secrets in logs', () => {
  it('no log holds the database password or a bearer token, through requests, an outage and shutdown', { timeout: 120_000 }, async () => {
    const password = `pw${randomBytes(12).toString('hex')}`;
    const serverLog: string[] = [];
    const pg = await privatePostgres({ log: (l) => serverLog.push(l) }); // trust auth: the password is sent, never needed
    const dir = mkdtempSync(join(tmpdir(), 'hub-secret-'));
    cleanup(dir, (d) => {
      rmSync(d, { recursive: true, force: true });
    });
    const urlFile = join(dir, 'database_url');
    writeFileSync(urlFile, `postgres://hub:${password}@127.0.0.1:${String(pg.port)}/postgres\n`);
    const [identityName, customerName] = [uniqueName('sid'), uniqueName('scu')];
    const common = { NATS_URL: hub().natsUrl, DATABASE_URL_FILE: urlFile, LOG_LEVEL: 'debug', OPS_PORT: '0', HUB_PARTITIONS: '2' };
    const identity = await startServiceProcess({
      service: 'identity',
      name: identityName,
      env: { ...common, KEYCLOAK_ISSUER: hub().keycloakIssuer, BACKCHANNEL_PORT: '0' },
    });
    const customer = await startServiceProcess({ service: 'customer', name: customerName, env: { ...common, REDIS_URL: hub().redisUrl } });
    const port = await freePort();
    const resgate = await startResgate({
      port,
      natsUrl: hub().natsUrl,
      headerAuth: `${identityName}.header`,
      requestTimeoutMs: 5000,
      log: (_n, l) => serverLog.push(l),
    });
    cleanup(resgate, (r) => r.stop());

    const writer = await accessToken('writer');
    const tampered = `${writer.slice(0, -6)}AAAAAA`;
    const api = `http://127.0.0.1:${String(port)}/api/${customerName}`;
    const send = (path: string, token: string, init: RequestInit = {}) =>
      fetch(`${api}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }).then(
        async (r) => {
          await r.arrayBuffer();
          return r.status;
        },
      );
    expect(await send('/customers/create', writer, { method: 'POST', body: JSON.stringify({ name: 'S', email: 's@t.test' }) })).toBe(200);
    expect(await send('/customer/1', writer)).toBe(200);
    expect(await send('/customer/1', tampered)).toBe(401);

    await pg.stop(); // errors with causes (connections, pools, leases, relay) get logged
    await waitFor(
      async () => (await send('/customer/1', writer, { method: 'PATCH', body: '{"phone":"1"}' })) === 503,
      'writes to be refused',
    );
    await waitFor(() => customer.output.some((l) => l.includes('unreachable')), 'the outage to be logged');
    await pg.start();
    await waitFor(
      async () => (await send('/customer/1', writer, { method: 'PATCH', body: '{"phone":"2"}' })) === 204,
      'writes to work again',
    );
    await Promise.all([identity.proc.stop(), customer.proc.stop(), resgate.stop()]);

    const logs = { identity: identity.output, customer: customer.output, servers: serverLog };
    expect(customer.output.length).toBeGreaterThan(10); // debug logging did log
    for (const [who, lines] of Object.entries(logs)) {
      const text = lines.join('\n');
      expect(text.includes(password), `${who} logged the database password`).toBe(false);
      for (const [what, token] of [
        ['a bearer token', writer],
        ['a tampered token', tampered],
      ] as const) {
        // Any 40-character piece of the signature or payload would be a leak.
        const piece = token.split('.')[2]?.slice(0, 40) ?? token;
        expect(text.includes(piece), `${who} logged ${what}`).toBe(false);
      }
    }
  });
});
