// Several customer instances as real processes behind Resgate: one owner per resource keeps RES
// ordering (no client ever sees a version go back), a dead owner's resources move within 2 s
// without losing or repeating an acknowledged write, a frozen owner is fenced, and a rolling
// restart fails no request.
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { accessToken, connectNats, dataScope, resgateHttp, waitFor, type DataScope } from '@hub/testkit';
import { auditEvents } from './helpers.ts';
import { ownerOfRid, settled, startInstance, type Instance } from './instances.ts';
import { createCustomer, dbCustomer, storm, watch } from './storm.ts';

const WRITER = {
  sub: 'own-writer',
  username: 'own-writer',
  roles: ['customer:write', 'customer:read'],
  exp: Math.floor(Date.now() / 1000) + 3600,
  sid: null,
};

async function threeInstances(scope: DataScope): Promise<Instance[]> {
  const all = await Promise.all([startInstance(scope), startInstance(scope), startInstance(scope)]);
  await settled(
    scope,
    all.map((i) => i.id),
  );
  return all;
}

/**
 * Sets over NATS from `workers` loops with a short timeout, each with a unique phone; what was
 * acknowledged. The loops end with the test, pass or fail: a loop left running on the connection
 * the test's cleanup closed fails every request at once and, awaiting only promises, would starve
 * every timer of the worker (seen once: a failed test hung the whole file at 4.5 GB).
 */
function setLoad(nc: NatsConnection, rid: string, workers: number, stop: { now: boolean }) {
  onTestFinished(() => {
    stop.now = true;
  });
  const acked: string[] = [];
  const sent: { at: number; ok: boolean }[] = [];
  let n = 0;
  const worker = async (): Promise<void> => {
    while (!stop.now && !nc.isClosed()) {
      const phone = `k${String(n++)}`;
      const at = performance.now();
      try {
        const r = (await nc.request(`call.${rid}.set`, JSON.stringify({ params: { phone }, token: WRITER }), { timeout: 600 })).json<{
          error?: unknown;
        }>();
        const ok = r.error === undefined;
        sent.push({ at, ok });
        if (ok) acked.push(phone);
      } catch {
        sent.push({ at, ok: false });
        await new Promise((r) => setTimeout(r, 5)); // a fast failure still yields to timers
      }
    }
  };
  const done = Promise.all(Array.from({ length: workers }, worker));
  return { acked, sent, done };
}

/**
 * Holds a committed outbox row locked (FOR UPDATE) in an open transaction, as a frozen instance's
 * relay does with its batch: every relay then waits behind it. Retries if a relay took the row
 * before the lock (they poll once a second). `release` ends the transaction.
 */
async function stallRelays(scope: DataScope): Promise<{ release(): Promise<void> }> {
  const c = new pg.Client({ connectionString: scope.databaseUrl, options: `-c search_path=${scope.schema}` });
  await c.connect();
  for (let attempt = 0; attempt < 5; attempt++) {
    const ins = await c.query<{ seq: string }>(
      "INSERT INTO hub_outbox (event_id, subject, payload) VALUES (gen_random_uuid(), $1, '{}') RETURNING seq::text",
      [`audit.${scope.name}.stall.test`],
    );
    await c.query('BEGIN');
    const locked = await c.query('SELECT seq FROM hub_outbox WHERE seq = $1 FOR UPDATE', [ins.rows[0]?.seq]);
    if (locked.rowCount === 1)
      return {
        release: async () => {
          await c.query('ROLLBACK');
          await c.end();
        },
      };
    await c.query('ROLLBACK');
  }
  await c.end();
  throw new Error('could not lock an outbox row before a relay took it');
}

describe('ownership across real instances', () => {
  it(
    '400 concurrent sets through Resgate with 3 instances: no client sees a version go back, all equal Postgres after',
    { timeout: 120_000 },
    async () => {
      const scope = dataScope('own');
      await threeInstances(scope);
      await storm(scope, await accessToken('writer'), 'storm');
    },
  );

  it(
    'kill -9 of the owner mid-storm: its resources answer again within 2 s; no acknowledged write lost, none applied twice',
    { timeout: 120_000 },
    async () => {
      const scope = dataScope('own');
      const instances = await threeInstances(scope);
      const token = await accessToken('writer');
      const { rid, id } = await createCustomer(scope, token);
      const watcher = await watch(rid, token);
      const nc = await connectNats();
      const stop = { now: false };
      const load = setLoad(nc, rid, 8, stop);
      await waitFor(() => load.acked.length > 50, 'sets to flow');
      const owner = await ownerOfRid(scope, rid);
      const victim = instances.find((i) => i.id === owner);
      if (victim === undefined) throw new Error(`no instance owns ${rid}`);
      const killedAt = performance.now();
      process.kill(victim.proc.pid ?? 0, 'SIGKILL');
      await waitFor(() => load.sent.some((s) => s.at > killedAt && s.ok), 'a set sent after the kill to succeed', 10_000);
      const firstOk =
        load.sent
          .filter((s) => s.at > killedAt && s.ok)
          .map((s) => s.at)
          .sort((a, b) => a - b)[0] ?? Infinity;
      const recoveredMs = firstOk - killedAt;
      const afterRecovery = load.acked.length;
      await waitFor(() => load.acked.length > afterRecovery + 50, 'sets to flow on the new owner');
      stop.now = true;
      await load.done;
      process.stderr.write(
        `[ownership] kill -9: recovered after ${recoveredMs.toFixed(0)} ms; ${String(load.acked.length)} acknowledged sets\n`,
      );
      expect(recoveredMs).toBeLessThan(2000);
      const db = await dbCustomer(scope, id);
      // Every applied set is one update event; each phone value was written at most once.
      await waitFor(
        async () => (await auditEvents(nc, scope.name)).filter((e) => e.event.action === 'update').length === db.version - 1,
        'every update relayed',
        15_000,
      );
      const phones = (await auditEvents(nc, scope.name))
        .filter((e) => e.event.action === 'update')
        .map((e) => (e.event.after as { phone: string }).phone);
      expect(new Set(phones).size).toBe(phones.length);
      for (const p of load.acked) expect(phones).toContain(p);
      await waitFor(() => Number(watcher.model.version) === db.version, 'the client to reach Postgres');
      expect(watcher.regressions).toBe(0);
    },
  );

  it(
    'a frozen owner (SIGSTOP past its lease) is fenced: nothing it sends after SIGCONT reaches a client as a newer state',
    { timeout: 120_000 },
    async () => {
      const scope = dataScope('own');
      const instances = await threeInstances(scope);
      const token = await accessToken('writer');
      const { rid, id } = await createCustomer(scope, token);
      const watchers = await Promise.all([watch(rid, token), watch(rid, token)]);
      const nc = await connectNats();
      const stop = { now: false };
      const load = setLoad(nc, rid, 8, stop);
      await waitFor(() => load.acked.length > 50, 'sets to flow');
      const owner = await ownerOfRid(scope, rid);
      const frozen = instances.find((i) => i.id === owner);
      if (frozen === undefined) throw new Error(`no instance owns ${rid}`);
      const pid = frozen.proc.pid ?? 0;
      process.kill(pid, 'SIGSTOP');
      try {
        await waitFor(
          async () => {
            const o = await ownerOfRid(scope, rid);
            return o !== undefined && o !== frozen.id;
          },
          'another instance to take over',
          10_000,
        );
        const acked = load.acked.length;
        await waitFor(() => load.acked.length > acked + 50, 'sets to flow on the new owner');
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      const acked = load.acked.length;
      await waitFor(() => load.acked.length > acked + 50, 'sets to keep flowing after SIGCONT');
      stop.now = true;
      await load.done;
      const db = await dbCustomer(scope, id);
      for (const w of watchers)
        await waitFor(() => Number(w.model.version) === db.version && w.model.phone === db.phone, 'the client to equal Postgres');
      expect(watchers.reduce((n, w) => n + w.regressions, 0)).toBe(0);
      await waitFor(() => frozen.output.some((l) => l.includes('lease lost')), 'the frozen owner to notice it lost its lease');
    },
  );

  it(
    'kill -9 of the owner while every relay waits on a locked outbox row: the survivor takes over within 2 s and keeps renewing',
    { timeout: 120_000 },
    async () => {
      // A takeover relays the outbox before it resets; a relay stuck behind a frozen process's
      // locks must not stop the lease renewals (a tick that waited for it let every lease expire).
      const scope = dataScope('own');
      const [a, b] = await Promise.all([startInstance(scope), startInstance(scope)]);
      await settled(scope, [a.id, b.id]);
      const token = await accessToken('writer');
      const { rid } = await createCustomer(scope, token);
      const stall = await stallRelays(scope);
      try {
        const nc = await connectNats();
        const stop = { now: false };
        const load = setLoad(nc, rid, 4, stop);
        await waitFor(() => load.acked.length > 20, 'sets to flow');
        const owner = await ownerOfRid(scope, rid);
        const [victim, survivor] = owner === a.id ? [a, b] : [b, a];
        const killedAt = performance.now();
        process.kill(victim.proc.pid ?? 0, 'SIGKILL');
        await waitFor(() => load.sent.some((x) => x.at > killedAt && x.ok), 'a set sent after the kill to succeed', 10_000);
        const recoveredAt = Math.min(...load.sent.filter((x) => x.at > killedAt && x.ok).map((x) => x.at));
        // Past two lease lifetimes after the takeover: a survivor that stopped renewing fails here.
        await new Promise((r) => setTimeout(r, 3500));
        stop.now = true;
        await load.done;
        const after = load.sent.filter((x) => x.at > recoveredAt + 200);
        process.stderr.write(
          `[ownership] relay stalled, kill -9: recovered after ${(recoveredAt - killedAt).toFixed(0)} ms; ${String(after.length)} sets after, ${String(after.filter((x) => !x.ok).length)} failed\n`,
        );
        expect(recoveredAt - killedAt).toBeLessThan(2000);
        expect(after.length).toBeGreaterThan(20);
        expect(after.filter((x) => !x.ok)).toEqual([]);
        await settled(scope, [survivor.id]);
      } finally {
        await stall.release();
      }
    },
  );

  it('a rolling restart of all 3 instances under load fails no request', { timeout: 180_000 }, async () => {
    const scope = dataScope('own');
    let instances = await threeInstances(scope);
    const token = await accessToken('writer');
    const { id } = await createCustomer(scope, token);
    let failed = 0;
    let ok = 0;
    let stop = false;
    const failures: string[] = [];
    const worker = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const r =
          i % 2 === 0
            ? await resgateHttp(`/api/${scope.name}/customer/${id}`, {
                method: 'PATCH',
                json: { phone: `${String(w)}-${String(i)}` },
                token,
              })
            : await resgateHttp(`/api/${scope.name}/customers?limit=5`, { token });
        if (r.status >= 400) {
          failed++;
          failures.push(`${String(r.status)} ${JSON.stringify(r.body)}`);
        } else ok++;
      }
    };
    const workers = Promise.all([0, 1, 2, 3].map(worker));
    await waitFor(() => ok > 20, 'requests to flow');
    for (const old of [...instances]) {
      const next = await startInstance(scope);
      instances = [...instances.filter((i) => i !== old), next];
      await old.proc.stop();
      await settled(
        scope,
        instances.map((i) => i.id),
      );
      const before = ok;
      await waitFor(() => ok > before + 10, 'requests to flow after the restart');
    }
    stop = true;
    await workers;
    process.stderr.write(
      `[ownership] rolling restart: ${String(ok)} requests, ${String(failed)} failed ${failures.slice(0, 5).join(' | ')}\n`,
    );
    expect(failed).toBe(0);
  });
});
