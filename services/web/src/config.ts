/**
 * The web app's environment, validated once at start. The Keycloak URL, realm and client id are
 * runtime configuration (not baked in at build time), so one build serves any platform: `make up`,
 * tests on free ports, the stack. Every variable may also come as NAME_FILE (configOrExit).
 */
import { z } from '@hub/res';
import { opsEnv } from '@hub/telemetry';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** `<origin>` only: scheme, host and port, no path (what browsers send as `Origin`). */
const origin = z.url().transform((u) => new URL(u).origin);

/** `{base}/realms/{realm}`, the form Keycloak's issuer always has. */
const issuer = z.url().regex(/^https?:\/\/[^/]+(\/.*)?\/realms\/[^/]+\/?$/, 'must look like <keycloak>/realms/<realm>');

export const configSchema = z.object({
  /** The app's port (0: a free one; the log line "serving" names it). */
  WEB_PORT: z.coerce.number().int().min(0).max(65535).default(8100),
  WEB_HOST: z.string().min(1).default('127.0.0.1'),
  /** The origin browsers use (Traefik's entry point); other hosts are redirected there. */
  WEB_PUBLIC_ORIGIN: origin.default('http://localhost:8000'),
  KEYCLOAK_ISSUER: issuer.default('http://localhost:8180/realms/servicehub'),
  /** The realm's public client for the app (authorization code + PKCE). */
  WEB_CLIENT_ID: z.string().min(1).default('hub-web'),
  /** Resgate's WebSocket; empty means the page's own origin (Traefik routes the upgrade to Resgate). */
  RESGATE_WS_URL: z.union([z.literal(''), z.url().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL')]).default(''),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** The ops server (`/healthz`, `/readyz`, `/metrics`), as every service has: its port (0 = a free one) and address. */
  ...opsEnv,
});

export type Config = z.infer<typeof configSchema>;

/** What the browser needs, handed to SvelteKit as its `$env/dynamic/public` variables. */
export function publicEnv(c: Config): Record<string, string> {
  const at = c.KEYCLOAK_ISSUER.replace(/\/$/, '').lastIndexOf('/realms/');
  return {
    PUBLIC_KEYCLOAK_URL: c.KEYCLOAK_ISSUER.slice(0, at),
    PUBLIC_KEYCLOAK_REALM: c.KEYCLOAK_ISSUER.replace(/\/$/, '').slice(at + '/realms/'.length),
    PUBLIC_KEYCLOAK_CLIENT_ID: c.WEB_CLIENT_ID,
    PUBLIC_RESGATE_WS_URL: c.RESGATE_WS_URL,
  };
}
