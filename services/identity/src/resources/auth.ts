/**
 * The `identity` RID's auth methods — the connection token's only writer.
 *
 * - `header`: Resgate's `headerAuth`/`wsHeaderAuth` method. Reads `Authorization: Bearer …`
 *   (an invalid one answers 401 over HTTP and refuses the WebSocket upgrade) or else the
 *   access-token cookie (an invalid cookie leaves the connection anonymous: stale browser cookies
 *   must not lock a user out of public resources). No credentials: anonymous, no token event.
 * - `login` `{ token }`: for WebSocket clients that obtain a token after connecting, or refresh it.
 * - `logout`: clears the connection's token.
 * - `refresh`: the subject of our `system.tokenReset`: Resgate calls it for every connection
 *   whose token id (the Keycloak session id) was reset; a logged-out session loses its token.
 *
 * Token events go out before the reply (the SDK's setToken), so the next request on the
 * connection already carries the new token.
 *
 * Tokens are verified through the token cache (token-cache.ts): a token seen before costs a hash
 * and a lookup. The revocation check (memory) still runs for every request.
 *
 * Profiles: `login` records the token's claims in the profile and waits for it up to
 * PROFILE_SYNC_TIMEOUT_MS (so the profile is readable when login answers); a failed or slow write
 * is logged, not answered. `header` never waits for Postgres: it records the profile in the
 * background, once per token (at the token's first verification on this instance).
 */
import { TokenError, hubToken, type HubToken, type KeycloakClaims } from '@hub/auth';
import { defineResource, ResError, z, type ServiceScope } from '@hub/res';
import type { IdentityDeps } from '../deps.ts';
import { bearerToken, cookieValue } from '../headers.ts';
import { changedValues, USER } from './user.ts';

/** Bounds a token before it reaches the verifier. */
const MAX_TOKEN_CHARS = 16_384;
/**
 * How long a login waits for its profile write (so the profile is readable once login answers);
 * past it the login answers anyway and the write finishes in the background. Well below
 * Resgate's request timeout, which also covers the token verification.
 */
export const PROFILE_SYNC_TIMEOUT_MS = 1000;

interface AuthCtx {
  readonly cid: string;
  readonly uri: string | undefined;
  readonly isHttp: boolean;
  readonly service: ServiceScope;
  readonly setStatus: (status: number) => void;
  readonly setToken: (token: unknown, tid?: string) => void;
  readonly log: { warn(obj: object, msg: string): void; debug(obj: object, msg: string): void };
}

/** Resolves with true when `p` settles within `ms`, else false (`p` keeps running). */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => { timer = setTimeout(() => { resolve(false); }, ms); });
  try {
    return await Promise.race([p.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a client is told when Keycloak's key set cannot be fetched (a token we have no key for yet). */
export const SIGN_IN_UNAVAILABLE = 'Sign-in is unavailable: the identity provider cannot be reached; retry shortly';

/**
 * A refused token: 401 over HTTP. A key set we cannot fetch is our outage, not the client's fault:
 * hub.unavailable (503 with Retry-After over HTTP) — tokens whose keys are cached still verify.
 */
function refused(ctx: AuthCtx, err: TokenError): never {
  if (err.reason === 'unavailable') throw ResError.unavailable(SIGN_IN_UNAVAILABLE, err);
  if (ctx.isHttp) ctx.setStatus(401);
  throw new ResError('identity.invalidToken', 'Invalid or expired token');
}

export function authResource(deps: IdentityDeps) {
  const clear = (ctx: Pick<AuthCtx, 'cid' | 'setToken'>): void => {
    deps.sessions.forget(ctx.cid);
    ctx.setToken(null);
  };

  /**
   * Stores the token's claims in the user's profile; if they changed, sends a change event with
   * the changed fields. Never rejects: a login must not fail because Postgres does.
   */
  const syncProfile = (ctx: AuthCtx, claims: KeycloakClaims): Promise<void> => (async () => {
    const change = await deps.profiles.seen(claims);
    if (change?.before === undefined) return; // unchanged, or created (nobody can hold it yet)
    const { before, after } = change;
    await ctx.service.with(ctx.service.rid(USER, { sub: claims.sub }), (r) => { r.change(changedValues(before, after)); });
  })().catch((err: unknown) => { ctx.log.warn({ err, sub: claims.sub }, 'profile not synced; login proceeds'); });

  /** Login: the profile is synced before the answer, unless that takes longer than PROFILE_SYNC_TIMEOUT_MS. */
  const awaitProfile = async (ctx: AuthCtx, claims: KeycloakClaims): Promise<void> => {
    if (!(await settlesWithin(syncProfile(ctx, claims), PROFILE_SYNC_TIMEOUT_MS))) {
      ctx.log.warn({ sub: claims.sub, timeoutMs: PROFILE_SYNC_TIMEOUT_MS }, 'profile sync slow; login proceeds');
    }
  };

  /**
   * Verifies `jwt` (through the cache) and makes it the connection's token; throws TokenError.
   * `profile`: `await` (login) or `background` (header auth: only at a token's first verification).
   */
  const accept = async (ctx: AuthCtx, jwt: string, profile: 'await' | 'background'): Promise<HubToken> => {
    if (jwt.length > MAX_TOKEN_CHARS) throw new TokenError('malformed', 'Token too long');
    const { claims, token, fresh } = await deps.tokens.verify(jwt);
    if (deps.revocations.isRevoked(token.sid)) throw new TokenError('claims', 'Session logged out');
    ctx.setToken(token, token.sid ?? undefined);
    // An HTTP API request's connection lives for one request: no expiry timer for it.
    if (ctx.uri?.startsWith(deps.apiPath) !== true) {
      deps.sessions.expireAt(ctx.cid, token.exp, (cid) => { ctx.service.tokenEvent(cid, null); });
    }
    if (profile === 'await') await awaitProfile(ctx, claims);
    else if (fresh) void syncProfile(ctx, claims);
    return token;
  };

  /** {@link accept}, or why the token was refused (logged at debug); other errors propagate. */
  const attempt = async (ctx: AuthCtx, jwt: string, what: string, profile: 'await' | 'background'): Promise<HubToken | TokenError> => {
    try {
      return await accept(ctx, jwt, profile);
    } catch (err) {
      if (!(err instanceof TokenError)) throw err;
      ctx.log.debug({ reason: err.reason }, `${what} refused`);
      return err;
    }
  };

  return defineResource({
    // The service root: Resgate clients call client.authenticate('identity', 'login').
    pattern: '',
    // Nothing to order between connections; verification may wait on a JWKS fetch.
    parallel: true,
    auth: {
      header: {
        params: null,
        handler: async (ctx) => {
          const bearer = bearerToken(ctx.header);
          if (bearer !== undefined) {
            const r = await attempt(ctx, bearer, 'bearer token', 'background');
            if (r instanceof TokenError) refused(ctx, r);
            return null;
          }
          // A refused cookie leaves the connection anonymous.
          const cookie = cookieValue(ctx.header, deps.cookieName);
          if (cookie !== undefined) await attempt(ctx, cookie, 'cookie token', 'background');
          return null;
        },
      },
      login: {
        params: z.object({ token: z.string().min(1) }),
        handler: async (ctx) => {
          const token = await attempt(ctx, ctx.input.token, 'login token', 'await');
          if (token instanceof TokenError) return refused(ctx, token);
          return { sub: token.sub, username: token.username, roles: token.roles, exp: token.exp };
        },
      },
      logout: {
        params: null,
        handler: (ctx) => {
          clear(ctx);
          return null;
        },
      },
      refresh: {
        params: null,
        handler: async (ctx) => {
          const parsed = hubToken.safeParse(ctx.token);
          if (!parsed.success) return null;
          const t = parsed.data;
          // Postgres, not memory: this re-check may land on an instance the broadcast has not reached.
          if (t.exp * 1000 <= Date.now() || await deps.revocations.isRevokedNow(t.sid)) clear(ctx);
          return null;
        },
      },
    },
  });
}
