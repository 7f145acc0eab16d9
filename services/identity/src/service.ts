/**
 * The identity service: the `identity.auth` methods Resgate calls, `identity.user.<sub>`
 * profiles, and the back-channel logout endpoint Keycloak calls.
 */
import { API_AUDIENCE, createTokenVerifier, type VerifierOptions } from '@hub/auth';
import { createService, type Service } from '@hub/res';
import { startBackchannel, type Backchannel } from './backchannel.ts';
import type { IdentityDeps } from './deps.ts';
import { ProfileStore } from './profiles.ts';
import { authResource } from './resources/auth.ts';
import { userResource } from './resources/user.ts';
import { Sessions } from './sessions.ts';

/** The method Resgate's headerAuth/wsHeaderAuth name: `<name>.auth.header`. */
export const HEADER_AUTH_METHOD = 'auth.header';

export interface IdentityOptions {
  readonly name?: string;
  readonly natsUrl: string;
  readonly logLevel?: string;
  readonly issuer: string;
  readonly audience?: string;
  readonly cookieName?: string;
  readonly apiPath?: string;
  /** Back-channel logout endpoint; port 0 picks a free one. */
  readonly backchannel?: { readonly host?: string; readonly port?: number };
  /** Verifier tuning (JWKS cooldown, clock skew). */
  readonly verifier?: Partial<Omit<VerifierOptions, 'issuer' | 'audience'>>;
}

export interface Identity {
  readonly service: Service;
  readonly backchannel: Backchannel;
  /** `system.tokenReset` subject: `auth.<name>.auth.refresh`. */
  readonly refreshSubject: string;
  close(): Promise<void>;
}

/**
 * Starts the back-channel endpoint and builds the (not yet started) service.
 * @example const id = await createIdentity({ natsUrl, issuer }); await id.service.start();
 */
export async function createIdentity(o: IdentityOptions): Promise<Identity> {
  const name = o.name ?? 'identity';
  const verifier = createTokenVerifier({ ...o.verifier, issuer: o.issuer, audience: o.audience ?? API_AUDIENCE });
  const sessions = new Sessions();
  const deps: IdentityDeps = { verifier, sessions, profiles: new ProfileStore(), cookieName: o.cookieName ?? 'hub_access_token', apiPath: o.apiPath ?? '/api/' };
  const service = createService({
    name,
    resources: [authResource(deps), userResource(deps)],
    nats: { servers: o.natsUrl.split(',') },
    ...(o.logLevel === undefined ? {} : { logLevel: o.logLevel }),
  });
  const refreshSubject = `auth.${name}.auth.refresh`;
  const backchannel = await startBackchannel({
    host: o.backchannel?.host ?? '127.0.0.1',
    port: o.backchannel?.port ?? 0,
    verifier,
    onLogout: (sid) => {
      sessions.revoke(sid);
      service.tokenReset([sid], refreshSubject);
    },
  });
  return {
    service,
    backchannel,
    refreshSubject,
    close: async () => {
      await backchannel.close();
      sessions.close();
      await service.close();
    },
  };
}
