/**
 * The audit service: every domain event of the platform (stream `AUDIT`, `audit.>`) stored once
 * in its own schema, partitioned by month, and served live to administrators.
 */
import { defineService } from '@hub/service';
import { Audit } from './audit.ts';
import { auditConfig } from './config.ts';

export const auditService = defineService({
  name: 'audit',
  config: auditConfig,
  data: { migrations: new URL('../migrations', import.meta.url) },
  open: ({ config, name, log, data }) => ({ audit: new Audit(data.store.db, { config, name, log }) }),
  resources: (deps) => [deps.audit.live],
  started: ({ deps, service, telemetry }) => deps.audit.start(service, telemetry?.registry),
});
