// `hub watch` end to end: the real binary prints the resource, then each change another client
// makes (a resclient of the test, a REST call), as it happens; Ctrl-C ends it with exit 0, and a
// logout elsewhere ends it with exit 3 once the gateway drops the subscription.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { accessToken, createTestClient, openClient, resgateHttp, startHub, waitFor } from '@hub/testkit';
import { customerService } from '../../../services/customer/src/service.ts';
import { hubUser, loggedIn, type Running } from './hub.ts';

const LONG = 180_000;

interface Event {
  event: string;
  rid: string;
  idx?: number;
  itemRid?: string;
  values?: Record<string, unknown>;
  value?: unknown;
}

const events = (w: Running): Event[] => w.stdout.map((l) => JSON.parse(l) as Event);

async function create(svc: string, name: string): Promise<string> {
  const r = await resgateHttp(`/api/${svc}/customers/create`, {
    method: 'POST',
    json: { name, email: `${name.replace(/\W/g, '')}@t.test` },
    token: await accessToken('writer'),
  });
  expect(r.status).toBe(200);
  const location = r.headers.get('location') ?? '';
  return `${svc}.customer.${location.slice(location.lastIndexOf('/') + 1)}`;
}

describe('hub watch', () => {
  it('prints a customer, then a change made by another client, until Ctrl-C', { timeout: LONG }, async () => {
    const { scope } = await startHub(customerService);
    const rid = await create(scope.name, 'Ada Lovelace');
    const writer = await loggedIn('writer');
    const w = writer.start(['--json', 'watch', rid]);
    await w.line((l) => l.includes('"event":"value"'), 'the first value');
    expect(events(w)[0]).toMatchObject({ event: 'value', rid, value: { name: 'Ada Lovelace', phone: '' } });

    const other = await openClient({ token: await accessToken('writer') });
    await other.call(rid, 'set', { phone: '+44 20 7946 0000' });
    await w.line((l) => l.includes('"event":"change"'), 'the change');
    expect(events(w)[1]).toMatchObject({ event: 'change', rid, values: { phone: '+44 20 7946 0000', version: 2 } });

    w.proc.kill('SIGINT');
    expect(await w.exited).toBe(0);
  });

  it('prints a change for reading: time, event, RID and the changed fields', { timeout: LONG }, async () => {
    const { scope } = await startHub(customerService);
    const rid = await create(scope.name, 'Grace Hopper');
    const w = (await loggedIn('reader')).start(['watch', rid]);
    await w.errLine((l) => l.startsWith(`watching ${rid}`), 'the watching note');
    expect(w.stdout.slice(0, 2)).toEqual([rid, '{']);
    await resgateHttp(`/api/${scope.name}/customer/${rid.split('.').at(-1) ?? ''}`, {
      method: 'PATCH',
      json: { company: 'Navy' },
      token: await accessToken('writer'),
    });
    const line = await w.line((l) => l.includes(' change '), 'the change line');
    expect(line).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d  change  ${rid.replace(/\./g, '\\.')}  company: "Navy"  `));
    w.proc.kill('SIGINT');
    expect(await w.exited).toBe(0);
  });

  it('shows a search collection’s adds and removes with their indices, and its items’ changes', { timeout: LONG }, async () => {
    const { scope } = await startHub(customerService);
    const svc = scope.name;
    const first = await create(svc, 'Zed Beta');
    const w = (await loggedIn('writer')).start(['--json', 'watch', `${svc}.customers?q=zed`]);
    await w.line((l) => l.includes('"event":"value"'), 'the first value');
    const other = await openClient({ token: await accessToken('writer') });

    const alpha = await create(svc, 'Zed Alpha'); // sorted by name: before Beta
    await w.line((l) => l.includes('"event":"add"'), 'the add');
    await other.call(first, 'set', { company: 'Zed Co' });
    await w.line((l) => l.includes('"event":"change"'), 'the item change');
    await other.call(alpha, 'delete');
    await w.line((l) => l.includes('"event":"remove"'), 'the remove');

    const seen = events(w).map((e) => [e.event, e.rid, e.idx, e.itemRid, e.values?.company]);
    expect(seen).toEqual([
      ['value', `${svc}.customers?q=zed`, undefined, undefined, undefined],
      ['add', `${svc}.customers?q=zed`, 0, alpha, undefined],
      ['change', first, undefined, undefined, 'Zed Co'],
      ['remove', `${svc}.customers?q=zed`, 0, alpha, undefined],
    ]);
    w.proc.kill('SIGINT');
    expect(await w.exited).toBe(0);
  });

  it('ends with exit 3 when the user signs out elsewhere (the gateway drops the subscription)', { timeout: LONG }, async () => {
    const { scope } = await startHub(customerService);
    const rid = await create(scope.name, 'Alan Turing');
    const writer = await loggedIn('writer');
    const w = writer.start(['watch', rid]);
    await w.errLine((l) => l.startsWith('watching'), 'the watching note');
    const out = await writer.run(['logout']);
    expect(out.code).toBe(0);
    expect(await w.exited).toBe(3);
    expect(w.stderr.at(-1)).toBe(`hub: access to ${rid} ended (signed out, token expired, or a role removed)`);
  });

  it('outlives its access token: refreshes before expiry and signs the connection in again', { timeout: LONG }, async () => {
    // A client whose access tokens live 40 s: the watch must refresh after 10 s (30 s margin).
    const clientId = await createTestClient({ accessTokenLifespanS: 40 });
    const { scope } = await startHub(customerService);
    const rid = await create(scope.name, 'Barbara Liskov');
    const h = hubUser();
    expect((await h.run(['--client', clientId, 'login', 'writer', '--password-stdin'], { stdin: 'writer-pass' })).code).toBe(0);
    const first = JSON.parse(readFileSync(h.tokenFile, 'utf8')) as { accessToken: string; expiresAt: number };
    const w = h.start(['--json', 'watch', rid]);
    await w.line((l) => l.includes('"event":"value"'), 'the first value');
    const token = () => (JSON.parse(readFileSync(h.tokenFile, 'utf8')) as { accessToken: string }).accessToken;
    await waitFor(() => token() !== first.accessToken, 'the watch to refresh and save the token', 60_000);
    // Past the first token's expiry the identity service would have reset the connection's
    // token (and the gateway unsubscribed us) had the watch not signed in again.
    await waitFor(() => Date.now() > first.expiresAt + 2000, 'the first token to expire', 60_000);
    const other = await openClient({ token: await accessToken('writer') });
    await other.call(rid, 'set', { phone: 'after expiry' });
    await w.line((l) => l.includes('after expiry'), 'the change after the first token expired');
    expect(w.proc.exitCode).toBe(null);
    w.proc.kill('SIGINT');
    expect(await w.exited).toBe(0);
  });
});
