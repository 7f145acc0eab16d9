/**
 * The whole platform of real servers, started together: `make up` and the test kit's global
 * setup both come through here, so what the tests prove is what developers run.
 */
import { join } from 'node:path';
import { startKeycloak } from './keycloak.ts';
import { startNats } from './nats.ts';
import { PG_USER, startPostgres } from './postgres.ts';
import type { LogSink } from './process.ts';
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
  /** Progress messages ("starting keycloak…"). */
  progress?: (message: string) => void;
}

export interface Platform {
  readonly urls: PlatformUrls;
  readonly servers: readonly RunningServer[];
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
    o.progress?.(`${name} ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return server;
  };
  // In parallel: nothing depends on an orderly goodbye between the servers (Resgate's restart is
  // disarmed by stop()), and serial stops add up on every test run.
  const stop = async () => {
    await Promise.all(started.map((s) => s.stop()));
  };
  const { ports: p, log, runDir } = o;
  try {
    const natsP = track('nats', () => startNats({ port: p.nats, monitorPort: p.natsMonitor, dataDir: join(runDir, 'nats'), log }));
    // Resgate exits without NATS, so it starts once NATS is healthy; Traefik only needs its URL.
    const resgateP = natsP.then(() =>
      track('resgate', () => startResgate({ port: p.resgate, natsUrl: `nats://127.0.0.1:${p.nats}`, allowOrigin: appOrigin(p.traefik), ...o.resgate, log })),
    );
    const keycloakP = track('keycloak', () =>
      startKeycloak({
        port: p.keycloak, managementPort: p.keycloakManagement, adminUser: o.keycloakAdmin.user, adminPassword: o.keycloakAdmin.password,
        backchannelLogoutUrl: backchannelUrl(p.identityBackchannel), webOrigin: appOrigin(p.traefik), log,
      }),
    );
    const all = await Promise.allSettled([
      natsP,
      keycloakP,
      track('postgres', () => startPostgres({ port: p.postgres, dataDir: join(runDir, 'postgres'), fast: o.fast ?? false, log })),
      track('redis', () => startRedis({ port: p.redis, dataDir: runDir, log })),
      resgateP,
      resgateP.then((resgate) => track('traefik', () => startTraefik({ port: p.traefik, adminPort: p.traefikAdmin, resgateUrl: resgate.url, webUrl: `http://127.0.0.1:${p.web}`, log }))),
    ]);
    // Wait for every start to settle before cleaning up, so no late starter is left running.
    const failed = all.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const keycloak = await keycloakP;
    return {
      servers: started,
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
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
