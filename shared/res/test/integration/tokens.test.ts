// Connection tokens: an auth handler's token (with a token ID) governs access on that connection,
// a failed auth sets none, and system.tokenReset makes Resgate re-authenticate by token ID.
import { describe, expect, it } from 'vitest';
import { nextEvent, openClient, waitFor } from '@hub/testkit';
import { defineResource, model, ResError, z } from '../../src/internal.ts';
import { errorOf, startService } from './fixture.ts';

const token = z.object({ user: z.string() }).nullable();

function resources() {
  const refreshed: string[] = [];
  const session = defineResource({
    pattern: 'session',
    token,
    auth: {
      login: {
        params: z.object({ user: z.string() }),
        handler: ({ input, setToken }) => {
          setToken({ user: input.user }, input.user);
          return { cid: true };
        },
      },
      loginThenFail: {
        params: null,
        handler: ({ setToken }) => {
          setToken({ user: 'mallory' }, 'mallory');
          throw new ResError('rt.badCredentials', 'Bad credentials');
        },
      },
      refresh: {
        params: null,
        handler: ({ cid, token: t, setToken }) => {
          refreshed.push(`${t?.user ?? 'none'}@${cid}`);
          setToken(null);
        },
      },
    },
  });
  const secret = defineResource({ pattern: 'secret', token, access: ({ token: t }) => t !== null, get: () => model({ s: 42 }) });
  return { refreshed, session, secret };
}

describe('tokens', () => {
  it('a token set by an auth handler grants access on that connection; a failed auth sets none', async () => {
    // setToken publishes conn.<cid>.token before the auth reply, and only when the handler succeeds.
    const { session, secret } = resources();
    const service = await startService([session, secret]);
    const alice = await openClient();
    expect((await errorOf(alice.get(`${service.name}.secret`))).code).toBe('system.accessDenied');
    await alice.authenticate(`${service.name}.session`, 'login', { user: 'alice' });
    expect((await alice.get(`${service.name}.secret`)).toJSON()).toEqual({ s: 42 });
    const mallory = await openClient();
    expect((await errorOf(mallory.authenticate(`${service.name}.session`, 'loginThenFail'))).code).toBe('rt.badCredentials');
    expect((await errorOf(mallory.get(`${service.name}.secret`))).code).toBe('system.accessDenied');
  });

  it("service.tokenEvent replaces a connection's token and Resgate re-checks its subscriptions", async () => {
    // Clearing the token from outside any request (e.g. a logout elsewhere) revokes live access.
    const { session, secret } = resources();
    const cids: string[] = [];
    const whoami = defineResource({
      pattern: 'whoami',
      auth: {
        me: {
          params: null,
          handler: ({ cid }) => {
            cids.push(cid);
            return null;
          },
        },
      },
    });
    const service = await startService([session, secret, whoami]);
    const client = await openClient();
    await client.authenticate(`${service.name}.session`, 'login', { user: 'bob' });
    await client.authenticate(`${service.name}.whoami`, 'me');
    const m = await client.get(`${service.name}.secret`);
    const lost = nextEvent(m, 'unsubscribe');
    const cid = cids[0];
    if (cid === undefined) throw new Error('no cid');
    service.tokenEvent(cid, null);
    await lost;
  });

  it('system.tokenReset re-authenticates exactly the connections holding the token ID', async () => {
    // Resgate sends an auth request to the given subject per matching connection; here it clears the token.
    const { refreshed, session, secret } = resources();
    const service = await startService([session, secret]);
    const login = async (user: string) => {
      const c = await openClient();
      await c.authenticate(`${service.name}.session`, 'login', { user });
      return { c, m: await c.get(`${service.name}.secret`) };
    };
    const u1a = await login('u1');
    const u1b = await login('u1');
    const u2 = await login('u2');
    const lostA = nextEvent(u1a.m, 'unsubscribe');
    const lostB = nextEvent(u1b.m, 'unsubscribe');
    service.tokenReset(['u1'], `auth.${service.name}.session.refresh`);
    await lostA;
    await lostB;
    await waitFor(() => refreshed.length === 2, 'two refresh auth requests');
    expect(refreshed.every((r) => r.startsWith('u1@'))).toBe(true);
    expect(new Set(refreshed).size).toBe(2);
    expect((await u2.c.get(`${service.name}.secret`)).toJSON()).toEqual({ s: 42 });
    expect((await errorOf(u1a.c.call(`${service.name}.secret`, 'x'))).code).toBe('system.accessDenied');
  });
});
