// The one SQLSTATE → ResError mapping: constraint violations name the field, everything else is
// an internal error that never shows driver text to clients.
import { describe, expect, it } from 'vitest';
import { isRetryable, toResError } from '@hub/store';

describe('toResError', () => {
  it('maps a unique violation to invalidParams naming the field', () => {
    // Intent: 23505 on a snake_case column becomes the client's lowerCamel field name.
    const err = toResError({ code: '23505', detail: 'Key (email_address)=(a@b.c) already exists.', constraint: 'customers_email_key' });
    expect(err.code).toBe('system.invalidParams');
    expect(err.data).toEqual({ issues: [{ path: 'emailAddress', code: 'unique', message: 'is already in use' }] });
    expect(err.message).not.toContain('a@b.c');
  });

  it('maps lost connections and unknown errors to internal, keeping the cause for the log', () => {
    // Intent: ECONNREFUSED / 57P01 (admin shutdown) / plain errors → system.internalError.
    for (const cause of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      { code: '57P01', message: 'terminating connection' },
      new Error('Connection terminated unexpectedly'),
    ]) {
      const err = toResError(cause);
      expect(err.code).toBe('system.internalError');
      expect(err.message).not.toMatch(/ECONNREFUSED|terminat/);
      expect(err.cause).toBe(cause);
    }
  });

  it('retries only what Postgres rolled back: serialization failures and deadlocks', () => {
    expect(isRetryable({ code: '40001' })).toBe(true);
    expect(isRetryable({ code: '40P01' })).toBe(true);
    expect(isRetryable({ code: '23505' })).toBe(false);
    expect(isRetryable({ code: 'ECONNRESET' })).toBe(false); // the commit may have happened
  });
});
