/** The ops server's environment, for a service's `configSchema` (read by `configOrExit`). */
import { z } from '@hub/res';
import { DEFAULT_OPS_HOST, DEFAULT_OPS_PORT } from './ops-server.ts';

/**
 * `OPS_PORT` (0 = any free port) and `OPS_HOST`, to spread into a service's config schema.
 * @example export const configSchema = z.object({ NATS_URL: z.string(), ...opsEnv });
 */
export const opsEnv = {
  OPS_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_OPS_PORT),
  OPS_HOST: z.string().min(1).default(DEFAULT_OPS_HOST),
};
