/**
 * Logged-out Keycloak sessions, shared by every identity instance.
 *
 * Contract:
 * - `revoke(sid)` (the instance Keycloak's back channel reached) writes the session to Postgres,
 *   then broadcasts it on NATS to every instance, before the caller sends `system.tokenReset`.
 * - `isRevoked(sid)` answers from memory (header auth runs on every HTTP request: no query per
 *   request). Memory is filled from Postgres at start and by the broadcast, so every instance
 *   refuses a logged-out token on login and header auth.
 * - `isRevokedNow(sid)` asks Postgres: the token-reset re-check (`refresh`) uses it, so whichever
 *   instance Resgate's re-check lands on clears the token even if the broadcast is late.
 * - `onRevoked(sid)` (constructor) runs for every revocation this instance learns, from any of
 *   the three sources: the token cache drops the session's tokens there (token-cache.ts).
 * Entries live until every access token of the session has expired (REVOCATION_TTL_MS).
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { Db } from '@hub/store';

/** How long a revoked session id is remembered: longer than any access token lives. */
export const REVOCATION_TTL_MS = 24 * 60 * 60_000;

interface Revoked { readonly sid: string; readonly until: number }

export class Revocations {
  readonly #local = new Map<string, number>();
  #sub: Subscription | undefined;

  /**
   * @param subject the NATS subject instances broadcast revocations on (per service name).
   * @param onRevoked called with each session id this instance learns is revoked.
   */
  constructor(
    private readonly db: Db,
    private readonly subject: string,
    private readonly log: Logger,
    private readonly onRevoked: (sid: string) => void = () => undefined,
  ) {}

  /** Listens for other instances' revocations, then loads the stored ones (no gap between them). */
  async start(nc: NatsConnection): Promise<void> {
    this.#sub = nc.subscribe(this.subject, {
      callback: (err, msg) => {
        if (err) return;
        try {
          const r = msg.json<Revoked>();
          if (typeof r.sid === 'string' && typeof r.until === 'number') this.#remember(r.sid, r.until);
        } catch (e) {
          this.log.warn({ err: e }, 'ignored a malformed revocation broadcast');
        }
      },
    });
    const { rows } = await this.db.pool.query<{ sid: string; until: Date }>('SELECT sid, until FROM revoked_sessions WHERE until > now()');
    for (const r of rows) this.#remember(r.sid, r.until.getTime());
  }

  /** Stores and broadcasts a logged-out session. Throws if Postgres refuses (the caller answers 5xx). */
  async revoke(nc: NatsConnection, sid: string, nowMs = Date.now()): Promise<void> {
    const until = nowMs + REVOCATION_TTL_MS;
    await this.db.pool.query(
      'INSERT INTO revoked_sessions (sid, until) VALUES ($1, $2) ON CONFLICT (sid) DO UPDATE SET until = EXCLUDED.until',
      [sid, new Date(until)],
    );
    // Housekeeping, best effort: expired entries are never read again.
    this.db.pool.query('DELETE FROM revoked_sessions WHERE until <= now()').catch((err: unknown) => { this.log.warn({ err }, 'revocation cleanup failed'); });
    this.#remember(sid, until);
    nc.publish(this.subject, JSON.stringify({ sid, until } satisfies Revoked));
  }

  /** From memory: for every login and header auth. */
  isRevoked(sid: string | null): boolean {
    return sid !== null && (this.#local.get(sid) ?? 0) > Date.now();
  }

  /** From Postgres (and memory): for the token-reset re-check. */
  async isRevokedNow(sid: string | null): Promise<boolean> {
    if (sid === null) return false;
    if (this.isRevoked(sid)) return true;
    const { rows } = await this.db.pool.query<{ until: Date }>('SELECT until FROM revoked_sessions WHERE sid = $1 AND until > now()', [sid]);
    const row = rows[0];
    if (row !== undefined) this.#remember(sid, row.until.getTime());
    return row !== undefined;
  }

  close(): void {
    this.#sub?.unsubscribe();
  }

  #remember(sid: string, until: number): void {
    const now = Date.now();
    for (const [s, u] of this.#local) if (u <= now) this.#local.delete(s);
    if (until <= now) return;
    this.#local.set(sid, until);
    this.onRevoked(sid);
  }
}
