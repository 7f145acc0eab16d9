/**
 * Timestamps as entities carry them: ISO 8601 in UTC with milliseconds (`Date#toISOString`).
 *
 * Rows come back from Postgres either with `Date` values (plain columns) or, inside the JSON the
 * mutations return, as Postgres' own text (`2026-12-01T14:44:11.123456+00:00`: the pool sets the
 * session time zone to UTC, see db.ts). Parsing that text with `Date` costs about 2 µs a value,
 * four per update; the UTC form is rewritten directly instead, with the same truncation to
 * milliseconds as `Date`. Any other form still goes through `Date`.
 */
const PG_UTC = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00:00$/;

/**
 * @example isoTime('2026-12-01T14:44:11.123456+00:00') // '2026-12-01T14:44:11.123Z'
 * @example isoTime(new Date(0)) // '1970-01-01T00:00:00.000Z'
 */
export function isoTime(v: unknown): string {
  if (typeof v === 'string') {
    const m = PG_UTC.exec(v);
    if (m !== null) return `${m[1] ?? ''}.${`${m[2] ?? ''}000`.slice(0, 3)}Z`;
  }
  return (v instanceof Date ? v : new Date(String(v))).toISOString();
}
