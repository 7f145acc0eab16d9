/**
 * Connection and session bookkeeping of one identity instance:
 * - expiry: one timer per WebSocket connection clears its token when the access token expires
 *   (access policies in @hub/auth also treat an expired token as none, so a missed timer — e.g.
 *   after this instance restarts — never extends access, it only delays the token event);
 * - revoked sessions: Keycloak session ids logged out through the back channel, remembered until
 *   every token of that session has expired, so a logged-out token is refused on login and on
 *   the token-reset re-check.
 * In memory: run the identity service as a single instance (see README).
 */

/** How long a revoked session id is remembered: longer than any access token lives. */
export const REVOCATION_TTL_MS = 24 * 60 * 60_000;
/** setTimeout's limit; longer expiries are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class Sessions {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #revoked = new Map<string, number>();

  /** Calls `onExpire(cid)` at `expSeconds` unless the connection's token changes first. */
  expireAt(cid: string, expSeconds: number, onExpire: (cid: string) => void): void {
    this.forget(cid);
    const arm = (): void => {
      const wait = expSeconds * 1000 - Date.now();
      const timer = setTimeout(() => {
        if (wait > MAX_TIMER_MS) { arm(); return; }
        this.#timers.delete(cid);
        onExpire(cid);
      }, Math.max(0, Math.min(wait, MAX_TIMER_MS)));
      timer.unref();
      this.#timers.set(cid, timer);
    };
    arm();
  }

  /** Stops watching a connection (its token was cleared or replaced without expiry). */
  forget(cid: string): void {
    const t = this.#timers.get(cid);
    if (t !== undefined) clearTimeout(t);
    this.#timers.delete(cid);
  }

  revoke(sid: string, nowMs = Date.now()): void {
    for (const [s, until] of this.#revoked) if (until <= nowMs) this.#revoked.delete(s);
    this.#revoked.set(sid, nowMs + REVOCATION_TTL_MS);
  }

  isRevoked(sid: string | null): boolean {
    return sid !== null && (this.#revoked.get(sid) ?? 0) > Date.now();
  }

  close(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }
}
