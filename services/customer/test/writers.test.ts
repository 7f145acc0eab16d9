// Which writes followed another writer (and so follow their change event with resets).
import { describe, expect, it } from 'vitest';
import { LastWrites } from '../src/writers.ts';

describe('LastWrites', () => {
  it('a first write, and a write on top of a version this instance did not write, followed another writer', () => {
    const w = new LastWrites();
    expect(w.followsAnother('1', 1, 2)).toBe(true); // nothing known: maybe
    expect(w.followsAnother('1', 2, 3)).toBe(false); // on top of our own v2
    expect(w.followsAnother('1', 4, 5)).toBe(true); // v4 came from elsewhere
    expect(w.followsAnother('2', 1, 2)).toBe(true); // per customer
  });
});
