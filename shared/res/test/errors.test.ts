// Error mapping: ResError keeps code/message/data; anything else is a generic internal error.
import { describe, expect, it } from 'vitest';
import { ErrorCode, fromErrorObject, ResError, ResUsageError, toErrorObject } from '../src/errors.ts';

describe('ResError', () => {
  it('uses the protocol default message for predefined codes', () => {
    expect(ResError.notFound().toErrorObject()).toEqual({ code: 'system.notFound', message: 'Not found' });
    expect(new ResError(ErrorCode.Timeout).message).toBe('Request timeout');
    expect(ResError.invalidParams(undefined, { issues: [] }).toErrorObject()).toEqual({
      code: 'system.invalidParams',
      message: 'Invalid parameters',
      data: { issues: [] },
    });
  });

  it('carries custom <service>.<name> codes with message and data', () => {
    expect(new ResError('library.locked', 'Locked', { by: 'x' }).toErrorObject()).toEqual({
      code: 'library.locked',
      message: 'Locked',
      data: { by: 'x' },
    });
  });
});

describe('toErrorObject', () => {
  it('passes ResErrors through', () => {
    expect(toErrorObject(ResError.accessDenied())).toEqual({
      error: { code: 'system.accessDenied', message: 'Access denied' },
      unexpected: false,
    });
  });

  it('hides everything else behind a generic internal error', () => {
    const r = toErrorObject(new Error('connection to db at 10.0.0.3 refused: password authentication failed'));
    expect(r).toEqual({ error: { code: 'system.internalError', message: 'Internal error' }, unexpected: true });
    expect(toErrorObject(new ResUsageError('nested object')).error.message).toBe('Internal error');
    expect(toErrorObject('string thrown').unexpected).toBe(true);
  });

  it('keeps a wrapped cause out of the client message', () => {
    const err = ResError.internal(new Error('SQLSTATE 23505'));
    expect(err.toErrorObject()).toEqual({ code: 'system.internalError', message: 'Internal error' });
    expect((err.cause as Error).message).toBe('SQLSTATE 23505');
  });
});

describe('fromErrorObject', () => {
  it('rebuilds a ResError from a reply', () => {
    const e = fromErrorObject({ code: 'system.invalidParams', message: 'Bad', data: { a: 1 } });
    expect([e.code, e.message, e.data]).toEqual(['system.invalidParams', 'Bad', { a: 1 }]);
    expect(fromErrorObject('nonsense').code).toBe('system.internalError');
  });
});
