/**
 * Deep freeze for cached values (JSON data: plain objects, arrays, primitives; no cycles).
 * @example deepFreeze(JSON.parse('{"tags":["a"]}')).tags.push('b') // TypeError
 */
export function deepFreeze<T>(value: T): T {
  // Children are visited even under a frozen parent: shallow-frozen is not frozen.
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
