// frozen(): a get result that can never change is checked and encoded once; later gets returning
// the same object are answered with the remembered bytes. Anything else is encoded every time.
import { describe, expect, it } from 'vitest';
import { connectNats } from '@hub/testkit';
import { defineResource, frozen, model, type ModelResult } from '../../src/internal.ts';
import { rawRequest, startService } from './fixture.ts';

const open = () => true;

/** A model whose `n` counts how often it was read: each read is one check or one encoding. */
function counted(): { values: Record<string, number>; reads: () => number } {
  let reads = 0;
  const values = Object.defineProperty({}, 'n', {
    enumerable: true,
    get: () => {
      reads++;
      return 7;
    },
  }) as Record<string, number>;
  return { values, reads: () => reads };
}

describe('frozen get results', () => {
  it('are checked and encoded on the first get only', async () => {
    const c = counted();
    const state: ModelResult = frozen(model(c.values));
    const item = defineResource({ pattern: 'item', access: open, get: () => state });
    const service = await startService([item]);
    const nc = await connectNats();
    for (let i = 0; i < 3; i++) expect(await rawRequest(nc, `get.${service.name}.item`, {})).toEqual({ result: { model: { n: 7 } } });
    const afterFirst = c.reads();
    expect(await rawRequest(nc, `get.${service.name}.item`, {})).toEqual({ result: { model: { n: 7 } } });
    expect(c.reads()).toBe(afterFirst); // served from the remembered reply
    expect(Object.isFrozen(state) && Object.isFrozen(state.model)).toBe(true);
  });

  it('are not remembered from a reply a middleware replaced', async () => {
    const state = frozen(model({ secret: 's', n: 1 }));
    const item = defineResource({ pattern: 'item', access: open, get: () => state });
    const service = await startService([item]);
    let redact = true; // only the first get is redacted
    service.use(async (req, next) => {
      await next();
      if (redact && req.outcome?.kind === 'model') req.outcome = { ...req.outcome, model: { n: 1 } };
      redact = false;
    });
    const nc = await connectNats();
    expect(await rawRequest(nc, `get.${service.name}.item`, {})).toEqual({ result: { model: { n: 1 } } });
    expect(await rawRequest(nc, `get.${service.name}.item`, {})).toEqual({ result: { model: { secret: 's', n: 1 } } });
  });

  it('are deep-frozen, and results not made by frozen() are encoded on every get', async () => {
    const tags = ['a'];
    const state = frozen(model({ tags: { data: tags } }));
    expect(() => {
      tags.push('b');
    }).toThrow(TypeError);
    const c = counted();
    const plain = model(c.values);
    const item = defineResource({ pattern: 'item', access: open, get: () => plain });
    const service = await startService([item]);
    const nc = await connectNats();
    await rawRequest(nc, `get.${service.name}.item`, {});
    const afterFirst = c.reads();
    await rawRequest(nc, `get.${service.name}.item`, {});
    expect(c.reads()).toBeGreaterThan(afterFirst);
    expect(state.model.tags).toEqual({ data: ['a'] });
  });
});
