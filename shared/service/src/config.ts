/**
 * The environment every service reads, plus what its data layer needs. A service adds its own
 * variables with `config` in its definition; all of them are validated at start (`configOrExit`),
 * each may come as `NAME_FILE` (a Docker secret).
 */
import { z } from '@hub/res';
import { opsEnv } from '@hub/telemetry';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every service. */
export const baseConfig = z.object({
  /** One or more NATS URLs, comma separated. */
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** The ops HTTP server (`/healthz`, `/readyz`, `/metrics`): its port (0 = a free one) and address. */
  ...opsEnv,
});

/** Services with `data`: their Postgres (own schema) and, with `cache`, KeyDB/Redis. */
export const dataConfig = z.object({
  DATABASE_URL: z.string().min(1).default('postgres://hub@127.0.0.1:5442/postgres'),
  /** Partitions the service's resources are owned by (the same for every instance); 1 = active/standby. */
  HUB_PARTITIONS: z.coerce.number().int().min(1).max(1024).default(8),
});
export const cacheConfig = z.object({
  REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6389'),
});

/** The variables of the base, data and cache configurations (read by the service shape itself). */
export type BaseConfig = Omit<z.output<typeof baseConfig>, 'OPS_PORT' | 'OPS_HOST'> &
  Partial<Pick<z.output<typeof baseConfig>, 'OPS_PORT' | 'OPS_HOST'>> &
  Partial<z.output<typeof dataConfig> & z.output<typeof cacheConfig>>;
