/**
 * @hub/servers — starts the platform's real servers as project-local processes (no Docker):
 * NATS with JetStream, Resgate, PostgreSQL 15, Redis (KeyDB stand-in), Keycloak 26 and Traefik 3,
 * and for observability Prometheus, prometheus-nats-exporter and Jaeger v2.
 * Used by `make up` (scripts/up.ts) and by the test kit's global setup. The same servers as
 * containers: `@hub/servers/containers` (kept apart so only its users load testcontainers).
 */
export { startPlatform, PROCESS_LAUNCHERS } from './platform.ts';
export type { Launchers, ObservabilityOptions, Platform, PlatformOptions, PlatformPorts, PlatformUrls } from './platform.ts';
export { startNats, NATS_CONFIG } from './nats.ts';
export { startResgate, RESGATE_CONFIG } from './resgate.ts';
export { startPostgres, clearStalePid, PG_USER } from './postgres.ts';
export { startRedis } from './redis.ts';
export { startKeycloak } from './keycloak.ts';
export { REALM, REALM_FILE, DEV_REALM_OVERLAY_FILE, devRealm, mergeRealm, productionRealm } from './realm.ts';
export { startTraefik, TRAEFIK_DYNAMIC_DIR } from './traefik.ts';
export type { TraefikOptions } from './traefik.ts';
export { ingressEnv, INGRESS_SETTINGS } from './ingress.ts';
export type { IngressLimits } from './ingress.ts';
export { ManagedProcess, RESTART_DELAY_MS, RESTART_DELAY_MAX_MS } from './process.ts';
export type { LogSink, ProcessSpec, RestartPolicy } from './process.ts';
export { prepareConfig, PROMETHEUS_DIR, startPrometheus, targetFile } from './prometheus.ts';
export type { RunningPrometheus, ScrapeJob, TargetGroup } from './prometheus.ts';
export { startNatsExporter } from './nats-exporter.ts';
export { JAEGER_CONFIG, startJaeger } from './jaeger.ts';
export type { JaegerPorts, RunningJaeger } from './jaeger.ts';
export type { RunningServer } from './server.ts';
export { freePort, envPort } from './ports.ts';
export { freePlatformPorts, logFiles } from './run-files.ts';
export { waitUntil, httpOk, tcpOpen } from './wait.ts';
export { repoRoot, localDir, bin } from './paths.ts';
export { discoverServices, instanceNames, serviceCommand, serviceEnv, startServices, WEB_SERVICE } from './services.ts';
export type { ServiceRuntime, StartedService, StartServicesOptions } from './services.ts';
export { buildWebApp, webSourceHash, WEB_DIR } from './web.ts';
