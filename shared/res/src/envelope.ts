/**
 * Incoming request subjects and payloads. Parsing is lenient where the protocol is (an empty
 * payload, unknown fields, a null token) and strict where a wrong type would mislead a handler.
 */
import { ErrorCode, ResError } from './errors.ts';
import { isValidPart } from './pattern.ts';

/** The four RES request types. @example const t: RequestType = 'call'; */
export type RequestType = 'get' | 'call' | 'auth' | 'access';

/** A parsed request subject: `<type>.<resourceName>[.<method>]`. */
export interface RequestSubject {
  readonly type: RequestType;
  readonly rname: string;
  readonly method: string | undefined;
}

/**
 * Parses a request subject; null when it is not a valid RES request subject.
 * @example parseSubject('call.library.book.1.set') // { type: 'call', rname: 'library.book.1', method: 'set' }
 */
export function parseSubject(subject: string): RequestSubject | null {
  const tokens = subject.split('.');
  const [type] = tokens;
  if (!tokens.every(isValidPart)) return null;
  switch (type) {
    case 'get':
    case 'access':
      return tokens.length >= 2 ? { type, rname: tokens.slice(1).join('.'), method: undefined } : null;
    case 'call':
    case 'auth':
      return tokens.length >= 3 ? { type, rname: tokens.slice(1, -1).join('.'), method: tokens.at(-1) } : null;
    default:
      return null;
  }
}

/** The request payload members this runtime reads; everything else is ignored. */
export interface RequestEnvelope {
  readonly params: unknown;
  /** `null` when the connection has no token (omitted or null in the request). */
  readonly token: unknown;
  readonly query: string | undefined;
  readonly cid: string | undefined;
  readonly isHttp: boolean;
  readonly header: Readonly<Record<string, readonly string[]>> | undefined;
  readonly host: string | undefined;
  readonly remoteAddr: string | undefined;
  readonly uri: string | undefined;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Deepest nesting of arrays and objects a request may have (the envelope is 1, its params 2...).
 * Real requests are a few levels deep; a deeply nested payload is refused before it is parsed, so
 * neither the parser nor any recursive walk after it (validation, value checks) pays for it.
 */
export const MAX_JSON_DEPTH = 64;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** True when the JSON text nests deeper than `max` (brackets inside strings do not count). One pass, no allocation. */
export function nestsDeeperThan(payload: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < payload.length; i++) {
    const b = payload[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) depth--;
  }
  return false;
}

function optString(o: Record<string, unknown>, key: string, code: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ResError(code, `Invalid request: "${key}" must be a string`);
  return v;
}

function headerOf(v: unknown): Record<string, readonly string[]> | undefined {
  if (v === undefined || v === null) return undefined;
  const ok =
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.values(v).every((vals) => Array.isArray(vals) && vals.every((s) => typeof s === 'string'));
  if (!ok) throw new ResError(ErrorCode.InvalidParams, 'Invalid request: "header" must map names to string arrays');
  return v as Record<string, readonly string[]>;
}

/** A connection id names a subject (`conn.<cid>.token`): one valid subject token, else a forged request. */
function cidOf(o: Record<string, unknown>): string | undefined {
  const cid = optString(o, 'cid', ErrorCode.InvalidParams);
  if (cid !== undefined && !isValidPart(cid)) throw new ResError(ErrorCode.InvalidParams, 'Invalid request: "cid" is not a connection id');
  return cid;
}

/**
 * Decodes a request payload. Empty → all members absent. Not JSON, nested deeper than
 * MAX_JSON_DEPTH, not an object, or a member of the wrong type → `system.invalidParams`
 * (`system.invalidQuery` for the query member).
 * @example parseEnvelope(new TextEncoder().encode('{"params":{"a":1},"cid":"c1"}'))
 */
export function parseEnvelope(payload: Uint8Array): RequestEnvelope {
  let o: Record<string, unknown> = {};
  if (payload.length > 0) {
    if (nestsDeeperThan(payload, MAX_JSON_DEPTH)) {
      throw new ResError(ErrorCode.InvalidParams, `Invalid request: nested deeper than ${String(MAX_JSON_DEPTH)} levels`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(decoder.decode(payload));
    } catch {
      throw new ResError(ErrorCode.InvalidParams, 'Invalid request: payload is not JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ResError(ErrorCode.InvalidParams, 'Invalid request: payload must be a JSON object');
    }
    o = parsed as Record<string, unknown>;
  }
  const isHttp = o.isHttp ?? false;
  if (typeof isHttp !== 'boolean') throw new ResError(ErrorCode.InvalidParams, 'Invalid request: "isHttp" must be a boolean');
  return {
    params: o.params,
    // The protocol: the token MAY be omitted when the connection has none; both read as null.
    token: o.token ?? null,
    query: optString(o, 'query', ErrorCode.InvalidQuery),
    cid: cidOf(o),
    isHttp,
    header: headerOf(o.header),
    host: optString(o, 'host', ErrorCode.InvalidParams),
    remoteAddr: optString(o, 'remoteAddr', ErrorCode.InvalidParams),
    uri: optString(o, 'uri', ErrorCode.InvalidParams),
  };
}
