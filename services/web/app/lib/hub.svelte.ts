/**
 * The page's one connection to Resgate (resclient over WebSocket, through Traefik on the app's
 * origin) and who it is signed in as. On every (re)connect resclient calls onConnect before it
 * resubscribes, and we send the current token with `auth.identity.login` there, so resubscribed
 * resources are fetched with the user's access. A new token (refresh) is sent the same way; a
 * sign-out clears it (`auth.identity.logout`). resclient resubscribes after a reconnect and emits
 * the changes made meanwhile.
 */
import type { AppConfig } from './config.ts';
import { isResError } from './errors.ts';
import { createClient, type ResClient } from './res.ts';
import type { Session } from './session.svelte.ts';

/** resclient's default is 3 s; a shorter wait brings the page back sooner after a restart. */
const RECONNECT_DELAY_MS = 1000;

export type ConnectionState = 'connecting' | 'online' | 'offline';

/** What `auth.identity.login` answers: the identity the server holds for this connection. */
export interface Identity {
  readonly sub: string;
  readonly username: string;
  readonly roles: readonly string[];
  readonly exp: number;
}

function asIdentity(v: unknown): Identity | undefined {
  const o = v as Partial<Identity> | null;
  return o && typeof o.sub === 'string' && Array.isArray(o.roles) ? (o as Identity) : undefined;
}

export class Hub {
  connection = $state<ConnectionState>('connecting');
  /** Set once the server accepted the token; roles shape the UI (the server still decides). */
  identity = $state<Identity | undefined>();
  /** True once the first sign-in attempt on a connection finished (access known, or anonymous). */
  settled = $state(false);
  /** How many times the connection came back (shown to the user after a drop). */
  reconnects = $state(0);
  readonly client: ResClient;
  /** Resolves after the first connect and sign-in attempt: subscribe after it, with the user's access. */
  readonly ready: Promise<void>;
  readonly #session: Session;
  #everConnected = false;
  /** The token this connection was given last (undefined: none). */
  #sent: string | undefined;

  constructor(config: AppConfig, session: Session) {
    this.#session = session;
    this.client = createClient(config.wsUrl, { reconnectDelay: RECONNECT_DELAY_MS });
    // resclient lets onConnect send requests only synchronously (before the connection counts as
    // up), so the login request is issued here without awaiting anything first.
    this.client.setOnConnect(() => {
      this.#sent = undefined; // a new connection holds no token
      const token = this.#session.token;
      return token === undefined ? undefined : this.#authorize(token);
    });
    this.client.on('connect', () => {
      if (this.#everConnected) this.reconnects += 1;
      this.#everConnected = true;
      this.connection = 'online';
    });
    this.client.on('disconnect', () => {
      this.connection = 'offline';
    });
    // Refreshed tokens, and sign-out (undefined), go to the connection at once.
    session.onToken((token) => {
      if (this.settled && this.connection === 'online') void this.#authorize(token);
    });
    this.ready = Promise.all([
      this.client.connect().catch(() => {
        this.connection = 'offline';
      }),
      session.ready,
    ])
      .then(() => {
        const token = this.#session.token;
        return token !== undefined && token !== this.#sent ? this.#authorize(token) : undefined;
      })
      .finally(() => {
        this.settled = true;
      });
  }

  /** The server took a subscription away: if the session ended elsewhere, the page signs out too. */
  accessLost(): void {
    void this.#session.verify();
  }

  hasRole(...roles: string[]): boolean {
    const mine = this.identity?.roles ?? [];
    return roles.some((r) => mine.includes(r));
  }

  /**
   * Sends `token` (login) or its absence (logout); never rejects. A refused token leaves no
   * identity, and an invalid one ends the session (the server knows it was logged out).
   */
  #authorize(token: string | undefined): Promise<void> {
    const request =
      token === undefined ? this.client.authenticate('identity', 'logout') : this.client.authenticate('identity', 'login', { token });
    return request.then(
      (reply) => {
        this.#sent = token;
        this.identity = token === undefined ? undefined : asIdentity(reply);
      },
      (err: unknown) => {
        this.identity = undefined;
        if (token !== undefined && isResError(err) && err.code === 'identity.invalidToken') this.#session.refused(token);
      },
    );
  }
}
