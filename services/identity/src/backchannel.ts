/**
 * OIDC Back-Channel Logout endpoint (Keycloak → identity). Keycloak POSTs a signed logout token
 * (`application/x-www-form-urlencoded`, `logout_token=…`) to the client's
 * `backchannel.logout.url` whenever a session ends (user logout, admin logout, session expiry
 * through the admin console). We verify it against the realm's keys, remember the session as
 * revoked and send `system.tokenReset` for its id: every gateway re-runs `identity.refresh`
 * for the connections holding that session's token, which clears it, and Resgate re-checks access
 * on their open subscriptions.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenError, type TokenVerifier } from '@hub/auth';

/** The path Keycloak posts to. */
export const BACKCHANNEL_PATH = '/backchannel-logout';
const MAX_BODY_BYTES = 64 * 1024;

export interface BackchannelOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly verifier: TokenVerifier;
  /** Called with a verified session id that has ended. */
  readonly onLogout: (sid: string) => Promise<void>;
  readonly log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export interface Backchannel {
  /** The URL to configure as the client's `backchannel.logout.url`. */
  readonly url: string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * @example const bc = await startBackchannel({ host: '127.0.0.1', port: 8095, verifier, onLogout });
 */
export async function startBackchannel(o: BackchannelOptions): Promise<Backchannel> {
  const handle = async (req: IncomingMessage): Promise<number> => {
    if (req.method !== 'POST' || req.url !== BACKCHANNEL_PATH) return 404;
    const body = await readBody(req);
    if (body === undefined) return 413;
    const jwt = new URLSearchParams(body).get('logout_token');
    if (jwt === null || jwt === '') return 400;
    try {
      const { sid } = await o.verifier.verifyLogoutToken(jwt);
      // Without a sid there is no token id to reset (Keycloak always sends one for sessions).
      // A failure here (Postgres down) answers 500: Keycloak reports the logout as failed.
      if (sid !== undefined) await o.onLogout(sid);
      o.log?.info({ sid }, 'back-channel logout');
      return 200;
    } catch (err) {
      if (!(err instanceof TokenError)) throw err;
      o.log?.warn({ reason: err.reason }, 'back-channel logout token refused');
      return 400;
    }
  };
  const server: Server = createServer((req, res) => {
    handle(req).then(
      (status) => { res.writeHead(status, { 'cache-control': 'no-store' }).end(); },
      () => { res.writeHead(500).end(); },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => { resolve(); });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${o.host}:${port}${BACKCHANNEL_PATH}`,
    close: () => new Promise<void>((resolve) => { server.close(() => { resolve(); }); server.closeAllConnections(); }),
  };
}
