/**
 * `hub logout`: ends the Keycloak session (so the identity service also resets the session's
 * open connections, through back-channel logout) and removes the token file.
 */
import type { Ctx } from '../context.ts';
import { CliError } from '../exit.ts';
import { endSession } from '../keycloak.ts';
import { readSession, removeSession } from '../session.ts';

export async function logout(ctx: Ctx): Promise<void> {
  const { tokenFile } = ctx.settings;
  const s = readSession(tokenFile);
  if (s === undefined) {
    ctx.out.result({ signedOut: false, tokenFile }, `not signed in (no ${tokenFile})`);
    return;
  }
  let ended = true;
  if (s.refreshToken !== undefined) {
    try {
      await endSession(s.issuer, s.clientId, s.refreshToken);
    } catch (e) {
      // The local sign-in is removed regardless: say what could not be done on the server.
      ended = false;
      ctx.out.note(`warning: ${e instanceof CliError ? e.message : String(e)}; the Keycloak session stays until it expires`);
    }
  }
  removeSession(tokenFile);
  ctx.out.result(
    { signedOut: true, username: s.username, sessionEnded: ended, tokenFile },
    `signed out ${s.username}; removed ${tokenFile}`,
  );
}
