/**
 * Connection bookkeeping of one identity instance: one timer per WebSocket connection clears its
 * token when the access token expires. Per instance by nature (the connection's header auth or
 * login ran here); access policies in @hub/auth also treat an expired token as none, so a missed
 * timer — e.g. after this instance restarts — never extends access, it only delays the token
 * event. Logged-out sessions are shared by all instances: see revocations.ts.
 */
/** setTimeout's limit; longer expiries are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class Sessions {
  readonly #timers = new Map<string, NodeJS.Timeout>();

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

  close(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }
}
