/**
 * Keycloak 26 in dev mode with an in-memory database: every start imports the realm JSON kept in
 * the repo (keycloak/servicehub-realm.json), so each run begins from the same users and keys.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bin, repoRoot } from './paths.ts';
import { ManagedProcess, type LogSink } from './process.ts';
import { asServer, type RunningServer } from './server.ts';
import { httpOk, waitUntil } from './wait.ts';

/** The realm every service trusts; its JSON lives in the repo. */
export const REALM = 'servicehub';
export const REALM_FILE = join(repoRoot, 'keycloak', `${REALM}-realm.json`);

export interface KeycloakOptions {
  port: number;
  managementPort: number;
  adminUser: string;
  adminPassword: string;
  /** Substituted for `${HUB_IDENTITY_BACKCHANNEL_URL}` in the realm JSON at import. */
  backchannelLogoutUrl: string;
  /** Substituted for `${HUB_WEB_ORIGIN}`: the web app's origin, the only one `hub-web` redirects to. */
  webOrigin?: string;
  log: LogSink;
  readyTimeoutMs?: number;
}

export interface RunningKeycloak extends RunningServer {
  /** Token issuer, pinned through --hostname so it does not follow the caller's Host header. */
  readonly issuer: string;
}

/** Starts Keycloak and resolves once /health/ready on the management port answers 200. */
export async function startKeycloak(o: KeycloakOptions): Promise<RunningKeycloak> {
  const home = bin.keycloakHome;
  const importDir = join(home, 'data', 'import');
  mkdirSync(importDir, { recursive: true });
  // Same content for every instance, so concurrent runs overwriting it is harmless.
  copyFileSync(REALM_FILE, join(importDir, `${REALM}-realm.json`));
  const base = `http://localhost:${o.port}`;
  const proc = ManagedProcess.start({
    name: 'keycloak',
    command: join(home, 'bin', 'kc.sh'),
    args: [
      'start-dev',
      `--http-port=${o.port}`,
      '--http-host=127.0.0.1',
      `--hostname=${base}`,
      `--http-management-port=${o.managementPort}`,
      '--health-enabled=true',
      '--db=dev-mem',
      '--import-realm',
    ],
    env: {
      ...process.env,
      KC_BOOTSTRAP_ADMIN_USERNAME: o.adminUser,
      KC_BOOTSTRAP_ADMIN_PASSWORD: o.adminPassword,
      // Keycloak resolves ${VAR} placeholders in imported realm files from its environment.
      HUB_IDENTITY_BACKCHANNEL_URL: o.backchannelLogoutUrl,
      ...(o.webOrigin === undefined ? {} : { HUB_WEB_ORIGIN: o.webOrigin }),
      JAVA_OPTS_KC_HEAP: process.env.JAVA_OPTS_KC_HEAP ?? '-Xms64m -Xmx768m',
    },
    log: o.log,
  });
  const health = `http://127.0.0.1:${o.managementPort}/health/ready`;
  await waitUntil(() => httpOk(health), o.readyTimeoutMs ?? 180_000, 'keycloak', () => proc.exitReason());
  const server = asServer('keycloak', base, proc);
  return { ...server, issuer: `${base}/realms/${REALM}` };
}
