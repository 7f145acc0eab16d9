/** The audit service's own variables: what it consumes, how long partitions reach ahead, how often lag is checked. */
import { z } from '@hub/res';

const subject = z.string().regex(/^audit(\.[A-Za-z0-9_*>-]+)+$/, 'a subject under audit. (wildcards * and > allowed)');

export const auditConfig = z.object({
  /** Comma-separated subjects of the AUDIT stream to store (default: every domain event). */
  AUDIT_SUBJECTS: z
    .string()
    .default('audit.>')
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(subject).min(1)),
  /** The durable JetStream consumer's name (shared by every instance); default the service's name. */
  AUDIT_CONSUMER: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional(),
  /** A delivered event not acked by then is redelivered (an instance died holding it). */
  AUDIT_ACK_WAIT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Monthly partitions created ahead of the current month. */
  AUDIT_PARTITIONS_AHEAD: z.coerce.number().int().min(1).max(24).default(3),
  /** How often the lag is checked (and logged when it is not zero, or changed). */
  AUDIT_LAG_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
});

export type AuditConfig = z.output<typeof auditConfig>;
