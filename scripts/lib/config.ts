/**
 * `make up` configuration: every port from an environment variable with a default, checked
 * free before anything starts so a clash is reported with the variable to change.
 */
import { join } from 'node:path';
import { envPort, repoRoot, tcpOpen, type PlatformPorts } from '@hub/servers';

/** Where `make up` keeps data, logs and its PID file. */
export const RUN_DIR = join(repoRoot, '.run', 'up');
export const PID_FILE = join(RUN_DIR, 'up.pid');

/** Default ports of a `make up` platform, and the variables that override them. */
export const PORT_VARS: Record<keyof PlatformPorts, [string, number]> = {
  nats: ['HUB_NATS_PORT', 4222],
  natsMonitor: ['HUB_NATS_MONITOR_PORT', 8222],
  resgate: ['HUB_RESGATE_PORT', 8090],
  postgres: ['HUB_POSTGRES_PORT', 5442],
  redis: ['HUB_REDIS_PORT', 6389],
  keycloak: ['HUB_KEYCLOAK_PORT', 8180],
  keycloakManagement: ['HUB_KEYCLOAK_MANAGEMENT_PORT', 9190],
  traefik: ['HUB_TRAEFIK_PORT', 8000],
  traefikAdmin: ['HUB_TRAEFIK_ADMIN_PORT', 8001],
  identityBackchannel: ['HUB_IDENTITY_BACKCHANNEL_PORT', 8095],
  web: ['HUB_WEB_PORT', 8100],
};

export function portsFromEnv(env: NodeJS.ProcessEnv = process.env): PlatformPorts {
  const entries = Object.entries(PORT_VARS).map(([k, [name, def]]) => [k, envPort(name, def, env)] as const);
  return Object.fromEntries(entries) as unknown as PlatformPorts;
}

/** Throws one message listing every port already taken, with the variable that moves it. */
export async function assertPortsFree(ports: PlatformPorts): Promise<void> {
  const taken: string[] = [];
  for (const [key, port] of Object.entries(ports) as [keyof PlatformPorts, number][]) {
    if (await tcpOpen(port)) taken.push(`  port ${port} (${PORT_VARS[key][0]}) is already in use`);
  }
  if (taken.length > 0) {
    throw new Error(`Cannot start: \n${taken.join('\n')}\nStop whatever holds them, or set the variables to free ports, e.g. HUB_NATS_PORT=14222 make up`);
  }
}
