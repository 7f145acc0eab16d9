/**
 * Call params and search filters from the command line: an optional JSON value, and `--field
 * value` pairs (also `--field=value`; a `--flag` with no value is `true`). Field names are
 * camelCased (`--valid-from` → `validFrom`), as RES params are. A value is JSON when it reads as
 * JSON — `true`, `false`, `null`, a number, or text starting with `[`, `{` or `"` — else a string:
 * `--phone 5551234` sends a number, `--phone '"5551234"'` the string.
 */
import { usage } from './exit.ts';

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** `valid-from` → `validFrom`. */
export function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** One field value: JSON when it reads as JSON (see the module comment), else the string. */
export function fieldValue(name: string, raw: string): unknown {
  const json = raw === 'true' || raw === 'false' || raw === 'null' || JSON_NUMBER.test(raw) || /^[[{"]/.test(raw);
  if (!json) return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch (e) {
    throw usage(`--${name}: ${JSON.stringify(raw)} looks like JSON but is not (${(e as Error).message}); quote a string as '"…"'`);
  }
}

/** The `--name value` pairs among `tokens`, and the tokens that are not options. */
export function splitFields(tokens: readonly string[]): { fields: Record<string, unknown>; rest: string[] } {
  const fields: Record<string, unknown> = {};
  const rest: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? '';
    if (!t.startsWith('--') || t === '--') {
      if (t !== '--') rest.push(t);
      continue;
    }
    const eq = t.indexOf('=');
    const name = eq < 0 ? t.slice(2) : t.slice(2, eq);
    if (name === '') throw usage(`"${t}" has no field name`);
    let raw: string | undefined;
    if (eq >= 0) raw = t.slice(eq + 1);
    else if (i + 1 < tokens.length && !(tokens[i + 1] ?? '').startsWith('--')) raw = tokens[++i];
    const key = camel(name);
    if (Object.hasOwn(fields, key)) throw usage(`--${name} is given twice`);
    fields[key] = raw === undefined ? true : fieldValue(name, raw);
  }
  return { fields, rest };
}

/** Call params from `[json] [--field value ...]`; fields are merged over the JSON object. */
export function callParams(tokens: readonly string[]): unknown {
  const { fields, rest } = splitFields(tokens);
  if (rest.length > 1) throw usage(`expected at most one JSON argument, got ${String(rest.length)}: ${rest.join(' ')}`);
  let base: unknown;
  if (rest[0] !== undefined) {
    try {
      base = JSON.parse(rest[0]);
    } catch (e) {
      throw usage(`params are not valid JSON (${(e as Error).message}): ${rest[0]}`);
    }
  }
  if (Object.keys(fields).length === 0) return base;
  if (base !== undefined && (typeof base !== 'object' || base === null || Array.isArray(base))) {
    throw usage('--field values can only be added to a JSON object');
  }
  return { ...(base as Record<string, unknown> | undefined), ...fields };
}

/** A query string from filters: values as the service reads them (strings; arrays repeat the key). */
export function queryString(params: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? (v as unknown[]) : [v]) q.append(k, typeof one === 'string' ? one : JSON.stringify(one));
  }
  return q.toString();
}
