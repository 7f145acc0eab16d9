// A real crash: the customer service process is SIGKILLed while sets commit under load, at a
// moment when committed mutations wait in its outbox. A new process relays them: JetStream ends
// up with exactly one event per committed mutation, in version order per customer.
import { fileURLToPath } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ManagedProcess, waitUntil } from '@hub/servers';
import { cleanup, connectNats, dataScope, hub, waitFor, type DataScope } from '@hub/testkit';
import { auditEvents } from './helpers.ts';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const CUSTOMERS = 5;
const WORKERS = 8;
/** Load before looking for a moment to kill: enough commits for the relay to be mid-stream. */
const LOAD_BEFORE_KILL_MS = 300;
const ATTEMPTS = 5;

/** The connection token Resgate would pass for a user with `customer:write`. */
const WRITER = {
  sub: 'crash-writer',
  username: 'crash-writer',
  roles: ['customer:write'],
  exp: Math.floor(Date.now() / 1000) + 3600,
  sid: null,
};

async function startProcess(scope: DataScope, output: string[]): Promise<ManagedProcess> {
  let ready = false;
  const proc = ManagedProcess.start({
    name: 'customer',
    command: process.execPath,
    args: ['--import', 'tsx', CHILD],
    env: {
      ...process.env,
      CUSTOMER_NAME: scope.name,
      OPS_PORT: '0',
      NATS_URL: hub().natsUrl,
      DATABASE_URL: scope.databaseUrl,
      REDIS_URL: scope.redisUrl,
    },
    stopSignal: 'SIGKILL', // stop() is the crash: no drain, no finally, sockets cut
    log: (_, line) => {
      if (line.trim().startsWith('READY')) ready = true;
      else output.push(line);
    },
  });
  cleanup(proc, (p) => p.stop());
  await waitUntil(
    () => Promise.resolve(ready),
    30_000,
    'customer process',
    () => proc.exitReason() ?? (output.length > 0 ? output.join('\n') : undefined),
  );
  return proc;
}

async function call(nc: NatsConnection, subject: string, params: unknown): Promise<unknown> {
  const reply = await nc.request(subject, JSON.stringify({ params, token: WRITER }), { timeout: 2000 });
  return reply.json();
}

/** Sets on random customers from `WORKERS` loops until `stop.now`; failures (after the kill) are expected. */
function load(nc: NatsConnection, rids: readonly string[], stop: { now: boolean }): Promise<void> {
  let n = 0;
  const worker = async (): Promise<void> => {
    while (!stop.now) {
      const rid = rids[n++ % rids.length] ?? '';
      await call(nc, `call.${rid}.set`, { phone: `p${String(n)}` }).catch(() => new Promise((r) => setTimeout(r, 10)));
    }
  };
  return Promise.all(Array.from({ length: WORKERS }, worker)).then(() => undefined);
}

describe('customer domain events across a real crash', () => {
  it('SIGKILL while committed events wait in the outbox: each is relayed once by the next process', { timeout: 120_000 }, async () => {
    const scope = dataScope('crash');
    const output: string[] = [];
    const nc = await connectNats();
    const db = cleanup(new pg.Client({ connectionString: scope.databaseUrl, options: `-c search_path=${scope.schema}` }), (c) => c.end());
    await db.connect();
    const outboxRows = async (): Promise<number> =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM hub_outbox')).rows[0]?.n ?? 0;

    let proc = await startProcess(scope, output);
    const rids: string[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      const r = (await call(nc, `call.${scope.name}.customers.create`, {
        name: `Crash ${String(i)}`,
        email: `crash${String(i)}@t.test`,
      })) as { resource: { rid: string } };
      rids.push(r.resource.rid);
    }

    // Kill while rows are committed but not relayed; a kill that races the relay to an empty
    // outbox proves nothing, so it is retried with a fresh process.
    let pendingAtKill = 0;
    for (let attempt = 1; attempt <= ATTEMPTS && pendingAtKill === 0; attempt++) {
      const stop = { now: false };
      const running = load(nc, rids, stop);
      await new Promise((r) => setTimeout(r, LOAD_BEFORE_KILL_MS));
      await waitFor(async () => (await outboxRows()) > 0, 'committed rows waiting in the outbox');
      await proc.stop(); // SIGKILL
      pendingAtKill = await outboxRows();
      stop.now = true;
      await running;
      proc = await startProcess(scope, output);
    }
    expect(pendingAtKill, 'the kill landed between commit and relay').toBeGreaterThan(0);

    // The new process relays what the killed one left.
    await waitFor(async () => (await outboxRows()) === 0, 'the outbox to drain');
    const rows = (await db.query<{ id: string; version: number }>('SELECT id::text, version FROM customers ORDER BY id')).rows;
    const committed = rows.length + rows.reduce((n, r) => n + r.version - 1, 0);
    const events = await auditEvents(nc, scope.name);

    expect(new Set(events.map((e) => e.event.id)).size).toBe(committed); // none lost
    expect(events).toHaveLength(committed); // none duplicated
    for (const { id, version } of rows) {
      // Commit order per customer: create, then versions 2..N with no gap.
      const mine = events.filter((e) => e.event.resourceId === id);
      expect(mine[0]?.subject).toBe(`audit.${scope.name}.customer.create`);
      expect(mine.slice(1).map((e) => (e.event.after as { version: number }).version)).toEqual(
        Array.from({ length: version - 1 }, (_, i) => i + 2),
      );
    }
  });
});
