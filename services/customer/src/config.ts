/** The customer service's environment, validated once at startup. */
import { z } from '@hub/res';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const schema = z.object({
  /** One or more NATS URLs, comma separated. */
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  DATABASE_URL: z.string().min(1).default('postgres://hub@127.0.0.1:5442/postgres'),
  REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6389'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

/** Validated configuration. */
export type Config = z.infer<typeof schema>;

/** Reads and validates the environment; throws with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return schema.parse(env);
}
