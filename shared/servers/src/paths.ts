/**
 * Where the project keeps what `scripts/install.sh` installs (`.local/`) and what running
 * servers write (`.run/`). Both are git-ignored and project-local, so nothing touches the
 * machine's system services.
 */
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

/** The repository root (this file lives in shared/servers/src). */
export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** Project-local installs: binaries, the Keycloak distribution, the Traefik venv. */
export const localDir = join(repoRoot, '.local');

/** Absolute paths of the real server binaries. Debian's PostgreSQL lives outside `.local/`. */
export const bin = {
  nats: join(localDir, 'bin', 'nats-server'),
  resgate: join(localDir, 'bin', 'resgate'),
  traefik: join(localDir, 'bin', 'traefik'),
  keycloakHome: join(localDir, 'keycloak', 'current'),
  pgBin: process.env.HUB_PG_BIN ?? '/usr/lib/postgresql/15/bin',
  redis: process.env.HUB_REDIS_SERVER ?? 'redis-server',
  /** Prometheus 3 and promtool (go install). */
  prometheus: join(localDir, 'bin', 'prometheus'),
  promtool: join(localDir, 'bin', 'promtool'),
  natsExporter: join(localDir, 'bin', 'prometheus-nats-exporter'),
  jaeger: join(localDir, 'bin', 'jaeger'),
} as const;
