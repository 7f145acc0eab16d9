/**
 * Where the CLI connects and keeps its sign-in: global options, each with an environment variable
 * and a default that fits `make up` on this machine. Validated once, before any command runs.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { usage } from './exit.ts';

/** Traefik's entry point under `make up`: Resgate's WebSocket is routed at `/`. */
export const DEFAULT_URL = 'ws://localhost:8000';
export const DEFAULT_KEYCLOAK_URL = 'http://localhost:8180';
export const DEFAULT_REALM = 'servicehub';
/** Dev-only public client with the password grant (keycloak/servicehub-realm.dev.json). */
export const PASSWORD_CLIENT = 'hub-test';
/** Public client with the device authorization grant (keycloak/servicehub-realm.json). */
export const DEVICE_CLIENT = 'hub-cli';
export const DEFAULT_TIMEOUT_MS = 10_000;

/** `$XDG_CONFIG_HOME/hub/token.json`, else `~/.config/hub/token.json`. */
export function defaultTokenFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'hub', 'token.json');
}

const url = (protocols: readonly string[], what: string) =>
  z.string().refine((s) => URL.canParse(s) && protocols.includes(new URL(s).protocol), `${what} must be a ${protocols.join(' or ')} URL`);

const schema = z.object({
  url: url(['ws:', 'wss:'], '--url (HUB_URL)'),
  keycloakUrl: url(['http:', 'https:'], '--keycloak-url (HUB_KEYCLOAK_URL)').transform((s) => s.replace(/\/+$/, '')),
  realm: z.string().min(1),
  client: z.string().min(1).optional(),
  tokenFile: z.string().min(1),
  timeout: z.coerce.number().int('--timeout (HUB_TIMEOUT_MS) must be whole milliseconds').positive('--timeout must be positive'),
  json: z.boolean().default(false),
});

export interface Settings {
  /** Resgate's WebSocket URL. */
  readonly url: string;
  /** `<keycloak>/realms/<realm>`. */
  readonly issuer: string;
  /** The Keycloak client chosen with --client, if any (else each sign-in flow has its own). */
  readonly client: string | undefined;
  readonly tokenFile: string;
  readonly timeoutMs: number;
  readonly json: boolean;
  /** HUB_TOKEN: an access token to send as is (scripts, CI); the token file is then not read. */
  readonly envToken: string | undefined;
}

/** Validates the global options (commander's values, environment already applied). */
export function settingsFrom(opts: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Settings {
  const r = schema.safeParse(opts);
  if (!r.success) throw usage(r.error.issues.map((i) => i.message).join('; '));
  const o = r.data;
  const envToken = env.HUB_TOKEN !== undefined && env.HUB_TOKEN !== '' ? env.HUB_TOKEN : undefined;
  return {
    url: o.url,
    issuer: `${o.keycloakUrl}/realms/${encodeURIComponent(o.realm)}`,
    client: o.client,
    tokenFile: o.tokenFile,
    timeoutMs: o.timeout,
    json: o.json,
    envToken,
  };
}
