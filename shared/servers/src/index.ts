/**
 * @hub/servers — starts the platform's real servers as project-local processes (no Docker):
 * NATS with JetStream, Resgate, PostgreSQL 15, Redis (KeyDB stand-in), Keycloak 26 and Traefik 3.
 * Used by `make up` (scripts/up.ts) and by the test kit's global setup.
 */
export { startPlatform } from './platform.ts';
export type { Platform, PlatformOptions, PlatformPorts, PlatformUrls } from './platform.ts';
export { startNats } from './nats.ts';
export { startResgate, RESGATE_CONFIG } from './resgate.ts';
export { startPostgres, PG_USER } from './postgres.ts';
export { startRedis } from './redis.ts';
export { startKeycloak, REALM, REALM_FILE } from './keycloak.ts';
export { startTraefik } from './traefik.ts';
export { ManagedProcess } from './process.ts';
export type { LogSink, ProcessSpec } from './process.ts';
export type { RunningServer } from './server.ts';
export { freePort, envPort } from './ports.ts';
export { waitUntil, httpOk, tcpOpen } from './wait.ts';
export { repoRoot, localDir, bin } from './paths.ts';
export { discoverServices, serviceEnv, startServices, WEB_SERVICE } from './services.ts';
export { buildWebApp, webSourceHash, WEB_DIR } from './web.ts';
export type { StartedService } from './services.ts';
