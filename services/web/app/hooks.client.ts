/**
 * Starts the session and the connection as the app starts, before the router has matched the
 * route and mounted the layout: keycloak-js' silent check-sso and the WebSocket are on the path
 * to the first live data, so they begin as early as the page's script can begin them.
 */
import type { ClientInit } from '@sveltejs/kit';
import { hubApp } from '$lib/app.svelte.ts';

export const init: ClientInit = () => {
  hubApp();
};
