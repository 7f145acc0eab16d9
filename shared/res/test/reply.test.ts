// Reply encoding: exactly one of result/resource/error, meta only when given, pre-responses.
import { describe, expect, it } from 'vitest';
import { accessOutcome } from '../src/execute.ts';
import { ResError } from '../src/errors.ts';
import { accessCallList, canonicalHeaderKey, encodePreResponse, encodeReply } from '../src/reply.ts';

const decode = (s: string): unknown => JSON.parse(s);

describe('encodeReply', () => {
  it('encodes a void call as {"result":null}, never {}', () => {
    expect(encodeReply({ kind: 'result', result: undefined })).toBe('{"result":null}');
    expect(encodeReply({ kind: 'result', result: null })).toBe('{"result":null}');
  });

  it('encodes results, resource responses and errors', () => {
    expect(decode(encodeReply({ kind: 'result', result: { a: [1] } }))).toEqual({ result: { a: [1] } });
    expect(decode(encodeReply({ kind: 'resource', rid: 'library.book.4' }))).toEqual({ resource: { rid: 'library.book.4' } });
    expect(decode(encodeReply({ kind: 'error', error: ResError.notFound().toErrorObject() }))).toEqual({
      error: { code: 'system.notFound', message: 'Not found' },
    });
  });

  it('encodes get results with query only for query resources', () => {
    expect(decode(encodeReply({ kind: 'model', model: { a: 1 } }))).toEqual({ result: { model: { a: 1 } } });
    expect(decode(encodeReply({ kind: 'collection', collection: [1], query: 'limit=5' }))).toEqual({
      result: { collection: [1], query: 'limit=5' },
    });
    expect(decode(encodeReply({ kind: 'collection', collection: [], query: '' }))).toEqual({ result: { collection: [], query: '' } });
  });

  it('adds meta only when it has content', () => {
    expect(decode(encodeReply({ kind: 'result', result: 1 }, { status: 302, header: { Location: ['/x'] } }))).toEqual({
      result: 1,
      meta: { status: 302, header: { Location: ['/x'] } },
    });
    expect(encodeReply({ kind: 'result', result: 1 }, { header: {} })).toBe('{"result":1}');
  });

  it('throws on unserialisable results (the dispatcher answers internalError)', () => {
    expect(() => encodeReply({ kind: 'result', result: { n: 1n } })).toThrow();
  });
});

describe('pre-response', () => {
  it('is timeout:"<ms>" without whitespace', () => {
    expect(encodePreResponse(15000)).toBe('timeout:"15000"');
    expect(() => encodePreResponse(-1)).toThrow();
    expect(() => encodePreResponse(1.5)).toThrow();
  });
});

describe('access', () => {
  it('maps handler answers to the access result', () => {
    expect(accessOutcome(true)).toEqual({ kind: 'access', get: true, call: '*' });
    expect(accessOutcome({ get: true })).toEqual({ kind: 'access', get: true, call: undefined });
    expect(accessOutcome({ call: ['set', 'delete'] })).toEqual({ kind: 'access', get: false, call: 'set,delete' });
    expect(() => accessOutcome(false)).toThrow(ResError);
    expect(() => accessOutcome({ get: false, call: [] })).toThrow(/Access denied/);
  });

  it('refuses call lists with spaces or invalid names', () => {
    expect(accessCallList('set,delete')).toBe('set,delete');
    expect(accessCallList('*')).toBe('*');
    expect(() => accessCallList('set, delete')).toThrow(/invalid method/);
    expect(() => accessCallList(['a.b'])).toThrow(/invalid method/);
  });
});

describe('canonicalHeaderKey', () => {
  it('canonicalises like Go textproto', () => {
    expect(canonicalHeaderKey('content-type')).toBe('Content-Type');
    expect(canonicalHeaderKey('X-REQUEST-ID')).toBe('X-Request-Id');
    expect(() => canonicalHeaderKey('bad key')).toThrow();
  });
});
