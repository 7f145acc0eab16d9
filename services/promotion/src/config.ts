/**
 * The promotion service's own variables: where its dependencies live (their service names, the
 * first token of their RIDs and audit subjects) and how long to wait for them.
 */
import { z } from '@hub/res';

const serviceName = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a service name (lowercase letters, digits, "_" and "-")');

export const promotionConfig = z.object({
  /** The service owning `<name>.product.<id>`. */
  PRODUCT_SERVICE: serviceName.default('product'),
  /** The service owning `<name>.customer.<id>`. */
  CUSTOMER_SERVICE: serviceName.default('customer'),
  /**
   * How long a create or set waits for a dependency to confirm a reference (both are asked at
   * once). Below Resgate's 3 s request timeout, so the client gets our error, not a timeout.
   */
  DEPENDENCY_TIMEOUT_MS: z.coerce.number().int().min(50).max(10_000).default(1500),
});

export type PromotionConfig = z.output<typeof promotionConfig>;
