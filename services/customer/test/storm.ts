/**
 * The ownership storm, shared by the single-server and the cluster tests: 400 concurrent HTTP sets
 * of one customer through a Resgate while 40 WebSocket clients watch it (half subscribing
 * mid-storm), each counting versions that go backwards; then every client must equal Postgres.
 */
import { expect } from 'vitest';
import { openClient, resgateHttp, scopeSql, waitFor, type DataScope, type ResModel } from '@hub/testkit';

/** Where the storm goes in: a Resgate's HTTP and WebSocket URLs (default the test platform's). */
export interface Gateway {
  readonly http?: string;
  readonly ws?: string;
}

/** A WebSocket client subscribed to the customer, counting versions that go backwards. */
export interface Watcher {
  readonly model: ResModel;
  regressions: number;
}

export async function watch(rid: string, token: string, gw: Gateway = {}): Promise<Watcher> {
  const client = await openClient({ token, ...(gw.ws === undefined ? {} : { url: gw.ws }) });
  const model = (await client.get(rid)) as ResModel;
  const w: Watcher = { model, regressions: 0 };
  let last = Number(model.version);
  model.on('change', () => {
    const v = Number(model.version);
    if (v < last) w.regressions++;
    last = v;
  });
  return w;
}

const base = (gw: Gateway) => (gw.http === undefined ? {} : { base: gw.http });

export async function createCustomer(scope: DataScope, token: string, gw: Gateway = {}): Promise<{ rid: string; id: string }> {
  const post = await resgateHttp(`/api/${scope.name}/customers/create`, {
    method: 'POST',
    json: { name: 'Storm', email: 'storm@t.test' },
    token,
    ...base(gw),
  });
  expect(post.status).toBe(200);
  const id = (post.headers.get('location') ?? '').split('/').pop() ?? '';
  return { rid: `${scope.name}.customer.${id}`, id };
}

/** The customer as Postgres has it. */
export async function dbCustomer(scope: DataScope, id: string): Promise<{ name: string; version: number; phone: string }> {
  const [row] = await scopeSql<{ name: string; version: number; phone: string }>(
    scope,
    'SELECT name, version, phone FROM customers WHERE id = $1',
    [id],
  );
  if (!row) throw new Error('customer gone');
  return row;
}

/** Runs the storm and asserts it: every set 204, no regression, every client on Postgres' state within 1 s. */
export async function storm(scope: DataScope, token: string, label: string, gw: Gateway = {}): Promise<void> {
  const { rid, id } = await createCustomer(scope, token, gw);
  const watchers = await Promise.all(Array.from({ length: 20 }, () => watch(rid, token, gw)));
  let replied = 0;
  const late: Promise<Watcher>[] = [];
  const sets = Array.from({ length: 400 }, async (_, i) => {
    const r = await resgateHttp(`/api/${scope.name}/customer/${id}`, {
      method: 'PATCH',
      json: { name: `n${String(i)}` },
      token,
      ...base(gw),
    });
    if (++replied === 100) for (let k = 0; k < 20; k++) late.push(watch(rid, token, gw)); // half subscribe mid-storm
    return r.status;
  });
  const statuses = await Promise.all(sets);
  const lastReply = performance.now();
  expect(statuses.filter((s) => s !== 204)).toEqual([]);
  watchers.push(...(await Promise.all(late)));
  const db = await dbCustomer(scope, id);
  expect(db.version).toBe(401);
  await waitFor(
    () => watchers.every((w) => Number(w.model.version) === db.version && w.model.name === db.name),
    'every client to equal Postgres',
    2000,
  );
  const convergedMs = performance.now() - lastReply;
  const regressions = watchers.reduce((n, w) => n + w.regressions, 0);
  process.stderr.write(
    `[ownership] ${label}: 40 clients converged ${convergedMs.toFixed(0)} ms after the last reply, ${String(regressions)} regressions\n`,
  );
  expect(regressions).toBe(0);
  expect(convergedMs).toBeLessThan(1000);
}
