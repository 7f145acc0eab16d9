/**
 * The platform's servers as containers (testcontainers 11, the line that runs on Node 20) instead
 * of local processes, from the same images the stack deploys (scripts/docker/images.sh builds
 * them; `make test-containers` runs the smoke and customer tests this way). Selected in the test
 * kit by HUB_TEST_CONTAINERS=1; the Docker engine comes from DOCKER_HOST.
 *
 * Containers share the host's network namespace (network mode host): each server listens on
 * 127.0.0.1:<free port> exactly as its local process would, with the same flags (the launchers'
 * `*Args` helpers), so URLs, readiness probes and Keycloak's back-channel calls to a local
 * identity process are unchanged. Ryuk is not used (no registry to pull its image from):
 * TESTCONTAINERS_RYUK_DISABLED=true, and stop() removes every container this module started.
 */
import { readFileSync } from 'node:fs';
import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { keycloakArgs, keycloakEnv, keycloakReady, keycloakUrls, type KeycloakOptions, type RunningKeycloak } from './keycloak.ts';
import { natsArgs, natsReady, type NatsOptions } from './nats.ts';
import { PG_USER, postgresFlags, type PostgresOptions } from './postgres.ts';
import type { Launchers } from './platform.ts';
import { REALM, devRealm } from './realm.ts';
import { redisArgs, type RedisOptions } from './redis.ts';
import { RESGATE_CONFIG, resgateArgs, type ResgateOptions } from './resgate.ts';
import type { LogSink } from './process.ts';
import type { RunningServer } from './server.ts';
import { TRAEFIK_DYNAMIC_DIR, traefikArgs, traefikReady, traefikUpstreams, type TraefikOptions } from './traefik.ts';
import { tcpOpen, waitUntil } from './wait.ts';

// Read by testcontainers when it first talks to the engine, so set before any container starts.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

/** The images, pinned as in docker-stack.yml and built by scripts/docker/images.sh (tests/stack/stack-file.test.ts checks both). */
export const IMAGES = {
  nats: 'nats:2.15.2-alpine',
  resgate: 'resgateio/resgate:1.8.0',
  postgres: 'postgres:15.18-bookworm',
  redis: 'eqalpha/keydb:alpine_x86_64_v6.3.4',
  keycloak: 'quay.io/keycloak/keycloak:26.7.3',
  traefik: 'traefik:v3.7.15',
} as const;

interface ContainerSpec {
  name: string;
  image: string;
  command: string[];
  env?: Record<string, string>;
  entrypoint?: string[];
  files?: { content: string; target: string }[];
  directories?: { source: string; target: string }[];
  log: LogSink;
}

/** Starts a container on the host network, its output logged under `name`; readiness is the caller's. */
async function run(spec: ContainerSpec): Promise<StartedTestContainer> {
  let c = new GenericContainer(spec.image)
    .withNetworkMode('host')
    .withCommand(spec.command)
    .withEnvironment(spec.env ?? {})
    .withLabels({ 'hub.testkit': spec.name })
    .withLogConsumer((stream) => {
      stream.on('data', (chunk: Buffer | string) => {
        for (const line of chunk.toString().split('\n')) if (line !== '') spec.log(spec.name, line);
      });
    });
  if (spec.entrypoint) c = c.withEntrypoint(spec.entrypoint);
  if (spec.files) c = c.withCopyContentToContainer(spec.files);
  if (spec.directories) c = c.withCopyDirectoriesToContainer(spec.directories);
  return c.start();
}

function asServer(name: string, url: string, c: StartedTestContainer): RunningServer {
  return { name, url, stop: async () => { await c.stop({ timeout: 5_000, remove: true, removeVolumes: true }); } };
}

/** Runs `ready`; if it fails, the container is removed before the error goes on. */
async function started<T>(c: StartedTestContainer, ready: () => Promise<void>, result: () => T): Promise<T> {
  try {
    await ready();
    return result();
  } catch (err) {
    await c.stop({ remove: true, removeVolumes: true }).catch(() => undefined);
    throw err;
  }
}

async function nats(o: NatsOptions): Promise<RunningServer> {
  const c = await run({ name: 'nats', image: IMAGES.nats, command: natsArgs(o, '/data'), log: o.log });
  return started(c, () => natsReady(o), () => asServer('nats', `nats://127.0.0.1:${String(o.port)}`, c));
}

async function resgate(o: ResgateOptions): Promise<RunningServer> {
  const config = '/etc/resgate/resgate.json';
  const c = await run({
    name: 'resgate', image: IMAGES.resgate, command: resgateArgs(o, config), log: o.log,
    files: [{ content: readFileSync(RESGATE_CONFIG, 'utf8'), target: config }],
  });
  return started(c, () => waitUntil(() => tcpOpen(o.port), o.readyTimeoutMs ?? 20_000, 'resgate'), () => asServer('resgate', `http://127.0.0.1:${String(o.port)}`, c));
}

async function postgres(o: PostgresOptions): Promise<RunningServer> {
  // Trust on the host network's loopback only (listen_addresses=127.0.0.1), as the local cluster.
  const c = await run({
    name: 'postgres', image: IMAGES.postgres, command: ['postgres', ...postgresFlags(o)], log: o.log,
    env: { POSTGRES_USER: PG_USER, POSTGRES_DB: 'postgres', POSTGRES_HOST_AUTH_METHOD: 'trust' },
  });
  return started(c, () => waitUntil(() => tcpOpen(o.port), o.readyTimeoutMs ?? 60_000, 'postgres'), () => asServer('postgres', `postgres://${PG_USER}@127.0.0.1:${String(o.port)}/postgres`, c));
}

async function redis(o: RedisOptions): Promise<RunningServer> {
  const c = await run({ name: 'redis', image: IMAGES.redis, command: ['keydb-server', ...redisArgs(o.port, '/data')], log: o.log });
  return started(c, () => waitUntil(() => tcpOpen(o.port), o.readyTimeoutMs ?? 20_000, 'redis'), () => asServer('redis', `redis://127.0.0.1:${String(o.port)}`, c));
}

async function keycloak(o: KeycloakOptions): Promise<RunningKeycloak> {
  const c = await run({
    name: 'keycloak', image: IMAGES.keycloak, command: keycloakArgs(o), env: keycloakEnv(o), log: o.log,
    files: [{ content: JSON.stringify(devRealm()), target: `/opt/keycloak/data/import/${REALM}-realm.json` }],
  });
  const { url, issuer } = keycloakUrls(o.port);
  return started(c, () => keycloakReady(o), () => ({ ...asServer('keycloak', url, c), issuer }));
}

async function traefik(o: TraefikOptions): Promise<RunningServer> {
  const dynamic = '/etc/traefik/dynamic';
  const c = await run({
    name: 'traefik', image: IMAGES.traefik, command: traefikArgs(o, dynamic), log: o.log, env: traefikUpstreams(o),
    directories: [{ source: TRAEFIK_DYNAMIC_DIR, target: dynamic }],
  });
  return started(c, () => traefikReady(o), () => asServer('traefik', `http://127.0.0.1:${String(o.port)}`, c));
}

/** Every server as a container; pass as `startPlatform({ launchers: CONTAINER_LAUNCHERS, … })`. */
export const CONTAINER_LAUNCHERS: Launchers = { nats, resgate, postgres, redis, keycloak, traefik };
