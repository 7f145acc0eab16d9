// isoTime: Postgres' UTC text is rewritten to what Date#toISOString gives, without Date.
import { describe, expect, it } from 'vitest';
import { isoTime } from '../src/time.ts';

describe('isoTime', () => {
  it('matches Date#toISOString for Postgres UTC text of every precision', () => {
    for (const s of [
      '2026-12-01T14:44:11+00:00',
      '2026-12-01T14:44:11.1+00:00',
      '2026-12-01T14:44:11.123456+00:00',
      '2026-12-01T14:44:11.999999+00:00',
      '1999-01-01T00:00:00.5+00:00',
    ]) {
      expect(isoTime(s)).toBe(new Date(s).toISOString());
    }
  });

  it('converts other offsets and Date values through Date', () => {
    expect(isoTime('2026-12-01T16:44:11.5+02:00')).toBe('2026-12-01T14:44:11.500Z');
    expect(isoTime(new Date(Date.UTC(2026, 11, 1, 14, 44, 11, 7)))).toBe('2026-12-01T14:44:11.007Z');
  });
});
