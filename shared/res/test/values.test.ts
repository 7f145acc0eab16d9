// Values at the SDK boundary: everything Resgate would reject is refused before it is sent.
import { describe, expect, it } from 'vitest';
import { ResUsageError } from '../src/errors.ts';
import { checkChange, checkCollection, checkModel, checkValue, data, deleteAction, ref, softRef } from '../src/values.ts';

describe('checkValue', () => {
  it.each([['str'], [0], [-1.5], [true], [null], [{ rid: 'a.b' }], [{ rid: 'a.b', soft: true }], [{ data: { x: [1] } }], [{ data: 1 }]])(
    'accepts %j',
    (v) => {
      expect(() => {
        checkValue(v, 'v');
      }).not.toThrow();
    },
  );

  it('refuses a bare nested object or array with a clear message', () => {
    expect(() => {
      checkValue({ a: 1 }, 'model.x');
    }).toThrow(/model\.x: a nested object must be wrapped with data\(\)/);
    expect(() => {
      checkValue([1, 2], 'model.tags');
    }).toThrow(/model\.tags: a nested array must be wrapped with data\(\)/);
  });

  it.each([
    [Number.NaN, /not a JSON number/],
    [Infinity, /not a JSON number/],
    [undefined, /undefined is not a RES value/],
    [() => 1, /function/],
    [new Date(0), /Date is not a RES value/],
    [{ rid: 'a..b' }, /invalid RID/],
    [{ rid: 'a.b', extra: 1 }, /only have "rid" and "soft"/],
    [{ data: 1, x: 2 }, /only have "data"/],
    [{ data: undefined }, /undefined/],
    [{ rid: 'a.b', soft: 'yes' }, /"soft" must be a boolean/],
    [{ action: 'delete' }, /nested object/],
  ])('refuses %s', (v, msg) => {
    expect(() => {
      checkValue(v, 'v');
    }).toThrow(msg);
  });

  it('throws ResUsageError (logged as SDK misuse, client sees internalError)', () => {
    expect(() => {
      checkValue({}, 'v');
    }).toThrow(ResUsageError);
  });
});

describe('models, collections, changes', () => {
  it('drops undefined model properties and checks the rest', () => {
    expect(checkModel({ a: 1, b: undefined })).toEqual({ a: 1 });
    expect(() => checkModel({ a: { b: 1 } })).toThrow(/model\.a/);
    expect(() => checkModel([1])).toThrow(/plain object/);
  });

  it('checks every collection item', () => {
    expect(checkCollection([1, ref('a.b')])).toEqual([1, { rid: 'a.b' }]);
    expect(() => checkCollection([1, [2]])).toThrow(/collection\[1\]/);
    expect(() => checkCollection({})).toThrow(/array/);
  });

  it('allows deleteAction in change values only, and refuses undefined there', () => {
    expect(checkChange({ a: deleteAction, b: 2 })).toEqual({ a: { action: 'delete' }, b: 2 });
    expect(() => checkModel({ a: deleteAction })).toThrow(/nested object/);
    expect(() => checkChange({ a: undefined })).toThrow(/use deleteAction/);
  });
});

describe('helpers', () => {
  it('build the protocol shapes', () => {
    expect(ref('library.book.1')).toEqual({ rid: 'library.book.1' });
    expect(softRef('library.book.1')).toEqual({ rid: 'library.book.1', soft: true });
    expect(data([1])).toEqual({ data: [1] });
    expect(() => ref('bad rid')).toThrow(/invalid RID/);
  });
});
