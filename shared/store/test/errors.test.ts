// The one SQLSTATE → ResError mapping: constraint violations name the field, everything else is
// an unreachable database is hub.unavailable, anything else an internal error that never shows
// driver text to clients.
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

  it('maps an unreachable database to hub.unavailable, keeping the cause for the log', () => {
    // Intent: refused/lost connections, admin shutdown, startup, connection classes → retry shortly.
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    for (const cause of [
      refused,
      new AggregateError([refused, Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })]),
      { code: '57P01', message: 'terminating connection due to administrator command' },
      { code: '57P03', message: 'the database system is starting up' },
      { code: '08006', message: 'connection failure' },
      { code: '53300', message: 'too many connections' },
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ]) {
      const err = toResError(cause);
      expect(err.code, JSON.stringify(cause)).toBe('hub.unavailable');
      expect(err.message).toBe('The database is unavailable; retry shortly');
      expect(err.cause).toBe(cause);
    }
  });

  it('maps unknown errors to internal, keeping the cause for the log', () => {
    // Intent: a statement error or a bug is not an outage: system.internalError, no driver text.
    for (const cause of [
      { code: '42P01', message: 'relation "x" does not exist' },
      new Error('boom'),
      new AggregateError([new Error('x')]),
    ]) {
      const err = toResError(cause);
      expect(err.code).toBe('system.internalError');
      expect(err.message).not.toMatch(/relation|boom/);
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
