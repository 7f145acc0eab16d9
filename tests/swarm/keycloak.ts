/**
 * Keycloak's admin REST API on the stack, through Traefik's admin entry point, signed in with the
 * stack's own admin secret (the Docker secret `make test-stack` created).
 */
const TIMEOUT_MS = 30_000;

export interface Admin {
  call(method: string, path: string, json?: unknown): Promise<{ status: number; location: string | null; body: unknown }>;
}

/** A master-realm token of `admin` (Keycloak's own admin-cli client; it lives one minute). */
async function adminToken(adminUrl: string, password: string): Promise<string> {
  const res = await fetch(`${adminUrl}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: 'admin', password }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`Keycloak admin sign-in failed: ${String(res.status)} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Signs in (proving the secret works), then signs in again for each call, as tokens are short-lived. */
export async function keycloakAdmin(adminUrl: string, password: string): Promise<Admin> {
  await adminToken(adminUrl, password);
  return {
    async call(method: string, path: string, json?: unknown) {
      const token = await adminToken(adminUrl, password);
      const r = await fetch(`${adminUrl}/admin/realms${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
        body: json === undefined ? null : JSON.stringify(json),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const text = await r.text();
      if (!r.ok) throw new Error(`Keycloak admin ${method} ${path}: ${String(r.status)} ${text}`);
      return { status: r.status, location: r.headers.get('location'), body: (text === '' ? undefined : JSON.parse(text)) as unknown };
    },
  };
}

/** The last path segment of a Location header (the new object's id). */
export function idOf(location: string | null): string {
  return (location ?? '').slice((location ?? '').lastIndexOf('/') + 1);
}

export const AUDIENCE_MAPPER = {
  name: 'hub-api audience', protocol: 'openid-connect', protocolMapper: 'oidc-audience-mapper',
  config: { 'included.custom.audience': 'hub-api', 'access.token.claim': 'true', 'id.token.claim': 'false' },
};
