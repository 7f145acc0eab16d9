/**
 * Entry point of the web app's server: configuration in, the built SvelteKit app (adapter-node's
 * handler) served with security headers until SIGINT/SIGTERM. `make up` builds the app first
 * (shared/servers `buildWebApp`); without a build this exits and says how to make one.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { configOrExit, EXIT_CONFIG } from '@hub/res';
import { configSchema, publicEnv } from './config.ts';
import { canonicalRedirect, securityHeaders } from './headers.ts';

type Handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next: () => void) => void;

const BUILD = fileURLToPath(new URL('../build/', import.meta.url));
/** Open connections (WebSocket upgrades do not come here) get this long to finish on stop. */
const SHUTDOWN_GRACE_MS = 2000;

const c = configOrExit(configSchema);
if (!existsSync(`${BUILD}handler.js`)) {
  process.stderr.write(`web: no built app in ${BUILD}. Build it with \`npm run -w services/web build\` (make up does this for you).\n`);
  process.exit(EXIT_CONFIG);
}
// adapter-node reads its settings and SvelteKit's $env/dynamic/* from the environment when the
// handler module loads, so they are set first. ORIGIN: pages are served for the public origin.
Object.assign(process.env, publicEnv(c), { ORIGIN: c.WEB_PUBLIC_ORIGIN });
const { handler } = (await import(pathToFileURL(`${BUILD}handler.js`).href)) as { handler: Handler };

const server = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    return;
  }
  const to = canonicalRedirect(c.WEB_PUBLIC_ORIGIN, req.headers.host, req.url ?? '/');
  if (to !== undefined) {
    res.writeHead(308, { location: to }).end();
    return;
  }
  for (const [k, v] of Object.entries(securityHeaders({ tls: req.headers['x-forwarded-proto'] === 'https' }))) res.setHeader(k, v);
  handler(req, res, () => { res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n'); });
});

server.listen(c.WEB_PORT, c.WEB_HOST, () => {
  process.stdout.write(`web: serving ${c.WEB_PUBLIC_ORIGIN} on http://${c.WEB_HOST}:${String(c.WEB_PORT)} (Keycloak ${c.KEYCLOAK_ISSUER}, client ${c.WEB_CLIENT_ID})\n`);
});

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
  });
}
