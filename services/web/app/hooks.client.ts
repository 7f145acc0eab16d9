/**
 * Starts the session and the connection as the app starts, before the router has matched the
 * route and mounted the layout: keycloak-js' silent check-sso and the WebSocket are on the path
 * to the first live data (bench/web.ts), so they begin as early as the page's script can.
 *
 * Not when the URL carries a sign-in callback (`#state=…&code=…`, keycloak-js' fragment mode):
 * keycloak-js removes it from the URL as it reads it, and the router, starting after this hook,
 * would put its first URL — with the used code — back (a reload would then fail the sign-in).
 * The layout starts the session then, after the router (app.svelte.ts creates it once).
 */
import type { ClientInit } from '@sveltejs/kit';
import { hubApp } from '$lib/app.svelte.ts';

/** The parameters of an OAuth callback in the fragment. */
const CALLBACK = /(^#|&)(state|code|error)=/;

export const init: ClientInit = () => {
  if (!CALLBACK.test(location.hash)) hubApp();
};
