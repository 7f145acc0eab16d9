/**
 * The saved sign-in: one JSON file (default `~/.config/hub/token.json`, `--token-file` /
 * HUB_TOKEN_FILE), written with mode 0600 in a 0700 directory and replaced atomically (a new
 * file renamed over the old, so a crash never leaves half a token). It keeps the access and
 * refresh tokens and the issuer and client they came from: a refresh must use the same ones.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { CliError, EXIT, HUB } from './exit.ts';
import { claimsOf, refreshGrant, type TokenResponse } from './keycloak.ts';

/** Refresh when the access token has less than this left (a request must not outlive it). */
export const REFRESH_MARGIN_MS = 30_000;

const Session = z.object({
  issuer: z.string(),
  clientId: z.string(),
  username: z.string(),
  accessToken: z.string(),
  /** Epoch milliseconds. */
  expiresAt: z.number(),
  refreshToken: z.string().optional(),
  refreshExpiresAt: z.number().optional(),
});
export type Session = z.infer<typeof Session>;

/** A session from a token response, stamped with when it expires. */
export function sessionOf(issuer: string, clientId: string, t: TokenResponse, now = Date.now()): Session {
  return {
    issuer,
    clientId,
    username: claimsOf(t.access_token).username,
    accessToken: t.access_token,
    expiresAt: now + t.expires_in * 1000,
    ...(t.refresh_token === undefined ? {} : { refreshToken: t.refresh_token }),
    // Keycloak says 0 for offline tokens, which do not expire by time.
    ...(t.refresh_expires_in === undefined || t.refresh_expires_in === 0 ? {} : { refreshExpiresAt: now + t.refresh_expires_in * 1000 }),
  };
}

/** The saved session, or undefined when there is none. */
export function readSession(file: string): Session | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read the token file ${file}: ${(e as Error).message}`, EXIT.error);
  }
  const mode = statSync(file).mode & 0o077;
  if (mode !== 0) process.stderr.write(`warning: ${file} is readable by others; run chmod 600 ${file}\n`);
  try {
    return Session.parse(JSON.parse(text));
  } catch {
    throw new CliError(`the token file ${file} is not a hub sign-in — run \`${HUB} login\` (it replaces the file)`, EXIT.usage);
  }
}

/** Saves a session: 0600 file in a 0700 directory, replaced atomically. */
export function writeSession(file: string, s: Session): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${String(process.pid)}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600); // the umask may have narrowed it further, never widened: make it exact
  renameSync(tmp, file);
}

/** Removes the saved session; true if there was one. */
export function removeSession(file: string): boolean {
  try {
    statSync(file);
  } catch {
    return false;
  }
  rmSync(file, { force: true });
  return true;
}

/** The access token to send, kept fresh: HUB_TOKEN as is, or the saved session, refreshed when due. */
export interface TokenSource {
  /** The signed-in user's name (from the token). */
  readonly username: string;
  /** A token valid for at least REFRESH_MARGIN_MS (refreshing and saving the session if needed). */
  token(): Promise<string>;
  /** When the current token should be replaced (epoch ms); undefined when it cannot be refreshed. */
  refreshDue(): number | undefined;
}

/** A source that sends a fixed token (HUB_TOKEN): never refreshed. */
export function fixedToken(token: string): TokenSource {
  return { username: claimsOf(token).username, token: () => Promise.resolve(token), refreshDue: () => undefined };
}

function expired(s: Session): CliError {
  return new CliError(`your sign-in as ${s.username} has ended — run \`${HUB} login\` again`, EXIT.denied);
}

/** A source over the token file; refreshes through the session's own issuer and client. */
export function fileTokens(file: string, initial: Session): TokenSource {
  let s = initial;
  const due = () => s.expiresAt - REFRESH_MARGIN_MS;
  return {
    get username() {
      return s.username;
    },
    async token() {
      if (Date.now() < due()) return s.accessToken;
      if (s.refreshToken === undefined || (s.refreshExpiresAt !== undefined && Date.now() >= s.refreshExpiresAt)) throw expired(s);
      let t: TokenResponse;
      try {
        t = await refreshGrant(s.issuer, s.clientId, s.refreshToken);
      } catch (e) {
        if (e instanceof CliError && e.exitCode === EXIT.denied) throw expired(s);
        throw e;
      }
      s = sessionOf(s.issuer, s.clientId, t);
      writeSession(file, s);
      return s.accessToken;
    },
    refreshDue: () => (s.refreshToken === undefined ? undefined : due()),
  };
}

/** The token source for this run: HUB_TOKEN, else the token file, else none (anonymous). */
export function tokenSource(settings: { envToken: string | undefined; tokenFile: string }): TokenSource | undefined {
  if (settings.envToken !== undefined) return fixedToken(settings.envToken);
  const s = readSession(settings.tokenFile);
  return s === undefined ? undefined : fileTokens(settings.tokenFile, s);
}
