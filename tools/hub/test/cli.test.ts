// `hub get`, `call` and `search` end to end: the real binary, signed in as the realm's dev users
// with the password grant, through Traefik and Resgate to a customer service on the test
// platform (running under a unique name, so its RIDs are `<name>.customer.<id>`).
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scopeSql, startHub } from '@hub/testkit';
import { customerService } from '../../../services/customer/src/service.ts';
import { hubUser, json, loggedIn } from './hub.ts';

const LONG = 180_000;

describe('hub login, get, call and search', () => {
  it('signs a dev user in with the password grant and keeps the tokens in a 0600 file', { timeout: LONG }, async () => {
    const h = hubUser();
    const r = await h.run(['login', 'writer', '--password-stdin'], { stdin: 'writer-pass\n' });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('signed in as writer (roles: ');
    expect(r.stdout).toContain('customer:write');
    expect(statSync(h.tokenFile).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(h.tokenFile)).mode & 0o777).toBe(0o700);
    const me = await h.run(['--json', 'whoami']);
    expect(me.code).toBe(0);
    expect(json(me) as { username: string; roles: string[] }).toMatchObject({
      username: 'writer',
      roles: expect.arrayContaining(['customer:write']) as unknown,
    });
  });

  it('creates with --field values, sets with JSON, gets and searches customers', { timeout: LONG }, async () => {
    const { scope } = await startHub(customerService);
    const svc = scope.name;
    const writer = await loggedIn('writer');
    const made = await writer.run([
      '--json',
      'call',
      `${svc}.customers`,
      'create',
      '--name',
      'Acme Ltd',
      '--email',
      'ops@acme.test',
      '--tags',
      '["vip"]',
      '--active',
      'true',
    ]);
    expect([made.code, made.stderr]).toEqual([0, '']);
    const { rid, value } = json(made) as { rid: string; value: { id: string; name: string } };
    expect(rid).toBe(`${svc}.customer.${value.id}`);
    expect(value.name).toBe('Acme Ltd');

    const set = await writer.run(['--json', 'call', rid, 'set', '{"phone":"+1 555","company":"Acme"}']);
    expect([set.code, set.stdout.trim()]).toEqual([0, 'null']);
    const [row] = await scopeSql<{ phone: string; company: string; tags: string[] }>(
      scope,
      'SELECT phone, company, tags FROM customers WHERE id = $1',
      [value.id],
    );
    expect(row).toEqual({ phone: '+1 555', company: 'Acme', tags: ['vip'] });

    const got = await writer.run(['--json', 'get', rid]);
    expect(got.code).toBe(0);
    expect(json(got)).toMatchObject({ id: value.id, name: 'Acme Ltd', email: 'ops@acme.test', phone: '+1 555' });
    const human = await writer.run(['get', rid]);
    expect(human.stdout).toContain('"phone": "+1 555"'); // indented JSON for reading

    for (const [name, tags] of [
      ['Acme Retail', '["retail"]'],
      ['Acme Wholesale', '["vip"]'],
      ['Other Co', '["vip"]'],
    ] as const) {
      const r = await writer.run([
        'call',
        `${svc}.customers`,
        'create',
        '--name',
        name,
        '--email',
        `${name.replace(' ', '.')}@t.test`,
        '--tags',
        tags,
      ]);
      expect([name, r.code]).toEqual([name, 0]);
    }
    const found = await writer.run(['--json', 'search', `${svc}.customers`, '--q', 'acme', '--tag', 'vip', '--limit', '5']);
    expect(found.code).toBe(0);
    expect((json(found) as { name: string }[]).map((c) => c.name)).toEqual(['Acme Ltd', 'Acme Wholesale']);
    const page = await writer.run(['search', `${svc}.customers`, '--q', 'acme', '--sort', 'name', '--limit', '1', '--offset', '1']);
    expect(page.stdout.trim()).toMatch(new RegExp(`^#0  ${svc}\\.customer\\.\\d+  \\{.*"name":"Acme Retail"`));
  });
});

describe('hub errors: words and exit codes', () => {
  it('says who is not allowed what, with the role the RID needs', { timeout: LONG }, async () => {
    const { scope } = await startHub(customerService);
    const svc = scope.name;
    const [writer, reader, nobody] = await Promise.all([loggedIn('writer'), loggedIn('reader'), loggedIn('nobody')]);
    const made = json(await writer.run(['--json', 'call', `${svc}.customers`, 'create', '--name', 'Ada', '--email', 'ada@t.test'])) as {
      rid: string;
      value: { id: string };
    };
    const [anonymous, viaNpx, readerSet, nobodyGet, readerJson] = await Promise.all([
      hubUser().run(['get', made.rid]),
      hubUser().run(['get', made.rid], { env: { npm_command: 'exec' } }), // as `npx hub` runs it
      reader.run(['call', made.rid, 'set', '--phone', '"1"']),
      nobody.run(['get', made.rid]),
      reader.run(['--json', 'call', made.rid, 'delete']),
    ]);
    expect([anonymous.code, anonymous.stderr.trim()]).toEqual([
      3,
      'hub: not allowed: not signed in (no token set) — run `hub login`, then try again',
    ]);
    expect(viaNpx.stderr.trim()).toBe('hub: not allowed: not signed in (no token set) — run `npx hub login`, then try again');
    expect([readerSet.code, readerSet.stderr.trim()]).toEqual([3, `hub: not allowed: needs role ${svc}:write (signed in as reader)`]);
    expect([nobodyGet.code, nobodyGet.stderr.trim()]).toEqual([3, `hub: not allowed: needs role ${svc}:read (signed in as nobody)`]);
    expect([readerJson.code, JSON.parse(readerJson.stderr)]).toEqual([
      3,
      { error: `not allowed: needs role ${svc}:write (signed in as reader)`, code: 'system.accessDenied', exitCode: 3 },
    ]);
    const [row] = await scopeSql<{ phone: string }>(scope, 'SELECT phone FROM customers WHERE id = $1', [made.value.id]);
    expect(row?.phone).toBe(''); // the refused set changed nothing
  });

  it('not found is 2, invalid params or query 4, a version conflict 6, bad usage 1, no gateway 5', { timeout: LONG }, async () => {
    const { scope } = await startHub(customerService);
    const svc = scope.name;
    const writer = await loggedIn('writer');
    const { rid } = json(await writer.run(['--json', 'call', `${svc}.customers`, 'create', '--name', 'Ada', '--email', 'ada@t.test'])) as {
      rid: string;
    };
    const runs = await Promise.all([
      writer.run(['get', `${svc}.customer.999999`]),
      writer.run(['call', rid, 'frobnicate']),
      writer.run(['call', `${svc}.customers`, 'create', '--name', 'Bad', '--email', 'not-an-email']),
      writer.run(['search', `${svc}.customers`, '--colour', 'red']),
      writer.run(['call', rid, 'set', '--version', '99', '--phone', 'x']),
      writer.run(['call', rid, 'set', '{not json']),
      writer.run(['gett', rid]),
      writer.run(['--url', 'ws://127.0.0.1:9', 'get', rid]),
    ]);
    const got = runs.map((r) => [r.code, r.stderr.split('\n')[0]]);
    expect(got).toEqual([
      [2, `hub: not found: ${svc}.customer.999999 (no such resource, or the ${svc} service is not running)`],
      [2, `hub: not found: ${rid} has no method "frobnicate"`],
      [4, 'hub: invalid params: Invalid parameters'],
      [4, 'hub: invalid query: Invalid query'],
      [6, expect.stringMatching(/^hub: conflict: .*version.* — get .* again and retry with its version$/) as unknown],
      [1, expect.stringMatching(/^hub: params are not valid JSON/) as unknown],
      [1, "error: unknown command 'gett'"],
      [5, expect.stringMatching(/^hub: unavailable: cannot connect to ws:\/\/127\.0\.0\.1:9 \(connect ECONNREFUSED/) as unknown],
    ]);
    expect(runs[2].stderr).toContain('  email: Invalid email'); // the service's issue, by field
    expect(runs[3].stderr).toContain('colour');
  });

  it('a wrong password is refused with exit 3 and nothing is saved', { timeout: LONG }, async () => {
    const h = hubUser();
    const r = await h.run(['login', 'writer', '--password-stdin'], { stdin: 'wrong\n' });
    expect([r.code, r.stderr.trim()]).toEqual([3, 'hub: login failed: Invalid user credentials']);
    expect(() => statSync(h.tokenFile)).toThrow();
  });
});
