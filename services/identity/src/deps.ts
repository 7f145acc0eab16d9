/** What the identity resources share: the verifier, the session bookkeeping and the profile table. */
import type { TokenVerifier } from '@hub/auth';
import type { ProfileStore } from './profiles.ts';
import type { Revocations } from './revocations.ts';
import type { Sessions } from './sessions.ts';
import type { TokenCache } from './token-cache.ts';

export interface IdentityDeps {
  readonly verifier: TokenVerifier;
  /** `verifier.verify`, remembered by token hash (header auth's hot path). */
  readonly tokens: TokenCache;
  readonly sessions: Sessions;
  /** Logged-out sessions, shared by every instance. */
  readonly revocations: Revocations;
  readonly profiles: ProfileStore;
  /** Cookie name carrying the access token (browsers). */
  readonly cookieName: string;
  /** Resgate's API path: header-auth requests for it are one-shot HTTP requests (no expiry timer). */
  readonly apiPath: string;
}
