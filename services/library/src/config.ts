/** The library service's environment, validated once at startup. */
import { z } from '@hub/res';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every variable may also come as NAME_FILE (a Docker secret); @hub/res configOrExit reads it. */
export const configSchema = z.object({
  /** One or more NATS URLs, comma separated. */
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

/** Validated configuration. */
export type Config = z.infer<typeof configSchema>;
