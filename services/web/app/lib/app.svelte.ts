/** The page's session and connection, created once per page load (the app renders in the browser only). */
import { appConfig } from './config.ts';
import { Hub } from './hub.svelte.ts';
import { Session } from './session.svelte.ts';

let current: { readonly session: Session; readonly hub: Hub } | undefined;

export function hubApp(): { readonly session: Session; readonly hub: Hub } {
  if (current === undefined) {
    const config = appConfig();
    const session = new Session(config);
    current = { session, hub: new Hub(config, session) };
  }
  return current;
}
