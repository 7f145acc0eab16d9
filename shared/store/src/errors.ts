/**
 * The one place Postgres errors become RES errors. Clients never see driver messages or SQL:
 * constraint violations name the offending field (the issue format of the runtime's validation),
 * everything else is `system.internalError` with the cause kept for the log.
 */
import { isResError, ResError } from '@hub/res/internal';

interface PgErrorLike {
  code?: unknown;
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
} as const;

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
    // Lost connections (08xxx, ECONNREFUSED, "Connection terminated"), timeouts and the rest:
    // internal, the cause logged by the runtime and never shown to the client.
    default:
      return ResError.internal(err);
  }
}
