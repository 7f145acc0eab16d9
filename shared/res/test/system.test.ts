// Connection and system message payloads, exactly as the protocol (1.2.3) defines them.
import { describe, expect, it } from 'vitest';
import { resetMessage, tokenEventMessage, tokenResetMessage } from '../src/system.ts';

describe('token events', () => {
  it('sends { token, tid } on conn.<cid>.token; null clears', () => {
    expect(tokenEventMessage('c1', { user: 'a' }, '42')).toEqual({
      subject: 'conn.c1.token',
      payload: '{"token":{"user":"a"},"tid":"42"}',
    });
    expect(tokenEventMessage('c1', null)).toEqual({ subject: 'conn.c1.token', payload: '{"token":null}' });
    expect(tokenEventMessage('c1', undefined).payload).toBe('{"token":null}');
  });

  it('refuses an invalid cid', () => {
    expect(() => tokenEventMessage('a.b', null)).toThrow(/cid/);
    expect(() => tokenEventMessage('', null)).toThrow(/cid/);
  });

  it('sends system.tokenReset { tids, subject }, nothing for no tids', () => {
    expect(tokenResetMessage(['1', '2'], 'auth.identity.refresh')).toEqual({
      subject: 'system.tokenReset',
      payload: '{"tids":["1","2"],"subject":"auth.identity.refresh"}',
    });
    expect(tokenResetMessage([], 'auth.x.y')).toBeNull();
    expect(() => tokenResetMessage(['1'], 'bad subject')).toThrow(/subject/);
  });
});

describe('system.reset', () => {
  it('omits empty lists and sends nothing when both are empty', () => {
    expect(resetMessage(['a.>'], [])?.payload).toBe('{"resources":["a.>"]}');
    expect(resetMessage([], ['a.>'])?.payload).toBe('{"access":["a.>"]}');
    expect(resetMessage([], [])).toBeNull();
  });
});
