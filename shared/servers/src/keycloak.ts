/**
 * Keycloak 26 in dev mode with an in-memory database: every start imports the realm kept in the
 * repo (keycloak/servicehub-realm.json with the dev/test overlay merged in, see realm.ts), so each
 * run begins from the same users and keys.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin } from './paths.ts';
import { devRealm, REALM } from './realm.ts';
import { ManagedProcess, type LogSink } from './process.ts';
import { whenReady, type RunningServer } from './server.ts';
import { httpOk, waitUntil } from './wait.ts';

export interface KeycloakOptions {
  port: number;
  managementPort: number;
  adminUser: string;
  adminPassword: string;
  /** Substituted for `${HUB_IDENTITY_BACKCHANNEL_URL}` in the realm JSON at import. */
  backchannelLogoutUrl: string;
  /**
   * Substituted for `${HUB_PUBLIC_URL}`: the origin browsers use (the web app's, Traefik's entry
   * point), the only one the `hub-web` client redirects to and accepts token requests from.
   */
  publicUrl: string;
  log: LogSink;
  readyTimeoutMs?: number;
}

export interface RunningKeycloak extends RunningServer {
  /** Token issuer, pinned through --hostname so it does not follow the caller's Host header. */
  readonly issuer: string;
}

/** Dev-mode flags: fresh in-memory database, realm imported, issuer pinned (also for the container launcher). */
export function keycloakArgs(o: Pick<KeycloakOptions, 'port' | 'managementPort'>): string[] {
  return [
    'start-dev', `--http-port=${o.port}`, '--http-host=127.0.0.1', `--hostname=${keycloakBase(o.port)}`,
    `--http-management-port=${o.managementPort}`, '--health-enabled=true', '--db=dev-mem', '--import-realm',
  ];
}

/** The environment Keycloak needs beyond its flags. */
export function keycloakEnv(o: KeycloakOptions): Record<string, string> {
  return {
    KC_BOOTSTRAP_ADMIN_USERNAME: o.adminUser,
    KC_BOOTSTRAP_ADMIN_PASSWORD: o.adminPassword,
    // Keycloak resolves ${VAR} placeholders in imported realm files from its environment.
    HUB_IDENTITY_BACKCHANNEL_URL: o.backchannelLogoutUrl,
    HUB_PUBLIC_URL: o.publicUrl,
    JAVA_OPTS_KC_HEAP: process.env.JAVA_OPTS_KC_HEAP ?? '-Xms64m -Xmx768m',
  };
}

const keycloakBase = (port: number): string => `http://localhost:${String(port)}`;

/** Resolves once /health/ready on the management port answers 200. */
export function keycloakReady(o: KeycloakOptions, alive?: () => string | undefined): Promise<void> {
  return waitUntil(() => httpOk(`http://127.0.0.1:${o.managementPort}/health/ready`), o.readyTimeoutMs ?? 180_000, 'keycloak', alive);
}

/** The running Keycloak's base URL and issuer. */
export function keycloakUrls(port: number): { url: string; issuer: string } {
  return { url: keycloakBase(port), issuer: `${keycloakBase(port)}/realms/${REALM}` };
}

/** Starts Keycloak and resolves once /health/ready on the management port answers 200. */
export async function startKeycloak(o: KeycloakOptions): Promise<RunningKeycloak> {
  const home = bin.keycloakHome;
  const importDir = join(home, 'data', 'import');
  mkdirSync(importDir, { recursive: true });
  // Same content for every instance, so concurrent runs overwriting it is harmless; written aside
  // and renamed, so a Keycloak starting meanwhile never reads half a file.
  const tmp = join(importDir, `.${REALM}-realm.${String(process.pid)}.tmp`);
  writeFileSync(tmp, JSON.stringify(devRealm()));
  renameSync(tmp, join(importDir, `${REALM}-realm.json`));
  const proc = ManagedProcess.start({
    name: 'keycloak', command: join(home, 'bin', 'kc.sh'), args: keycloakArgs(o), env: { ...process.env, ...keycloakEnv(o) }, log: o.log,
  });
  const { url, issuer } = keycloakUrls(o.port);
  const server = await whenReady('keycloak', url, proc, () => keycloakReady(o, () => proc.exitReason()));
  return { ...server, issuer };
}
