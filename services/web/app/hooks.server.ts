/**
 * The page CSP gets the runtime origins: Keycloak (token endpoint calls, the silent check-sso and
 * session-status frames) and Resgate's WebSocket when it is not on the app's own origin.
 */
import type { Handle } from '@sveltejs/kit';
import { env } from '$env/dynamic/public';
import { originOf, withSources } from '$lib/server/csp.ts';

const CSP = 'content-security-policy';

export const handle: Handle = async ({ event, resolve }) => {
  const response = await resolve(event);
  const csp = response.headers.get(CSP);
  if (csp === null) return response;
  const keycloak = originOf(env.PUBLIC_KEYCLOAK_URL);
  const ws = env.PUBLIC_RESGATE_WS_URL;
  const connect = [keycloak, ws === undefined || ws === '' ? undefined : ws].filter((s) => s !== undefined);
  response.headers.set(CSP, withSources(csp, { 'connect-src': connect, 'frame-src': keycloak === undefined ? [] : [keycloak] }));
  return response;
};
