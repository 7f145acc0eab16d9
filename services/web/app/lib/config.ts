/**
 * Runtime configuration of the browser app, from SvelteKit's `$env/dynamic/public` (set by the
 * server, src/main.ts, from its validated environment): one build serves every platform.
 */
import { env } from '$env/dynamic/public';

export interface AppConfig {
  readonly keycloakUrl: string;
  readonly realm: string;
  readonly clientId: string;
  /** Resgate's WebSocket URL: the page's own origin unless configured. */
  readonly wsUrl: string;
}

function required(name: string): string {
  const v: string | undefined = (env as Record<string, string | undefined>)[name];
  if (v === undefined || v === '') throw new Error(`The web app's server did not provide ${name}; restart it with make up.`);
  return v;
}

export function appConfig(): AppConfig {
  const own = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`;
  return {
    keycloakUrl: required('PUBLIC_KEYCLOAK_URL'),
    realm: required('PUBLIC_KEYCLOAK_REALM'),
    clientId: required('PUBLIC_KEYCLOAK_CLIENT_ID'),
    wsUrl: (env as Record<string, string | undefined>).PUBLIC_RESGATE_WS_URL || own,
  };
}
