/**
 * The web app's HTTP server: the built SvelteKit app (adapter-node's handler) behind a canonical
 * host redirect and the security headers, plus `/healthz` on the app port (what the launchers
 * wait for) and the ops server every service has on OPS_PORT (`/healthz`, `/readyz`, `/metrics`).
 *
 * Why not `defineService`: that shape builds a RES service on NATS (its RIDs, queues, ownership,
 * NATS readiness). The web server owns no RIDs and never talks to NATS — browsers reach Resgate
 * themselves — so it would open a connection for nothing and be "unready" whenever NATS is away
 * while it can serve pages perfectly well. It keeps the rest of the service contract: validated
 * config, pino JSON logs (`"msg":"serving"`), `runService`'s signals and exit codes, the ops port.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { createTelemetry, startOpsServer, type OpsServer } from '@hub/telemetry';
import { publicEnv, type Config } from './config.ts';
import { CSP_HEADER, canonicalRedirect, securityHeaders } from './headers.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** In-flight requests get this long on stop before their sockets are closed. */
const SHUTDOWN_GRACE_MS = 1500;

/**
 * Every answer gets the security headers; the fallback CSP goes on all but a 304. A 304's headers
 * replace the cached response's (RFC 9111 §4.3.4): a fallback CSP on it would replace the page's
 * own (which allows SvelteKit's inline bootstrap script by hash) and a page opened again from the
 * browser cache — a second tab, a reload — would stay blank. Headers the app passes to writeHead
 * (its page CSP) take precedence over these.
 */
function secure(res: ServerResponse, tls: boolean): void {
  for (const [k, v] of Object.entries(securityHeaders({ tls }))) res.setHeader(k, v);
  const writeHead = res.writeHead.bind(res);
  res.writeHead = ((status: number, ...rest: Parameters<typeof writeHead> extends [number, ...infer R] ? R : never) => {
    if (status === 304) res.removeHeader(CSP_HEADER);
    return writeHead(status, ...rest);
  }) as typeof res.writeHead;
}

/** Loads the built app; adapter-node reads its settings and `$env/dynamic/*` when the module loads. */
async function loadHandler(buildDir: string, c: Config): Promise<Handler> {
  const file = `${buildDir}handler.js`;
  if (!existsSync(file)) {
    throw new Error(
      `no built app in ${buildDir}: build it with \`npm run -w services/web build\` (make up, npm run build and the tests do this for you)`,
    );
  }
  // ORIGIN: pages are served for the public origin, whatever Host the proxy forwards.
  Object.assign(process.env, publicEnv(c), { ORIGIN: c.WEB_PUBLIC_ORIGIN });
  return ((await import(pathToFileURL(file).href)) as { handler: Handler }).handler;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The app server as `runService` runs it. @example await runService(new WebServer(config, buildDir, log)); */
export class WebServer {
  #server: Server | undefined;
  #ops: OpsServer | undefined;

  constructor(
    readonly config: Config,
    readonly buildDir: string,
    readonly log: Logger,
  ) {}

  /** The app's address as bound (the real port when WEB_PORT=0). */
  get url(): string | undefined {
    const a = this.#server?.address();
    return typeof a === 'object' && a !== null ? `http://${this.config.WEB_HOST}:${String(a.port)}` : undefined;
  }

  /** The ops server's address (`/healthz`, `/readyz`, `/metrics`). */
  get opsUrl(): string | undefined {
    return this.#ops?.url;
  }

  async start(): Promise<void> {
    const c = this.config;
    const handler = await loadHandler(this.buildDir, c);
    const telemetry = createTelemetry({ service: 'web' });
    this.#ops = await startOpsServer({
      port: c.OPS_PORT,
      host: c.OPS_HOST,
      registry: telemetry.registry,
      log: this.log,
      checks: {
        app: () => {
          if (this.#server?.listening !== true) throw new Error('the app server is not listening');
        },
      },
    });
    const server = createServer((req, res) => {
      this.#serve(handler, req, res);
    });
    await listen(server, c.WEB_PORT, c.WEB_HOST);
    this.#server = server;
    this.log.info(
      { url: this.url, origin: c.WEB_PUBLIC_ORIGIN, keycloak: c.KEYCLOAK_ISSUER, client: c.WEB_CLIENT_ID, ops: this.#ops.url },
      'serving',
    );
  }

  #serve(handler: Handler, req: IncomingMessage, res: ServerResponse): void {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end('ok\n');
      return;
    }
    const to = canonicalRedirect(this.config.WEB_PUBLIC_ORIGIN, req.headers.host, req.url ?? '/');
    if (to !== undefined) {
      res.writeHead(308, { location: to }).end();
      return;
    }
    secure(res, req.headers['x-forwarded-proto'] === 'https');
    handler(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
    });
  }

  /** Stops taking connections, lets in-flight requests finish (briefly), then stops the ops server. */
  async close(): Promise<void> {
    const server = this.#server;
    if (server !== undefined) {
      const closed = new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      server.closeIdleConnections();
      const grace = setTimeout(() => {
        server.closeAllConnections();
      }, SHUTDOWN_GRACE_MS);
      await closed;
      clearTimeout(grace);
    }
    await this.#ops?.close();
  }
}
