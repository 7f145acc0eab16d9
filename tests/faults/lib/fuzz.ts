/**
 * Malformed RES requests, generated from a seed (a failing run can be replayed): bad subjects,
 * truncated and oversized JSON, members of the wrong type, huge tokens, invalid RIDs, queries and
 * methods, garbage bytes, deep nesting — for the services a drill names. Subjects stay valid NATS
 * subjects (NATS itself refuses the rest before any service could see them) and fit NATS's
 * control line (4 KiB by default: a longer PUB line makes the server close the sender's connection,
 * losing the requests in flight on it — no service ever sees such a subject).
 */

import { createHmac } from 'node:crypto';

/** A small fast PRNG (mulberry32): the same seed gives the same requests. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface FuzzTarget {
  /** Service name (RID prefix). */
  readonly name: string;
  /** Valid resource names of the service (`<name>.customer.1`, `<name>.customers`). */
  readonly rids: readonly string[];
  /** Methods it has (calls) and auth methods. */
  readonly methods: readonly string[];
  readonly authMethods: readonly string[];
}

export interface FuzzRequest {
  readonly category: string;
  readonly subject: string;
  readonly payload: string | Uint8Array;
}

const OVERSIZED_BYTES = 600 * 1024;
/** A long subject token; two of them and the rest of the PUB line stay within NATS's 4 KiB control line. */
const LONG_TOKEN_CHARS = 1500;

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

/**
 * A token no realm signed, built by hand: `alg: none`, HS256 (the algorithm-confusion attack, keyed
 * with a guessable secret), RS256 with a made-up signature or key id, claims granting admin. The
 * issuer and audience are the service's own, so only the signature check can refuse them.
 */
export function forgedToken(rnd: () => number, issuer: string): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: issuer,
    aud: 'hub-api',
    sub: 'forger',
    typ: 'Bearer',
    exp: now + 3600,
    iat: now,
    realm_access: { roles: ['admin', 'customer:read', 'customer:write'] },
  };
  const kind = Math.floor(rnd() * 4);
  if (kind === 0) return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
  if (kind === 1) {
    const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
    return `${head}.${createHmac('sha256', 'secret').update(head).digest('base64url')}`;
  }
  const sig = Buffer.from(Array.from({ length: 256 }, () => Math.floor(rnd() * 256))).toString('base64url');
  return `${b64({ alg: 'RS256', typ: 'JWT', kid: kind === 2 ? 'forged-key' : 'x'.repeat(40) })}.${b64(claims)}.${sig}`;
}

export interface FuzzOptions {
  /** The issuer the identity targets pin (forged tokens carry it). */
  readonly issuer: string;
}

/**
 * `count` requests, made one at a time as they are taken: the whole set would hold ~200 MB of huge
 * tokens and oversized bodies, and collecting that stalls the sender past NATS's ping deadline.
 */
export function* fuzzRequests(targets: readonly FuzzTarget[], count: number, seed: number, o: FuzzOptions): Generator<FuzzRequest> {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const int = (n: number) => Math.floor(rnd() * n);
  const junk = (n: number) =>
    Array.from({ length: n }, () => String.fromCharCode(33 + int(94)))
      .join('')
      .replace(/[.*>\s]/g, 'x');
  const badToken = () =>
    pick([
      'é',
      'a?b',
      'x=1',
      '%ZZ',
      '$sys',
      'ω'.repeat(50),
      'y'.repeat(LONG_TOKEN_CHARS),
      '-1',
      '99999999999999999999',
      '0x1f',
      'null',
      junk(8),
    ]);
  const wrongType = () => pick<unknown>(['str', 42, -1.5, true, null, [1, 2], [], { a: { b: [1] } }, '']);
  const good = (_t: FuzzTarget) => ({ params: {}, token: { sub: 'fuzz', roles: ['customer:read', 'customer:write'], exp: 4_102_444_800 } });
  const generators: [string, (t: FuzzTarget) => FuzzRequest][] = [
    [
      'bad subject',
      (t) => ({
        category: 'bad subject',
        subject: `${pick(['get', 'call', 'access', 'auth'])}.${t.name}.${badToken()}${rnd() < 0.5 ? `.${badToken()}` : ''}`,
        payload: '{}',
      }),
    ],
    [
      'unknown method',
      (t) => ({ category: 'unknown method', subject: `call.${pick(t.rids)}.${junk(6)}`, payload: JSON.stringify(good(t)) }),
    ],
    [
      'invalid rid',
      (t) => ({
        category: 'invalid rid',
        subject: `${pick(['get', 'access'])}.${t.name}.${pick(['customer', 'book', 'user', 'customers', 'books'])}.${badToken()}`,
        payload: '{}',
      }),
    ],
    [
      'truncated json',
      (t) => {
        const full = JSON.stringify({
          params: { name: 'x'.repeat(int(50)), email: 'a@b.c', tags: ['v'] },
          token: good(t).token,
          cid: 'c1',
          query: 'q=a',
        });
        return {
          category: 'truncated json',
          subject: `call.${pick(t.rids)}.${pick(t.methods)}`,
          payload: full.slice(0, 1 + int(full.length - 2)),
        };
      },
    ],
    [
      'garbage bytes',
      (t) => ({
        category: 'garbage bytes',
        subject: `${pick(['get', 'call', 'access'])}.${pick(t.rids)}${rnd() < 0.5 ? `.${pick(t.methods)}` : ''}`,
        payload: Uint8Array.from({ length: 1 + int(300) }, () => int(256)),
      }),
    ],
    [
      'wrong types',
      (t) => {
        const member = pick(['params', 'token', 'cid', 'query', 'isHttp', 'header', 'host', 'uri', 'remoteAddr']);
        const body: Record<string, unknown> = { ...good(t), [member]: wrongType() };
        const type = pick(['get', 'call', 'access']);
        return {
          category: 'wrong types',
          subject: `${type}.${pick(t.rids)}${type === 'call' ? `.${pick(t.methods)}` : ''}`,
          payload: JSON.stringify(body),
        };
      },
    ],
    [
      'bad params',
      (t) => ({
        category: 'bad params',
        subject: `call.${pick(t.rids)}.${pick(t.methods)}`,
        payload: JSON.stringify({
          ...good(t),
          params: {
            name: wrongType(),
            email: pick(['not-an-email', '', 'a@'.repeat(200), 7]),
            tags: wrongType(),
            version: wrongType(),
            title: wrongType(),
            [junk(5)]: 1,
          },
        }),
      }),
    ],
    [
      'huge token',
      (t) => ({
        category: 'huge token',
        subject: `${pick(['get', 'call', 'access'])}.${pick(t.rids)}${rnd() < 0.5 ? `.${pick(t.methods)}` : ''}`,
        payload: JSON.stringify({
          params: {},
          token:
            rnd() < 0.5
              ? 'e'.repeat(100_000 + int(100_000))
              : { sub: 's'.repeat(100_000), roles: Array.from({ length: 5000 }, () => 'customer:read') },
        }),
      }),
    ],
    [
      'invalid query',
      (t) => ({
        category: 'invalid query',
        subject: `get.${pick(t.rids)}`,
        payload: JSON.stringify({
          token: good(t).token,
          query: pick([
            'q=%ZZ',
            'limit=abc',
            'limit=-5',
            'limit=100000',
            'offset=1e99',
            'sort=evil;drop',
            'sort=-',
            'active=maybe',
            'x=1&x=2',
            'q=' + 'a'.repeat(20_000),
            'tag=',
            '&&&',
            '=',
            'q=a&q=b',
            junk(30),
          ]),
        }),
      }),
    ],
    [
      'auth garbage',
      (t) => ({
        category: 'auth garbage',
        subject: `auth.${t.name}.${pick([...t.authMethods, junk(4)])}`,
        payload: JSON.stringify({
          cid: pick(['c1', 'x'.repeat(300), 'é']),
          params: pick<unknown>([{ token: pick(['a.b.c', 'eyJ' + junk(200), 'x'.repeat(20_000), 42]) }, null, 'str', {}]),
          header: pick<unknown>([
            { Authorization: [pick(['Bearer', 'Bearer ' + 'x'.repeat(40_000), 'Basic Zm9vOmJhcg==', 'Bearer a.b.c'])] },
            { Cookie: ['hub_access_token=' + junk(50)] },
            {},
          ]),
          isHttp: rnd() < 0.5,
        }),
      }),
    ],
    [
      'forged token',
      (t) => {
        const idp = targets.find((x) => x.authMethods.includes('login')) ?? t;
        const jwt = forgedToken(rnd, o.issuer);
        return rnd() < 0.5
          ? { category: 'forged token', subject: `auth.${idp.name}.login`, payload: JSON.stringify({ cid: 'c1', params: { token: jwt } }) }
          : {
              category: 'forged token',
              subject: `auth.${idp.name}.header`,
              payload: JSON.stringify({ cid: 'c1', header: { Authorization: [`Bearer ${jwt}`] }, isHttp: true }),
            };
      },
    ],
    [
      'deep nesting',
      (t) => ({
        category: 'deep nesting',
        subject: `call.${pick(t.rids)}.${pick(t.methods)}`,
        payload: `{"params":${'['.repeat(100 + int(50_000))}`,
      }),
    ],
    [
      'oversized',
      (t) => ({
        category: 'oversized',
        subject: `call.${pick(t.rids)}.${pick(t.methods)}`,
        payload: JSON.stringify({ params: { name: 'o'.repeat(OVERSIZED_BYTES) } }),
      }),
    ],
  ];
  for (let i = 0; i < count; i++) {
    // Oversized ones are 1 in 100 (each is 600 KiB on the wire); the rest evenly.
    const g = rnd() < 0.01 ? generators[generators.length - 1] : pick(generators.slice(0, -1));
    if (g !== undefined) yield g[1](pick(targets));
  }
}
