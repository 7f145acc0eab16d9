/**
 * The promotion service: promotions in its own Postgres schema, cached in KeyDB, searched live;
 * references to products and customers confirmed by their services, and marked orphaned when
 * those are deleted (from the audit stream).
 */
import { defineService } from '@hub/service';
import { promotionConfig } from './config.ts';
import { Orphans } from './orphans.ts';
import { References } from './references.ts';
import { promotionTable } from './resources/promotion.ts';
import { promotionSearch } from './resources/promotions.ts';

export const promotionService = defineService({
  name: 'promotion',
  config: promotionConfig,
  data: { migrations: new URL('../migrations', import.meta.url), cache: true },
  open: ({ config, log }) => {
    const refs = new References(config);
    const table = promotionTable(refs);
    return {
      table,
      search: promotionSearch(table, refs),
      orphans: new Orphans(refs, { natsUrl: config.NATS_URL, timeoutMs: config.DEPENDENCY_TIMEOUT_MS, log }),
    };
  },
  resources: (deps) => [deps.table, deps.search],
  started: ({ deps, data, service }) => deps.orphans.start(service, data.store.db),
});
