/**
 * The whole platform of real servers, started together: `make up` and the test kit's global
 * setup both come through here, so what the tests prove is what developers run.
 */
import { join } from 'node:path';
import { startJaeger, type JaegerPorts } from './jaeger.ts';
import { startKeycloak } from './keycloak.ts';
import { startNats } from './nats.ts';
import { startNatsExporter } from './nats-exporter.ts';
import { PG_USER, startPostgres } from './postgres.ts';
import type { IngressLimits } from './ingress.ts';
import type { LogSink, RestartPolicy } from './process.ts';
import { startPrometheus, type RunningPrometheus } from './prometheus.ts';
import { startRedis } from './redis.ts';
import { startResgate } from './resgate.ts';
import type { RunningServer } from './server.ts';
import { startTraefik } from './traefik.ts';

export interface PlatformPorts {
  nats: number;
  natsMonitor: number;
  resgate: number;
  postgres: number;
  redis: number;
  keycloak: number;
  keycloakManagement: number;
  traefik: number;
  traefikAdmin: number;
  /** The identity service's back-channel logout endpoint (Keycloak posts logouts there). */
  identityBackchannel: number;
  /** The web app's own HTTP port (browsers reach it through Traefik at `/`). */
  web: number;
}

/** Everything a client, service or test needs to reach the platform. */
export interface PlatformUrls {
  natsUrl: string;
  natsMonitorUrl: string;
  resgateHttpUrl: string;
  resgateWsUrl: string;
  postgresUrl: string;
  redisUrl: string;
  keycloakUrl: string;
  keycloakIssuer: string;
  keycloakAdminUser: string;
  keycloakAdminPassword: string;
  traefikUrl: string;
  traefikWsUrl: string;
  /** Where Keycloak posts back-channel logouts: the identity service listens there. */
  identityBackchannelUrl: string;
  /** The web app's own server (services/web), behind Traefik. */
  webUrl: string;
  /**
   * The web app's public origin, as browsers must use it: Traefik's entry point on `localhost`
   * (the host Keycloak's issuer uses). Resgate allows only this origin, and the realm's `hub-web`
   * client redirects only to it.
   */
  appUrl: string;
  /** With `observability`: Resgate's OpenMetrics and Traefik's metrics. */
  resgateMetricsUrl?: string;
  traefikMetricsUrl?: string;
  /** With `observability.prometheus`. */
  prometheusUrl?: string;
  /** With `observability.jaeger`: the query API/UI, and the OTLP endpoint for OTEL_EXPORTER_OTLP_ENDPOINT. */
  jaegerUrl?: string;
  otlpUrl?: string;
}

/**
 * Metrics and traces of the platform; everything here is off unless asked for, so tests and
 * benchmarks pay nothing for it.
 */
export interface ObservabilityOptions {
  /** Resgate serves OpenMetrics there; Traefik serves its metrics on its admin port. */
  resgateMetrics: number;
  /** Prometheus scraping Resgate, Traefik, NATS (through the exporter) and services' ops ports. */
  prometheus?: { port: number; natsExporterPort: number };
  /** Jaeger v2 as the trace backend (built by `make install-jaeger`). */
  jaeger?: JaegerPorts;
}

export interface PlatformOptions {
  ports: PlatformPorts;
  /** Data directories go below it (one per server). */
  runDir: string;
  log: LogSink;
  keycloakAdmin: { user: string; password: string };
  resgate?: { requestTimeoutMs?: number; headerAuth?: string };
  /** Trade durability for speed (tests). */
  fast?: boolean;
  /**
   * Restart every server with this policy once it is ready (`make up`). Without it only Resgate
   * restarts (forever, default backoff): tests that kill a server start their own.
   */
  supervise?: RestartPolicy;
  /** Ingress limits for Traefik (HUB_INGRESS_* variables apply too; defaults: traefik/dynamic). */
  ingress?: IngressLimits;
  /** Traefik's JSON access log; default `<runDir>/logs/traefik-access.log`. */
  accessLogPath?: string;
  /** How long Keycloak (a JVM, slow on a busy machine) may take to be ready; default 180 s. */
  keycloakReadyTimeoutMs?: number;
  /** Progress messages ("starting keycloak…"). */
  progress?: (message: string) => void;
  observability?: ObservabilityOptions;
  /** How each server is started: local processes (default) or containers (containers.ts). */
  launchers?: Launchers;
}

/** One start function per server; the process launchers and the container launchers both fit. */
export interface Launchers {
  nats: typeof startNats;
  resgate: typeof startResgate;
  postgres: typeof startPostgres;
  redis: typeof startRedis;
  keycloak: typeof startKeycloak;
  traefik: typeof startTraefik;
}

/** The servers as project-local processes (the default). */
export const PROCESS_LAUNCHERS: Launchers = {
  nats: startNats, resgate: startResgate, postgres: startPostgres, redis: startRedis, keycloak: startKeycloak, traefik: startTraefik,
};

export interface Platform {
  readonly urls: PlatformUrls;
  readonly servers: readonly RunningServer[];
  /** With `observability.prometheus`: add services' ops ports with `setTargets('hub-services', …)`. */
  readonly prometheus?: RunningPrometheus;
  /** Stops every server, dependants first. */
  stop(): Promise<void>;
}

/** The identity service's back-channel logout URL on this machine. */
function backchannelUrl(port: number): string {
  return `http://127.0.0.1:${port}/backchannel-logout`;
}

/** The web app's public origin: Traefik's entry point, named as browsers reach it. */
function appOrigin(traefikPort: number): string {
  return `http://localhost:${traefikPort}`;
}

/**
 * Starts NATS, PostgreSQL, Redis and Keycloak in parallel, then Resgate and Traefik.
 * If any server fails to start, the ones already up are stopped before the error is rethrown.
 * @example const p = await startPlatform({ ports, runDir: '.run/up', log, keycloakAdmin });
 */
export async function startPlatform(o: PlatformOptions): Promise<Platform> {
  const started: RunningServer[] = [];
  const track = async <T extends RunningServer>(name: string, start: () => Promise<T>): Promise<T> => {
    o.progress?.(`starting ${name}…`);
    const t0 = Date.now();
    const server = await start();
    started.push(server);
    if (o.supervise) server.process?.supervise(o.supervise);
    o.progress?.(`${name} ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return server;
  };
  // In parallel: nothing depends on an orderly goodbye between the servers (Resgate's restart is
  // disarmed by stop()), and serial stops add up on every test run.
  const stop = async () => {
    await Promise.all(started.map((s) => s.stop()));
  };
  const { ports: p, log, runDir } = o;
  const obs = o.observability;
  const run = o.launchers ?? PROCESS_LAUNCHERS;
  try {
    const natsP = track('nats', () => run.nats({ port: p.nats, monitorPort: p.natsMonitor, dataDir: join(runDir, 'nats'), log }));
    // Resgate exits without NATS, so it starts once NATS is healthy; Traefik only needs its URL.
    const resgateP = natsP.then(() =>
      track('resgate', () => run.resgate({
        port: p.resgate, natsUrl: `nats://127.0.0.1:${p.nats}`, natsMonitorUrl: `http://127.0.0.1:${p.natsMonitor}`,
        allowOrigin: appOrigin(p.traefik), ...o.resgate, ...(obs ? { metricsPort: obs.resgateMetrics } : {}), log,
      })),
    );
    const keycloakP = track('keycloak', () =>
      run.keycloak({
        port: p.keycloak, managementPort: p.keycloakManagement, adminUser: o.keycloakAdmin.user, adminPassword: o.keycloakAdmin.password,
        backchannelLogoutUrl: backchannelUrl(p.identityBackchannel), publicUrl: appOrigin(p.traefik), log,
        ...(o.keycloakReadyTimeoutMs === undefined ? {} : { readyTimeoutMs: o.keycloakReadyTimeoutMs }),
      }),
    );
    const all = await Promise.allSettled([
      natsP,
      keycloakP,
      track('postgres', () => run.postgres({ port: p.postgres, dataDir: join(runDir, 'postgres'), fast: o.fast ?? false, log })),
      track('redis', () => run.redis({ port: p.redis, dataDir: runDir, log })),
      resgateP,
      resgateP.then((resgate) => track('traefik', () => run.traefik({
        port: p.traefik, adminPort: p.traefikAdmin, resgateUrl: resgate.url, webUrl: `http://127.0.0.1:${p.web}`, log, metrics: obs !== undefined,
        accessLogPath: o.accessLogPath ?? join(runDir, 'logs', 'traefik-access.log'), ...(o.ingress ? { limits: o.ingress } : {}),
      }))),
      ...observabilityServers(o, natsP, track),
    ]);
    // Wait for every start to settle before cleaning up, so no late starter is left running.
    const failed = all.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const keycloak = await keycloakP;
    const prometheus = started.find((s): s is RunningPrometheus => s.name === 'prometheus');
    return {
      servers: started,
      ...(prometheus ? { prometheus } : {}),
      stop,
      urls: {
        natsUrl: `nats://127.0.0.1:${p.nats}`,
        natsMonitorUrl: `http://127.0.0.1:${p.natsMonitor}`,
        resgateHttpUrl: `http://127.0.0.1:${p.resgate}`,
        resgateWsUrl: `ws://127.0.0.1:${p.resgate}`,
        postgresUrl: `postgres://${PG_USER}@127.0.0.1:${p.postgres}/postgres`,
        redisUrl: `redis://127.0.0.1:${p.redis}`,
        keycloakUrl: keycloak.url,
        keycloakIssuer: keycloak.issuer,
        keycloakAdminUser: o.keycloakAdmin.user,
        keycloakAdminPassword: o.keycloakAdmin.password,
        traefikUrl: `http://127.0.0.1:${p.traefik}`,
        traefikWsUrl: `ws://127.0.0.1:${p.traefik}`,
        identityBackchannelUrl: backchannelUrl(p.identityBackchannel),
        webUrl: `http://127.0.0.1:${p.web}`,
        appUrl: appOrigin(p.traefik),
        ...observabilityUrls(o),
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

type Track = <T extends RunningServer>(name: string, start: () => Promise<T>) => Promise<T>;

/** Prometheus with its NATS exporter, and Jaeger, when asked for. */
function observabilityServers(o: PlatformOptions, natsP: Promise<RunningServer>, track: Track): Promise<RunningServer>[] {
  const obs = o.observability;
  const { ports: p, log } = o;
  const out: Promise<RunningServer>[] = [];
  if (obs?.prometheus) {
    const { port, natsExporterPort } = obs.prometheus;
    const at = (n: number) => [{ targets: [`127.0.0.1:${n}`] }];
    out.push(track('prometheus', () => startPrometheus({
      port, dir: join(o.runDir, 'prometheus'), log,
      targets: { resgate: at(obs.resgateMetrics), traefik: at(p.traefikAdmin), nats: at(natsExporterPort) },
    })));
    out.push(natsP.then(() => track('nats-exporter', () => startNatsExporter({ port: natsExporterPort, monitorUrl: `http://127.0.0.1:${p.natsMonitor}`, log }))));
  }
  if (obs?.jaeger) {
    const ports = obs.jaeger;
    out.push(track('jaeger', () => startJaeger({ ...ports, log })));
  }
  return out;
}

function observabilityUrls(o: PlatformOptions): Partial<PlatformUrls> {
  const obs = o.observability;
  if (obs === undefined) return {};
  return {
    resgateMetricsUrl: `http://127.0.0.1:${obs.resgateMetrics}/metrics`,
    traefikMetricsUrl: `http://127.0.0.1:${o.ports.traefikAdmin}/metrics`,
    ...(obs.prometheus ? { prometheusUrl: `http://127.0.0.1:${obs.prometheus.port}` } : {}),
    ...(obs.jaeger ? { jaegerUrl: `http://127.0.0.1:${obs.jaeger.query}`, otlpUrl: `http://127.0.0.1:${obs.jaeger.otlp}` } : {}),
  };
}
