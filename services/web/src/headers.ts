/**
 * Security headers on every response of the web app. SvelteKit sets the page CSP itself (with the
 * hashes of its inline bootstrap script, see svelte.config.js and app/hooks.server.ts); this CSP is
 * the fallback for everything else it serves (static files such as silent-check-sso.html).
 */

export const CSP_HEADER = 'content-security-policy';

/**
 * keycloak-js' silent check-sso: Keycloak redirects a hidden frame to static/silent-check-sso.html
 * with the result of a prompt=none authorization request, and this inline script hands it to the
 * app (same origin only). Inline, not a file: one request less on the way to the first data.
 */
export const SILENT_CHECK_SSO_SCRIPT = 'parent.postMessage(location.href, location.origin);';

/** Its hash (CSP `script-src`): sha256, base64 (test/server.test.ts checks it against the file). */
const SILENT_CHECK_SSO_HASH = 'sha256-NuGEHWbQP7fFayUad46pwOQjhf59O6x6VUaef+Cctms=';

/** For responses that carry no CSP of their own: own scripts (and the one above) only, framed only by the app itself. */
export const FALLBACK_CSP = `default-src 'self'; script-src 'self' '${SILENT_CHECK_SSO_HASH}'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`;

export function securityHeaders(o: { tls: boolean }): Record<string, string> {
  return {
    [CSP_HEADER]: FALLBACK_CSP,
    'x-content-type-options': 'nosniff',
    // The app's own frames only (Keycloak's silent check-sso page): no clickjacking by other sites.
    'x-frame-options': 'SAMEORIGIN',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    ...(o.tls ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/**
 * Where a request for another host should go: the app lives at one origin (Keycloak redirects
 * and Resgate's allowed origin name it), so `127.0.0.1:8000` is sent to `localhost:8000`.
 * Undefined when the request already uses the public host.
 */
export function canonicalRedirect(publicOrigin: string, host: string | undefined, path: string): string | undefined {
  const want = new URL(publicOrigin);
  if (host === undefined || host.toLowerCase() === want.host) return undefined;
  return `${want.origin}${path.startsWith('/') ? path : '/'}`;
}
