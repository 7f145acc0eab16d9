/**
 * `hub login [user]`: signs in with Keycloak and saves the tokens (see session.ts).
 * - With a user name: the password grant, through the dev-only `hub-test` client (the dev users
 *   of `make up`). The password comes from `--password-stdin`, HUB_PASSWORD, or a hidden prompt.
 * - Without (or `--device`): the device authorization grant through `hub-cli` — open the printed
 *   address in any browser, sign in there; the CLI waits for it. Works for every realm user.
 */
import { read } from 'read';
import type { Ctx } from '../context.ts';
import { CliError, EXIT, usage } from '../exit.ts';
import { awaitDeviceLogin, claimsOf, passwordGrant, startDeviceLogin, type TokenResponse } from '../keycloak.ts';
import { sessionOf, writeSession } from '../session.ts';
import { DEVICE_CLIENT, PASSWORD_CLIENT } from '../settings.ts';

export interface LoginOptions {
  readonly passwordStdin?: boolean;
  readonly device?: boolean;
}

/** Keycloak's built-in roles every user has: left out of what we print. */
const BUILT_IN = /^(default-roles-.*|offline_access|uma_authorization)$/;

async function stdinText(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function password(user: string, o: LoginOptions): Promise<string> {
  if (o.passwordStdin === true) return stdinText();
  const env = process.env.HUB_PASSWORD;
  if (env !== undefined && env !== '') return env;
  if (!process.stdin.isTTY) throw usage(`no password for ${user}: pass --password-stdin, set HUB_PASSWORD, or run in a terminal`);
  return read({ prompt: `Password for ${user}: `, silent: true, replace: '', output: process.stderr });
}

async function device(ctx: Ctx, clientId: string): Promise<TokenResponse> {
  const { issuer } = ctx.settings;
  const d = await startDeviceLogin(issuer, clientId);
  const where = d.verification_uri_complete ?? d.verification_uri;
  ctx.out.note(`To sign in, open ${where}`);
  ctx.out.note(`and confirm the code ${d.user_code} (it expires in ${String(Math.round(d.expires_in / 60))} min). Waiting…`);
  return awaitDeviceLogin(issuer, clientId, d, (ms) => new Promise((r) => setTimeout(r, ms)));
}

export async function login(ctx: Ctx, user: string | undefined, o: LoginOptions): Promise<void> {
  const { issuer, tokenFile } = ctx.settings;
  if (user !== undefined && o.device === true) throw usage('--device signs in through a browser: give no user name');
  const clientId = ctx.settings.client ?? (user === undefined ? DEVICE_CLIENT : PASSWORD_CLIENT);
  const t = user === undefined ? await device(ctx, clientId) : await passwordGrant(issuer, clientId, user, await password(user, o));
  if (t.refresh_token === undefined) throw new CliError('login failed: Keycloak sent no refresh token', EXIT.error);
  const s = sessionOf(issuer, clientId, t);
  writeSession(tokenFile, s);
  const roles = claimsOf(t.access_token).roles.filter((r) => !BUILT_IN.test(r));
  ctx.out.result(
    { username: s.username, roles, issuer, clientId, tokenFile },
    `signed in as ${s.username} (roles: ${roles.length > 0 ? roles.join(', ') : 'none'}); token saved in ${tokenFile}`,
  );
}
