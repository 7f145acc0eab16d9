/**
 * Verified access tokens, remembered by a hash of the token, so that header auth — which Resgate
 * runs for EVERY HTTP request, each its own connection — costs a hash and a map lookup after the
 * first request of a token instead of a signature verification.
 *
 * Contract:
 * - Keyed by SHA-256 of the whole token: no bearer token is kept in memory, and a token that
 *   differs in any byte (a forged payload, a re-signed one) is another entry.
 * - Accepted tokens: the verified claims, served until the token's `exp` and never after (the
 *   verifier's clock tolerance still applies to tokens it verifies; the cache adds no lifetime).
 *   At most `maxEntries`, least recently used evicted first.
 * - Refused tokens: remembered for `refusedTtlMs` (at most `maxRefused`, a separate LRU so a
 *   flood of junk never evicts good tokens) when the refusal is a property of the token itself —
 *   bad signature, malformed, wrong algorithm, issuer or audience, expired, unusable claims.
 *   Never remembered: `unavailable` (we could not fetch the key set: our outage, not the
 *   token's fault), `unknownKey` (the realm may just have rotated its key; the verifier refetches
 *   the key set after its cooldown) and `notYetValid` (time fixes it).
 * - `dropSession(sid)` forgets every accepted token of a logged-out session. Revocations call it
 *   for every revocation they learn (this instance's back channel, another instance's broadcast,
 *   Postgres at start). Callers still check the revocations on every request: the cache never
 *   decides about logout on its own.
 * - Concurrent lookups of one unseen token share one verification; only the caller that ran it
 *   sees `fresh: true` (the first sight of a token, e.g. to record the profile once).
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { TokenError, toHubToken, type HubToken, type KeycloakClaims, type TokenFailure } from '@hub/auth';

/** Accepted tokens remembered per instance (a token's claims are ~1–2 KB). */
export const TOKEN_CACHE_MAX_ENTRIES = 10_000;
/** Refused tokens remembered per instance. */
export const TOKEN_CACHE_MAX_REFUSED = 2_000;
/** How long a refused token is remembered. */
export const TOKEN_CACHE_REFUSED_TTL_MS = 30_000;

/** Refusals that say something about the token itself, and so are worth remembering. */
const REMEMBERED_FAILURES: ReadonlySet<TokenFailure> = new Set(['malformed', 'algorithm', 'signature', 'expired', 'issuer', 'audience', 'claims']);

export interface TokenCacheOptions {
  readonly maxEntries?: number;
  readonly maxRefused?: number;
  readonly refusedTtlMs?: number;
  /** Milliseconds since the epoch (tests pass their own clock). */
  readonly now?: () => number;
}

/** A verified token: its claims and the connection token made from them. */
export interface Verified {
  readonly claims: KeycloakClaims;
  readonly token: HubToken;
}

/** {@link Verified}, and whether this call verified it (first sight of the token here). */
export interface Lookup extends Verified {
  readonly fresh: boolean;
}

interface Accepted extends Verified { readonly untilMs: number }
interface Refused { readonly error: TokenError; readonly untilMs: number }

/** The cache key: a hash of the whole token. */
export function tokenKey(jwt: string): string {
  return createHash('sha256').update(jwt).digest('base64url');
}

export class TokenCache {
  readonly #verify: (jwt: string) => Promise<KeycloakClaims>;
  readonly #now: () => number;
  readonly #refusedTtlMs: number;
  readonly #accepted: LRUCache<string, Accepted>;
  readonly #refused: LRUCache<string, Refused>;
  readonly #inflight = new Map<string, Promise<Verified>>();

  /** @param verify the real verification (`TokenVerifier.verify`); throws TokenError. */
  constructor(verify: (jwt: string) => Promise<KeycloakClaims>, o: TokenCacheOptions = {}) {
    this.#verify = verify;
    this.#now = o.now ?? Date.now;
    this.#refusedTtlMs = o.refusedTtlMs ?? TOKEN_CACHE_REFUSED_TTL_MS;
    this.#accepted = new LRUCache({ max: o.maxEntries ?? TOKEN_CACHE_MAX_ENTRIES });
    this.#refused = new LRUCache({ max: o.maxRefused ?? TOKEN_CACHE_MAX_REFUSED });
  }

  /**
   * The token's claims: from memory if it was verified before and has not expired, else verified.
   * @throws TokenError — remembered, if it is a property of the token (see the contract above)
   */
  async verify(jwt: string): Promise<Lookup> {
    const key = tokenKey(jwt);
    const now = this.#now();
    const hit = this.#accepted.get(key);
    if (hit !== undefined) {
      if (now < hit.untilMs) return { claims: hit.claims, token: hit.token, fresh: false };
      this.#accepted.delete(key);
    }
    const refused = this.#refused.get(key);
    if (refused !== undefined) {
      if (now < refused.untilMs) throw refused.error;
      this.#refused.delete(key);
    }
    const running = this.#inflight.get(key);
    if (running !== undefined) return { ...(await running), fresh: false };
    const verifying = this.#verifyAndRemember(key, jwt);
    this.#inflight.set(key, verifying);
    try {
      return { ...(await verifying), fresh: true };
    } finally {
      this.#inflight.delete(key);
    }
  }

  /** Forgets every accepted token of a session. @returns how many were dropped. */
  dropSession(sid: string): number {
    const keys: string[] = [];
    for (const [key, entry] of this.#accepted.entries()) if (entry.token.sid === sid) keys.push(key);
    for (const key of keys) this.#accepted.delete(key);
    return keys.length;
  }

  /** Entries held now (expired ones may still count until they are looked up or evicted). */
  get size(): { readonly accepted: number; readonly refused: number } {
    return { accepted: this.#accepted.size, refused: this.#refused.size };
  }

  async #verifyAndRemember(key: string, jwt: string): Promise<Verified> {
    let claims: KeycloakClaims;
    try {
      claims = await this.#verify(jwt);
    } catch (err) {
      if (err instanceof TokenError && REMEMBERED_FAILURES.has(err.reason)) {
        this.#refused.set(key, { error: err, untilMs: this.#now() + this.#refusedTtlMs });
      }
      throw err;
    }
    const verified: Verified = { claims, token: toHubToken(claims) };
    const untilMs = claims.exp * 1000;
    // A token verified within the clock tolerance after its exp is accepted, but not remembered.
    if (this.#now() < untilMs) this.#accepted.set(key, { ...verified, untilMs });
    return verified;
  }
}
