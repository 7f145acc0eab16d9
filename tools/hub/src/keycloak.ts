/**
 * Keycloak's OpenID Connect endpoints as the CLI uses them: the password grant (dev users through
 * the dev-only `hub-test` client), the device authorization grant (RFC 8628, any user, through a
 * browser), refresh, and logout (which ends the session, so Keycloak's back-channel logout resets
 * the user's open connections too).
 */
import { z } from 'zod';
import { CliError, EXIT, HUB } from './exit.ts';

const HTTP_TIMEOUT_MS = 15_000;

const TokenResponse = z.object({
  access_token: z.string(),
  expires_in: z.number(),
  refresh_token: z.string().optional(),
  refresh_expires_in: z.number().optional(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

const OAuthError = z.object({ error: z.string(), error_description: z.string().optional() });

const DeviceAuthorization = z.object({
  device_code: z.string(),
  user_code: z.string(),
  verification_uri: z.string(),
  verification_uri_complete: z.string().optional(),
  expires_in: z.number(),
  interval: z.number().default(5),
});
export type DeviceAuthorization = z.infer<typeof DeviceAuthorization>;

/** The claims the CLI reads from an access token (display only: services verify it, not us). */
export interface Claims {
  readonly username: string;
  readonly roles: readonly string[];
  /** Seconds since the epoch. */
  readonly exp: number;
}

/** Reads a JWT's claims without verifying it (the token is our own, fresh from Keycloak). */
export function claimsOf(jwt: string): Claims {
  try {
    const p = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as {
      preferred_username?: unknown;
      sub?: unknown;
      exp?: unknown;
      realm_access?: { roles?: unknown };
    };
    const roles = Array.isArray(p.realm_access?.roles) ? p.realm_access.roles.filter((r): r is string => typeof r === 'string') : [];
    const username = typeof p.preferred_username === 'string' ? p.preferred_username : typeof p.sub === 'string' ? p.sub : '?';
    return { username, roles, exp: typeof p.exp === 'number' ? p.exp : 0 };
  } catch {
    return { username: '?', roles: [], exp: 0 };
  }
}

async function post(url: string, form: Record<string, string>): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw new CliError(
      `unavailable: cannot reach Keycloak at ${new URL(url).origin} (${cause}) — is \`make up\` running? Set --keycloak-url or HUB_KEYCLOAK_URL`,
      EXIT.unavailable,
    );
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body };
}

/** Keycloak's refusal in words, with the exit code that fits it. */
function refusal(what: string, status: number, body: unknown, clientId: string): CliError {
  const e = OAuthError.safeParse(body);
  if (!e.success) {
    const code = status >= 500 || status === 429 ? EXIT.unavailable : EXIT.error;
    return new CliError(`${what} failed: Keycloak answered ${status}`, code);
  }
  const said = e.data.error_description ?? e.data.error;
  switch (e.data.error) {
    case 'invalid_grant':
      return new CliError(`${what} failed: ${said}`, EXIT.denied, e.data.error);
    case 'invalid_client':
    case 'unauthorized_client':
      return new CliError(
        `${what} failed: the Keycloak client "${clientId}" does not allow this (${said}) — choose another with --client`,
        EXIT.usage,
        e.data.error,
      );
    case 'access_denied':
      return new CliError(`${what} failed: the sign-in was declined in the browser`, EXIT.denied, e.data.error);
    case 'expired_token':
      return new CliError(
        `${what} failed: the code expired before the sign-in was finished — run \`${HUB} login\` again`,
        EXIT.denied,
        e.data.error,
      );
    default:
      return new CliError(`${what} failed: ${said}`, status >= 500 ? EXIT.unavailable : EXIT.error, e.data.error);
  }
}

const endpoint = (issuer: string, path: string) => `${issuer}/protocol/openid-connect/${path}`;

async function token(issuer: string, clientId: string, what: string, form: Record<string, string>): Promise<TokenResponse> {
  const r = await post(endpoint(issuer, 'token'), { client_id: clientId, ...form });
  if (r.status !== 200) throw refusal(what, r.status, r.body, clientId);
  return TokenResponse.parse(r.body);
}

/** Tokens for a user by name and password (the client must allow direct access grants). */
export function passwordGrant(issuer: string, clientId: string, username: string, password: string): Promise<TokenResponse> {
  return token(issuer, clientId, 'login', { grant_type: 'password', username, password, scope: 'openid' });
}

/** New tokens for a refresh token. */
export function refreshGrant(issuer: string, clientId: string, refreshToken: string): Promise<TokenResponse> {
  return token(issuer, clientId, 'refreshing the sign-in', { grant_type: 'refresh_token', refresh_token: refreshToken });
}

/** Starts a device authorization: the code the user confirms in a browser. */
export async function startDeviceLogin(issuer: string, clientId: string): Promise<DeviceAuthorization> {
  const r = await post(endpoint(issuer, 'auth/device'), { client_id: clientId, scope: 'openid' });
  if (r.status !== 200) throw refusal('device login', r.status, r.body, clientId);
  return DeviceAuthorization.parse(r.body);
}

/** RFC 8628 §3.5: keep polling while pending; `slow_down` adds 5 s to the interval. */
export async function awaitDeviceLogin(
  issuer: string,
  clientId: string,
  device: DeviceAuthorization,
  sleep: (ms: number) => Promise<void>,
): Promise<TokenResponse> {
  let intervalS = device.interval;
  const until = Date.now() + device.expires_in * 1000;
  for (;;) {
    await sleep(intervalS * 1000);
    const r = await post(endpoint(issuer, 'token'), {
      client_id: clientId,
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: device.device_code,
    });
    if (r.status === 200) return TokenResponse.parse(r.body);
    const e = OAuthError.safeParse(r.body);
    const pending = e.success && (e.data.error === 'authorization_pending' || e.data.error === 'slow_down');
    if (!pending || Date.now() > until) throw refusal('device login', r.status, r.body, clientId);
    if (e.data.error === 'slow_down') intervalS += 5;
  }
}

/** Ends the Keycloak session of a refresh token (RP-initiated logout with the refresh token). */
export async function endSession(issuer: string, clientId: string, refreshToken: string): Promise<void> {
  const r = await post(endpoint(issuer, 'logout'), { client_id: clientId, refresh_token: refreshToken });
  // 400 invalid_grant: the session had already ended (expired, or signed out elsewhere) — done.
  if (r.status === 204 || r.status === 200) return;
  if (r.status === 400 && OAuthError.safeParse(r.body).data?.error === 'invalid_grant') return;
  throw refusal('logout', r.status, r.body, clientId);
}
