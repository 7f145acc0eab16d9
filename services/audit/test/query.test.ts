// Querying the trail: audit.entries filters by service, resource, resource id, actor, action and
// an inclusive time range, sorts newest first (or oldest first) and pages; a history pages too;
// a query it does not know is refused with system.invalidQuery, not silently widened.
import { jetstream } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { accessToken, connectNats, resgateHttp, uniqueName, waitFor } from '@hub/testkit';
import { startAudit, stored } from './helpers.ts';

/** Six events of one (made-up) service, a minute apart from 10:00: [resource id, actor, action]. */
const EVENTS: readonly (readonly [string, string, 'create' | 'update' | 'delete'])[] = [
  ['1', 'alice', 'create'],
  ['2', 'bob', 'create'],
  ['1', 'bob', 'update'],
  ['2', 'alice', 'update'],
  ['1', 'alice', 'update'],
  ['2', 'bob', 'delete'],
];
const at = (i: number) => `2026-01-05T10:0${String(i)}:00.000Z`;

describe('audit queries', () => {
  it('filters, sorts and pages entries and histories; refuses an unknown or malformed query', async () => {
    const svc = uniqueName('shop');
    const { scope } = await startAudit({ subjects: [`audit.${svc}.>`] });
    const js = jetstream(await connectNats());
    for (const [i, [resourceId, actor, action]] of EVENTS.entries()) {
      const event = {
        id: randomUUID(),
        service: svc,
        resource: 'order',
        action,
        resourceId,
        actor,
        before: null,
        after: null,
        timestamp: at(i),
      };
      await js.publish(`audit.${svc}.order.${action}`, JSON.stringify(event));
    }
    await waitFor(async () => (await stored(scope)).rows === EVENTS.length, 'six entries');
    const token = await accessToken('admin');
    /** Each listed entry as "minute resourceId actor action". */
    const list = async (path: string): Promise<string[]> => {
      const r = await resgateHttp<{ model: { timestamp: string; resourceId: string; actor: string; action: string } }[]>(
        `/api/${scope.name}/${path}`,
        { token },
      );
      expect([path, r.status]).toEqual([path, 200]);
      return (r.body ?? []).map((e) => `${e.model.timestamp.slice(15, 16)} ${e.model.resourceId} ${e.model.actor} ${e.model.action}`);
    };
    const base = `entries?service=${svc}`;
    expect(await list(base)).toEqual([
      '5 2 bob delete',
      '4 1 alice update',
      '3 2 alice update',
      '2 1 bob update',
      '1 2 bob create',
      '0 1 alice create',
    ]);
    expect(await list(`${base}&actor=alice`)).toEqual(['4 1 alice update', '3 2 alice update', '0 1 alice create']);
    expect(await list(`${base}&id=1&action=update`)).toEqual(['4 1 alice update', '2 1 bob update']);
    expect(await list(`${base}&resource=order&since=${at(2)}&until=${at(4)}`)).toEqual([
      '4 1 alice update',
      '3 2 alice update',
      '2 1 bob update',
    ]);
    expect(await list(`${base}&sort=timestamp&limit=2&offset=1`)).toEqual(['1 2 bob create', '2 1 bob update']);
    expect(await list(`${base}&resource=invoice`)).toEqual([]);
    expect(await list(`history/${svc}/order/2?limit=2`)).toEqual(['5 2 bob delete', '3 2 alice update']);
    expect(await list(`history/${svc}/order/2?sort=timestamp&offset=2`)).toEqual(['5 2 bob delete']);
    for (const bad of ['colour=red', 'action=archive', 'since=yesterday', 'sort=actor', 'limit=1000', 'limit=-1']) {
      const r = await resgateHttp<{ code: string }>(`/api/${scope.name}/entries?${bad}`, { token });
      expect([bad, r.status, r.body?.code]).toEqual([bad, 400, 'system.invalidQuery']);
    }
  });
});
