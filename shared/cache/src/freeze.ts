/**
 * Deep freeze for cached values, which are JSON data. Binary values (Buffer, typed arrays) are
 * left as they are: `Object.freeze` refuses them. Objects met twice are frozen once (no cycles).
 * @example deepFreeze(JSON.parse('{"tags":["a"]}')).tags.push('b') // TypeError
 */
export function deepFreeze<T>(value: T, seen = new Set<object>()): T {
  // Children are visited even under a frozen parent: shallow-frozen is not frozen.
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || seen.has(value)) return value;
  seen.add(value);
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v, seen);
  return value;
}
