/**
 * Sign-in with Keycloak (keycloak-js: authorization code flow with PKCE S256 through the realm's
 * public `hub-web` client). Tokens stay in this page's memory — never in storage or a cookie —
 * and reach Resgate only over the WebSocket (`auth.identity.login`, see hub.svelte.ts), so no
 * other site can use them. A page load finds an existing Keycloak session silently (check-sso in
 * a hidden same-origin frame); tokens are refreshed before they expire; sign-out ends the Keycloak
 * session, whose back-channel logout resets every Resgate connection of that session.
 *
 * No session-status iframe (keycloak-js `checkLoginIframe`): it cost every page load one more
 * sequential Keycloak frame before the first data, and it relies on third-party cookies, which
 * browsers are removing. A sign-out elsewhere is learnt from the server instead: Resgate takes
 * the connection's subscriptions away (back-channel logout → identity → tokenReset), and the app
 * then asks Keycloak whether the session still lives (`verify`, a refresh).
 */
import Keycloak from 'keycloak-js';
import type { AppConfig } from './config.ts';

/** Refresh this long before the access token expires, or at 70 % of a shorter token's life. */
const REFRESH_BEFORE_EXPIRY_MS = 30_000;
const REFRESH_AT_LIFE_FRACTION = 0.7;
/** Never refresh sooner than this after the previous refresh (very short token lifespans). */
const MIN_REFRESH_DELAY_MS = 2_000;

/**
 * keycloak-js (26) loads Keycloak's `3p-cookies/step1.html` (which loads `step2.html`) in a hidden
 * frame before the silent check-sso, to learn whether browsers block the cookies the check needs.
 * That probe is two more sequential Keycloak pages on every cold load (≈190 ms of the budget's
 * 1.5 s on this machine, bench/web.ts) and tells us nothing: Keycloak is same-site with the app
 * (localhost ports in dev, the same origin behind Traefik in the stack), and were its cookies
 * blocked, the silent check would just answer `login_required`, so the page shows "Sign in" and
 * the sign-in redirect works as ever. keycloak-js skips the probe when its endpoints have no
 * `thirdPartyCookiesIframe`; it (re)builds them inside init, so they are trimmed as they are set.
 */
function withoutThirdPartyCookieProbe(kc: Keycloak): void {
  // `endpoints` is a public field of keycloak-js' class, not in its type declarations.
  type Endpoints = Record<string, unknown> | undefined;
  let endpoints = (kc as unknown as { endpoints: Endpoints }).endpoints;
  Object.defineProperty(kc, 'endpoints', {
    configurable: true,
    enumerable: true,
    get: () => endpoints,
    set: (v: Endpoints) => {
      endpoints = v === undefined ? v : { ...v, thirdPartyCookiesIframe: undefined };
    },
  });
}

export type SessionState = 'starting' | 'anonymous' | 'signed-in' | 'ended';

export class Session {
  /** `ended`: the session was signed out elsewhere or could not be refreshed. */
  state = $state<SessionState>('starting');
  username = $state<string | undefined>();
  /** Access token expiry, ms since the epoch (for "signed in until"). */
  expiresAt = $state<number | undefined>();
  /** Why sign-in failed to start (Keycloak unreachable), in words. */
  problem = $state<string | undefined>();

  readonly #kc: Keycloak;
  // Plain callbacks, not UI state.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #listeners = new Set<(token: string | undefined) => void>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #verifying: Promise<void> | undefined;
  readonly ready: Promise<void>;

  constructor(config: AppConfig) {
    this.#kc = new Keycloak({ url: config.keycloakUrl, realm: config.realm, clientId: config.clientId });
    withoutThirdPartyCookieProbe(this.#kc);
    this.#kc.onAuthLogout = () => {
      this.#end();
    };
    this.#kc.onAuthRefreshError = () => {
      this.#end();
    };
    this.ready = this.#init();
  }

  async #init(): Promise<void> {
    try {
      const authenticated = await this.#kc.init({
        onLoad: 'check-sso',
        silentCheckSsoRedirectUri: `${location.origin}/silent-check-sso.html`,
        pkceMethod: 'S256',
        responseMode: 'fragment',
        checkLoginIframe: false,
      });
      if (authenticated) this.#signedIn();
      else this.state = 'anonymous';
    } catch {
      this.state = 'anonymous';
      this.problem = 'Sign-in is unavailable right now (Keycloak did not answer). Public pages still work; try again in a minute.';
    }
  }

  /** Called with every new access token (after sign-in and each refresh), or undefined on sign-out. */
  onToken(listener: (token: string | undefined) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** The current access token, if signed in. */
  get token(): string | undefined {
    return this.state === 'signed-in' ? this.#kc.token : undefined;
  }

  login(returnTo = location.href): Promise<void> {
    return this.#kc.login({ redirectUri: returnTo });
  }

  register(returnTo = `${location.origin}/`): Promise<void> {
    return this.#kc.register({ redirectUri: returnTo });
  }

  /** Ends the Keycloak session (RP-initiated logout) and comes back to `returnTo` (default: the landing page). */
  logout(returnTo = `${location.origin}/`): Promise<void> {
    this.#clearTimer();
    return this.#kc.logout({ redirectUri: returnTo });
  }

  /**
   * Asks Keycloak (a token refresh) whether the session still lives, e.g. after the server took
   * access away; a session that ended is signed out here too. One check at a time.
   */
  verify(): Promise<void> {
    if (this.state !== 'signed-in') return Promise.resolve();
    this.#verifying ??= this.#refresh().finally(() => {
      this.#verifying = undefined;
    });
    return this.#verifying;
  }

  /**
   * The server refused `token` as invalid (identity answers `identity.invalidToken` for a session
   * that was logged out). A token Keycloak just issued can still be refused: a refresh racing a
   * sign-out in another tab may reach Keycloak before it has removed the session, while identity
   * already learnt the logout through the back channel. The server decides: the session ended.
   */
  refused(token: string): void {
    if (token === this.token) this.#end();
  }

  #signedIn(): void {
    const parsed = this.#kc.tokenParsed as { preferred_username?: string; exp?: number; iat?: number } | undefined;
    this.state = 'signed-in';
    this.username = parsed?.preferred_username;
    this.expiresAt = parsed?.exp === undefined ? undefined : parsed.exp * 1000;
    this.#schedule(parsed?.exp !== undefined && parsed.iat !== undefined ? (parsed.exp - parsed.iat) * 1000 : undefined);
    for (const l of this.#listeners) l(this.#kc.token);
  }

  #schedule(lifeMs: number | undefined): void {
    this.#clearTimer();
    if (this.expiresAt === undefined) return;
    const margin = Math.min(REFRESH_BEFORE_EXPIRY_MS, (lifeMs ?? Infinity) * (1 - REFRESH_AT_LIFE_FRACTION));
    const delay = Math.max(MIN_REFRESH_DELAY_MS, this.expiresAt - Date.now() - margin);
    this.#timer = setTimeout(() => {
      void this.#refresh();
    }, delay);
  }

  async #refresh(): Promise<void> {
    try {
      await this.#kc.updateToken(-1);
      this.#signedIn();
    } catch {
      this.#end();
    }
  }

  #end(): void {
    if (this.state !== 'signed-in') return;
    this.#clearTimer();
    this.state = 'ended';
    this.expiresAt = undefined;
    for (const l of this.#listeners) l(undefined);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
