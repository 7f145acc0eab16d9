/**
 * The identity service: the `identity` auth methods Resgate calls, `identity.user.<sub>`
 * profiles (in its own Postgres schema), and the back-channel logout endpoint Keycloak calls.
 */
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { API_AUDIENCE, createTokenVerifier, type VerifierOptions } from '@hub/auth';
import type { ServiceOptions } from '@hub/res';
import { openStore, OwningService, type Store } from '@hub/store';
import { startBackchannel, type Backchannel } from './backchannel.ts';
import type { IdentityDeps } from './deps.ts';
import { ProfileStore } from './profiles.ts';
import { authResource } from './resources/auth.ts';
import { userResource } from './resources/user.ts';
import { Revocations } from './revocations.ts';
import { Sessions } from './sessions.ts';
import { TokenCache, type TokenCacheOptions } from './token-cache.ts';

/** The method Resgate's headerAuth/wsHeaderAuth name: `<name>.header`. */
export const HEADER_AUTH_METHOD = 'header';

const MIGRATIONS = fileURLToPath(new URL('../migrations', import.meta.url));

export interface IdentityOptions {
  readonly name?: string;
  readonly natsUrl: string;
  /** Postgres of the profiles. */
  readonly databaseUrl: string;
  /** Postgres schema; default the name (`identity`). */
  readonly schema?: string;
  readonly logLevel?: string;
  readonly issuer: string;
  readonly audience?: string;
  readonly cookieName?: string;
  readonly apiPath?: string;
  /** Back-channel logout endpoint; port 0 picks a free one. */
  readonly backchannel?: { readonly host?: string; readonly port?: number };
  /** Verifier tuning (JWKS cooldown, clock skew). */
  readonly verifier?: Partial<Omit<VerifierOptions, 'issuer' | 'audience'>>;
  /** Bounds of the verified-token cache (token-cache.ts). */
  readonly tokenCache?: Omit<TokenCacheOptions, 'now'>;
}

/** The RES service; starting it also follows the shared revocations, closing it closes its store. */
export class IdentityService extends OwningService<{ store: Store }> {
  constructor(options: ServiceOptions, store: Store, readonly revocations: Revocations) {
    super(options, { store });
  }

  /** Serves, then follows other instances' revocations and loads the stored ones. */
  override async start(): Promise<void> {
    await super.start();
    await this.revocations.start(this.connection);
  }

  override async close(): Promise<void> {
    this.revocations.close();
    await super.close();
  }
}

export interface Identity {
  readonly service: IdentityService;
  readonly backchannel: Backchannel;
  /** `system.tokenReset` subject: `auth.<name>.refresh`. */
  readonly refreshSubject: string;
  /** The verified-token cache (its `size` tells what it holds). */
  readonly tokens: TokenCache;
  /** Closes the back-channel endpoint, then the service and its store. */
  close(): Promise<void>;
}

/**
 * Opens the store (migrations applied), starts the back-channel endpoint and builds the
 * (not yet started) service.
 * @example const id = await createIdentity({ natsUrl, databaseUrl, issuer }); await id.service.start();
 */
export async function createIdentity(o: IdentityOptions): Promise<Identity> {
  const name = o.name ?? 'identity';
  const logger = pino({ name, level: o.logLevel ?? 'info' });
  const verifier = createTokenVerifier({ ...o.verifier, issuer: o.issuer, audience: o.audience ?? API_AUDIENCE });
  // No natsUrl: profiles publish no domain events, so the store runs without an outbox relay.
  const store = await openStore({ service: name, schema: o.schema ?? name, databaseUrl: o.databaseUrl, migrations: MIGRATIONS, log: logger });
  const sessions = new Sessions();
  const tokens = new TokenCache((jwt) => verifier.verify(jwt), o.tokenCache);
  // Every revocation this instance learns (back channel, broadcast, Postgres) drops the session's cached tokens.
  const revocations = new Revocations(store.db, `hub.${name}.revoked`, logger, (sid) => { tokens.dropSession(sid); });
  const deps: IdentityDeps = {
    verifier, tokens, sessions, revocations, profiles: new ProfileStore(store.db),
    cookieName: o.cookieName ?? 'hub_access_token', apiPath: o.apiPath ?? '/api/',
    userRid: (s, sub) => s.rid(user, { sub }),
  };
  const user = userResource(deps);
  const service = new IdentityService({ name, resources: [authResource(deps), user], nats: { servers: o.natsUrl.split(',') }, logger }, store, revocations);
  const refreshSubject = `auth.${name}.refresh`;
  let backchannel: Backchannel;
  try {
    backchannel = await startBackchannel({
      host: o.backchannel?.host ?? '127.0.0.1',
      port: o.backchannel?.port ?? 0,
      verifier,
      onLogout: async (sid) => {
        // Stored and broadcast first, so whichever instance Resgate's re-check reaches knows.
        await revocations.revoke(service.connection, sid);
        service.tokenReset([sid], refreshSubject);
      },
    });
  } catch (err) {
    await service.close();
    throw err;
  }
  return {
    service,
    backchannel,
    refreshSubject,
    tokens,
    close: async () => {
      await backchannel.close();
      sessions.close();
      await service.close();
    },
  };
}
