/**
 * The Swarm stack, deployed by scripts/stack/test-stack.sh, exercised as a user would from outside:
 * only through Traefik's host-mode ports. Phases run in order and each prints its time.
 * Known and accepted here: two customer replicas may reorder one resource's change events until
 * the SDK's cross-instance ownership lands; the tests only wait for the change they made.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextEvent, openClient, type ResModel } from '@hub/testkit';
import { z } from '@hub/res';
import { containersOf, docker, ready, stackStates, type ServiceState } from './docker.ts';
import { AUDIENCE_MAPPER, idOf, keycloakAdmin, type Admin } from './keycloak.ts';

const env = z.object({
  HUB_STACK_NAME: z.string().min(1),
  HUB_STACK_URL: z.url(),
  HUB_STACK_ADMIN_URL: z.url(),
  HUB_STACK_SECRETS: z.string().min(1),
}).parse(process.env);
const STACK = env.HUB_STACK_NAME;
const URL_ = env.HUB_STACK_URL;
const WS = URL_.replace(/^http/, 'ws');
const POLL_MS = 2000;
const READY_TIMEOUT_MS = 12 * 60_000;
/** The realm's access tokens live 300 s. */
const TOKEN_REFRESH_MS = 200_000;

let phaseStart = Date.now();
function phaseDone(name: string): void {
  process.stderr.write(`==> [stack.e2e] ${name}: ${((Date.now() - phaseStart) / 1000).toFixed(1)} s\n`);
  phaseStart = Date.now();
}

/** Polls `probe` every POLL_MS until it returns a truthy value (a state of the cluster, not a timer). */
async function until<T>(probe: () => Promise<T>, what: string, timeoutMs: number, progress?: (last: T) => string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  let lastReport = Date.now();
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} not reached in ${String(timeoutMs / 1000)} s; last: ${last === undefined ? String(lastError) : (progress?.(last) ?? JSON.stringify(last))}`);
    if (progress && last !== undefined && Date.now() - lastReport > 20_000) {
      process.stderr.write(`    waiting for ${what}: ${progress(last)}\n`);
      lastReport = Date.now();
    }
    await delay(POLL_MS);
  }
}

const describeStates = (states: ServiceState[]): string =>
  states.filter((s) => !ready(s)).map((s) => `${s.name} ${s.replicas} healthy=${String(s.healthy)}`).join(', ') || '(none listed yet)';

async function http(path: string, init: RequestInit & { token?: string; json?: unknown } = {}): Promise<{ status: number; headers: Headers; body: unknown }> {
  const headers = new Headers(init.headers);
  if (init.token !== undefined) headers.set('authorization', `Bearer ${init.token}`);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  const res = await fetch(`${URL_}${path}`, { ...init, headers, body: init.json === undefined ? init.body : JSON.stringify(init.json), signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  let body: unknown;
  try { body = text === '' ? undefined : JSON.parse(text); } catch { body = text; }
  return { status: res.status, headers: res.headers, body };
}

describe(`the deployed stack '${STACK}'`, () => {
  let admin: Admin;
  let token: string;
  /** A new access token of the test user (they live five minutes; the rolling update may take longer). */
  let signIn: () => Promise<string>;
  let testClientId: string | undefined;
  let customerPath: string;

  beforeAll(async () => {
    let seen: ServiceState[] = [];
    await until(async () => {
      seen = await stackStates(STACK);
      return seen.length > 0 && seen.every(ready);
    }, 'every service ready (replicas running and healthy, jobs completed)', READY_TIMEOUT_MS, () => describeStates(seen));
    phaseDone('all replicas healthy');
  }, READY_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    // The test-only grant goes away again, and with it every password-grant client.
    if (testClientId === undefined) return;
    await admin.call('DELETE', `/servicehub/clients/${testClientId}`);
    const clients = (await admin.call('GET', '/servicehub/clients')).body as { clientId: string; directAccessGrantsEnabled?: boolean }[];
    expect(clients.filter((c) => c.directAccessGrantsEnabled === true).map((c) => c.clientId)).toEqual([]);
  });

  it('replicates the AUDIT stream on all three NATS nodes', async () => {
    // Intent: JetStream R3 — the job (or the services, raised by the job) made AUDIT three replicas.
    const [nats] = await containersOf(STACK, 'nats-1');
    const jsz = await until(async () => {
      const out = await docker('exec', nats ?? '', 'wget', '-q', '-O', '-', 'http://127.0.0.1:8222/jsz?streams=true&config=true');
      const parsed = JSON.parse(out) as { account_details?: { stream_detail?: { name: string; config?: { num_replicas?: number }; cluster?: { replicas?: unknown[] } }[] }[] };
      return parsed.account_details?.flatMap((a) => a.stream_detail ?? []).find((s) => s.name === 'AUDIT');
    }, 'the AUDIT stream', 60_000);
    expect(jsz.config?.num_replicas).toBe(3);
    expect(jsz.cluster?.replicas).toHaveLength(2); // the leader plus two followers
    phaseDone('JetStream R3');
  });

  it('creates a user with the admin secret and signs in as that user (a test-only grant, removed after)', async () => {
    admin = await keycloakAdmin(env.HUB_STACK_ADMIN_URL, readFileSync(join(env.HUB_STACK_SECRETS, 'keycloak_admin_password'), 'utf8'));
    // The production realm has no password-grant client; this test adds one and removes it.
    const clients = (await admin.call('GET', '/servicehub/clients')).body as { clientId: string; directAccessGrantsEnabled?: boolean }[];
    expect(clients.filter((c) => c.directAccessGrantsEnabled === true).map((c) => c.clientId)).toEqual([]);
    const clientId = `stack-test-${String(Date.now())}`;
    testClientId = idOf((await admin.call('POST', '/servicehub/clients', {
      clientId, enabled: true, publicClient: true, directAccessGrantsEnabled: true, standardFlowEnabled: false, protocolMappers: [AUDIENCE_MAPPER],
    })).location);
    const username = `operator${String(Date.now())}`;
    const password = `pw-${String(Math.random()).slice(2)}`;
    const userId = idOf((await admin.call('POST', '/servicehub/users', {
      username, enabled: true, emailVerified: true, firstName: 'Stack', lastName: 'Test', email: `${username}@stack.test`,
      credentials: [{ type: 'password', value: password, temporary: false }],
    })).location);
    const roles = await Promise.all(['customer:read', 'customer:write'].map(async (r) => (await admin.call('GET', `/servicehub/roles/${encodeURIComponent(r)}`)).body));
    await admin.call('POST', `/servicehub/users/${userId}/role-mappings/realm`, roles);
    signIn = async () => {
      const res = await fetch(`${URL_}/realms/servicehub/protocol/openid-connect/token`, {
        method: 'POST', body: new URLSearchParams({ grant_type: 'password', client_id: clientId, username, password, scope: 'openid' }), signal: AbortSignal.timeout(30_000),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { access_token: string }).access_token;
    };
    token = await signIn();
    phaseDone('Keycloak user + sign-in');
  });

  it('creates and reads a customer through Traefik → Resgate → customer → Postgres', async () => {
    const post = await http('/api/customer/customers/create', { method: 'POST', token, json: { name: 'Swarm Ltd', email: 'ops@swarm.test', tags: ['stack'] } });
    expect(post.status).toBe(200);
    customerPath = `/api/customer/customer/${idOf(post.headers.get('location'))}`;
    expect((await http(customerPath, { token })).body).toMatchObject({ name: 'Swarm Ltd', email: 'ops@swarm.test' });
    expect((await http(customerPath)).status).toBe(401); // no token: identity's header auth says no
    phaseDone('customer create + read');
  });

  it('sends the change event to a WebSocket subscriber through Traefik', async () => {
    const client = await openClient({ url: WS, token });
    const rid = customerPath.replace('/api/', '').replaceAll('/', '.');
    const model = (await client.get(rid)) as ResModel;
    const changed = nextEvent<Record<string, unknown>>(model, 'change', () => model.phone === '+1 555 0100', 30_000);
    expect((await http(customerPath, { method: 'PATCH', token, json: { phone: '+1 555 0100' } })).status).toBe(204);
    await changed;
    expect(model.phone).toBe('+1 555 0100');
    phaseDone('change event on WebSocket');
  });

  it('keeps answering when one customer replica is killed', async () => {
    const [victim] = await containersOf(STACK, 'customer');
    await docker('kill', victim ?? '');
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await http(customerPath, { token })).status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    await until(async () => (await stackStates(STACK)).filter((s) => s.name === `${STACK}_customer`).every(ready), 'customer back to 2 healthy replicas', 180_000);
    phaseDone('replica killed, requests answered, replica replaced');
  });

  it('rolls customer to a new spec with zero failed requests', async () => {
    const rolling = { done: false };
    const failures: string[] = [];
    let requests = 0;
    token = await signIn();
    let signedInAt = Date.now();
    const load = (async () => {
      let n = 0;
      // Bounded: a broken path fails fast, and the test should say so, not spin.
      while (!rolling.done && failures.length < 20) {
        n += 1;
        if (Date.now() - signedInAt > TOKEN_REFRESH_MS) {
          token = await signIn();
          signedInAt = Date.now();
        }
        const get = await http(customerPath, { token }).catch((e: unknown) => ({ status: 0, body: String(e), headers: new Headers() }));
        const set = await http(customerPath, { method: 'PATCH', token, json: { company: `roll ${String(n)}` } }).catch((e: unknown) => ({ status: 0, body: String(e), headers: new Headers() }));
        requests += 2;
        if (get.status !== 200) failures.push(`GET ${String(get.status)} ${JSON.stringify(get.body)}`);
        if (set.status !== 204) failures.push(`PATCH ${String(set.status)} ${JSON.stringify(set.body)}`);
      }
    })();
    const service = `${STACK}_customer`;
    let state: string | undefined;
    try {
      await docker('service', 'update', '--detach', '--quiet', '--env-add', `HUB_ROLLED_AT=${String(Date.now())}`, service);
      // Done when Swarm says so: every task replaced, healthy, and past update_config.monitor.
      state = await until(async () => {
        const s = (JSON.parse(await docker('service', 'inspect', service, '--format', '{{json .UpdateStatus}}')) as { State?: string } | null)?.State;
        return s !== undefined && s !== 'updating' ? s : undefined;
      }, 'the rolling update of customer to finish', 8 * 60_000);
    } finally {
      rolling.done = true;
      await load;
    }
    expect(state).toBe('completed');
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(20);
    process.stderr.write(`    ${String(requests)} requests during the rolling update, ${String(failures.length)} failed\n`);
    phaseDone('rolling update');
  });
});
