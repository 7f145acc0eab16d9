// Request subjects and payloads: malformed input gets the right error, unknown fields are ignored.
import { describe, expect, it } from 'vitest';
import { ResError } from '../src/errors.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan, parseEnvelope, parseSubject } from '../src/envelope.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return e instanceof ResError ? e.code : 'not a ResError';
  }
};

describe('parseSubject', () => {
  it('splits type, resource name and method', () => {
    expect(parseSubject('get.library.book.1')).toEqual({ type: 'get', rname: 'library.book.1', method: undefined });
    expect(parseSubject('access.library.books')).toEqual({ type: 'access', rname: 'library.books', method: undefined });
    expect(parseSubject('call.library.book.1.set')).toEqual({ type: 'call', rname: 'library.book.1', method: 'set' });
    expect(parseSubject('auth.library.login')).toEqual({ type: 'auth', rname: 'library', method: 'login' });
  });

  it('returns null for anything that is not a RES request subject', () => {
    for (const s of ['get', 'call.library', 'event.library.x.change', 'get.library.bö', 'get.library.a?b', 'get..x']) {
      expect(parseSubject(s)).toBeNull();
    }
  });
});

describe('parseEnvelope', () => {
  it('treats an empty payload as no members', () => {
    expect(parseEnvelope(new Uint8Array())).toMatchObject({ params: undefined, token: null, query: undefined, isHttp: false });
  });

  it('reads the members and ignores unknown ones', () => {
    const e = parseEnvelope(
      enc('{"params":{"a":1},"token":{"u":1},"cid":"c1","isHttp":true,"query":"x=1","future":42,"header":{"A":["b"]}}'),
    );
    expect(e).toMatchObject({ params: { a: 1 }, token: { u: 1 }, cid: 'c1', isHttp: true, query: 'x=1', header: { A: ['b'] } });
  });

  it('reads a null token as null', () => {
    expect(parseEnvelope(enc('{"token":null}')).token).toBeNull();
  });

  it('answers malformed payloads with invalidParams / invalidQuery', () => {
    expect(codeOf(() => parseEnvelope(enc('not json')))).toBe('system.invalidParams');
    expect(codeOf(() => parseEnvelope(enc('[1,2]')))).toBe('system.invalidParams');
    expect(codeOf(() => parseEnvelope(enc('null')))).toBe('system.invalidParams');
    expect(codeOf(() => parseEnvelope(new Uint8Array([0xff, 0xfe])))).toBe('system.invalidParams');
    expect(codeOf(() => parseEnvelope(enc('{"cid":5}')))).toBe('system.invalidParams');
    // A cid names the subject of its token event: one that is no subject token is forged.
    for (const cid of ['é', 'a.b', 'c>', '', 'x y'])
      expect(codeOf(() => parseEnvelope(enc(JSON.stringify({ cid }))))).toBe('system.invalidParams');
    expect(codeOf(() => parseEnvelope(enc('{"isHttp":"yes"}')))).toBe('system.invalidParams');
    expect(codeOf(() => parseEnvelope(enc('{"header":{"A":"b"}}')))).toBe('system.invalidParams');
    expect(codeOf(() => parseEnvelope(enc('{"query":5}')))).toBe('system.invalidQuery');
  });

  it('parses a 1 MB params payload without trouble', () => {
    const big = JSON.stringify({ params: { blob: 'x'.repeat(1024 * 1024) } });
    expect((parseEnvelope(enc(big)).params as { blob: string }).blob).toHaveLength(1024 * 1024);
  });
});

describe('nesting depth', () => {
  const nested = (levels: number) => `{"params":${'['.repeat(levels)}${']'.repeat(levels)}}`;

  it('refuses a payload nested deeper than MAX_JSON_DEPTH before parsing it', () => {
    // Intent: 64 levels are parsed (the envelope counts as one); 65, or 100,000, are invalidParams.
    expect(parseEnvelope(enc(nested(MAX_JSON_DEPTH - 1))).params).toBeInstanceOf(Array);
    expect(codeOf(() => parseEnvelope(enc(nested(MAX_JSON_DEPTH))))).toBe('system.invalidParams');
    expect(codeOf(() => parseEnvelope(enc(nested(100_000))))).toBe('system.invalidParams');
    // Unbalanced (truncated) deep input is refused the same way.
    expect(codeOf(() => parseEnvelope(enc(`{"params":${'{"a":'.repeat(1000)}`)))).toBe('system.invalidParams');
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const inString = enc(`{"params":{"title":"${'[{'.repeat(200)}\\"${'[['.repeat(100)}"}}`);
    expect(nestsDeeperThan(inString, 3)).toBe(false);
    expect(parseEnvelope(inString).params).toEqual({ title: `${'[{'.repeat(200)}"${'[['.repeat(100)}` });
    expect(nestsDeeperThan(enc('[[["]"]]]'), 2)).toBe(true);
  });
});
