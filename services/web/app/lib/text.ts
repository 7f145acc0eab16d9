/** A value shown as text: strings and numbers as they are, anything else (objects, nothing) empty. */
export function text(v: unknown, fallback = ''): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return fallback;
}
