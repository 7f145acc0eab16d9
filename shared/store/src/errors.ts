/**
 * The one place Postgres errors become RES errors. Clients never see driver messages or SQL:
 * constraint violations name the offending field (the issue format of the runtime's validation),
 * a database that cannot be reached (or is shutting down) is `hub.unavailable` (retry shortly;
 * HTTP 503 with Retry-After), everything else is `system.internalError` with the cause kept for
 * the log.
 */
import { isResError, ResError } from '@hub/res/internal';

interface PgErrorLike {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
  detail?: unknown;
  column?: unknown;
  constraint?: unknown;
}

/** SQLSTATEs we map (https://www.postgresql.org/docs/15/errcodes-appendix.html). */
export const SQLSTATE = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  notNullViolation: '23502',
  checkViolation: '23514',
  stringTooLong: '22001',
  invalidText: '22P02',
  serializationFailure: '40001',
  deadlock: '40P01',
  adminShutdown: '57P01',
  crashShutdown: '57P02',
  cannotConnectNow: '57P03',
  tooManyConnections: '53300',
} as const;

/** Socket errors of a connection that could not be made or was lost (Node's `err.code`). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);
/** What node-postgres throws (no code) when its connection is gone or cannot be had in time. */
const LOST = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Connection ended)/;

/** SQLSTATE classes and codes that mean "the database is not reachable right now". */
function unreachableState(s: string): boolean {
  return (
    s.startsWith('08') || // connection exception
    s === SQLSTATE.adminShutdown ||
    s === SQLSTATE.crashShutdown ||
    s === SQLSTATE.cannotConnectNow ||
    s === SQLSTATE.tooManyConnections
  );
}

/**
 * True when `err` says the database cannot be reached (refused, lost, shutting down, starting up,
 * out of connections) rather than that the statement was wrong: a retry may succeed.
 */
export function isUnavailable(err: unknown): boolean {
  const e = (err ?? {}) as PgErrorLike;
  const state = sqlstate(err);
  if (state !== undefined) return unreachableState(state);
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  if (typeof e.message === 'string' && LOST.test(e.message)) return true;
  // Node's happy-eyeballs connect fails with an AggregateError of one error per address.
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every(isUnavailable);
}

/** The client-facing message of a database outage (no driver text, no address). */
export const DATABASE_UNAVAILABLE = 'The database is unavailable; retry shortly';

function sqlstate(err: unknown): string | undefined {
  const code = (err as PgErrorLike | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Column named by a violation: `detail` "Key (email)=(x) already exists." or `column`. */
function columnOf(err: PgErrorLike): string {
  if (typeof err.column === 'string') return err.column;
  const m = typeof err.detail === 'string' ? /^Key \(([^)]+)\)=/.exec(err.detail) : null;
  return m?.[1] ?? (typeof err.constraint === 'string' ? err.constraint : 'unknown');
}

/** snake_case column → lowerCamel field, the names clients use. */
export function fieldOf(column: string): string {
  return column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function fieldError(err: PgErrorLike, code: string, message: string): ResError {
  const path = fieldOf(columnOf(err));
  return ResError.invalidParams(`Invalid parameters: ${path} ${message}`, { issues: [{ path, code, message }] });
}

/** Safe to rerun the whole transaction: the server rolled it back before anything committed. */
export function isRetryable(err: unknown): boolean {
  const s = sqlstate(err);
  return s === SQLSTATE.serializationFailure || s === SQLSTATE.deadlock;
}

/**
 * Maps any error from pg to a ResError (ResErrors pass through).
 * @example catch (err) { throw toResError(err); }
 */
export function toResError(err: unknown): ResError {
  if (isResError(err)) return err;
  const e = (err ?? {}) as PgErrorLike;
  switch (sqlstate(err)) {
    case SQLSTATE.uniqueViolation:
      return fieldError(e, 'unique', 'is already in use');
    case SQLSTATE.foreignKeyViolation:
      return fieldError(e, 'reference', 'refers to something that does not exist');
    case SQLSTATE.notNullViolation:
      return fieldError(e, 'required', 'is required');
    case SQLSTATE.checkViolation:
      return fieldError(e, 'invalid', 'is not allowed');
    case SQLSTATE.stringTooLong:
      return ResError.invalidParams('Invalid parameters: a value is too long');
    case SQLSTATE.invalidText:
      return ResError.invalidParams('Invalid parameters: a value has the wrong format');
    // Lost connections (08xxx, 57P0x, ECONNREFUSED, "Connection terminated"): unavailable, a retry
    // may succeed. The rest: internal, the cause logged by the runtime and never shown to the client.
    default:
      return isUnavailable(err) ? ResError.unavailable(DATABASE_UNAVAILABLE, err) : ResError.internal(err);
  }
}
