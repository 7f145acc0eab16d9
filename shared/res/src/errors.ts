/**
 * The one error module of the RES runtime: `ResError` with stable codes, and the single place
 * (`toErrorObject`) that turns anything thrown into the error object a client may see.
 */

/**
 * Predefined RES error codes (RES-Service protocol 1.2.3, "Pre-defined errors").
 * @example throw new ResError(ErrorCode.NotFound);
 */
export const ErrorCode = {
  NotFound: 'system.notFound',
  InvalidParams: 'system.invalidParams',
  InvalidQuery: 'system.invalidQuery',
  InternalError: 'system.internalError',
  MethodNotFound: 'system.methodNotFound',
  AccessDenied: 'system.accessDenied',
  Timeout: 'system.timeout',
} as const;

/**
 * A dependency (the database, another service, this instance's ownership of the resource) is
 * unavailable right now: the request may succeed if retried shortly. Over HTTP it answers 503 with
 * `Retry-After` (see the dispatcher). A custom code: the protocol reserves `system.` for its own.
 */
export const UNAVAILABLE = 'hub.unavailable';
/** Seconds a client should wait before retrying an unavailable request (HTTP `Retry-After`). */
export const RETRY_AFTER_S = 1;

/** One of the predefined codes. @example const c: PredefinedErrorCode = 'system.notFound'; */
export type PredefinedErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const DEFAULT_MESSAGES: Record<PredefinedErrorCode, string> = {
  'system.notFound': 'Not found',
  'system.invalidParams': 'Invalid parameters',
  'system.invalidQuery': 'Invalid query',
  'system.internalError': 'Internal error',
  'system.methodNotFound': 'Method not found',
  'system.accessDenied': 'Access denied',
  'system.timeout': 'Request timeout',
};

/** The error member of a RES response: `{ code, message, data? }`. @example { code: 'system.notFound', message: 'Not found' } */
export interface ErrorObject {
  readonly code: string;
  readonly message: string;
  readonly data?: unknown;
}

function isPredefined(code: string): code is PredefinedErrorCode {
  return Object.hasOwn(DEFAULT_MESSAGES, code);
}

/**
 * An error whose code, message and data are meant for the client. Throw it from any handler.
 * Custom codes are `<service>.<name>` (the protocol: custom codes SHOULD NOT begin with `system.`).
 * The message is sent to clients as is: never put driver messages, SQL or stack traces in it.
 * @example
 * throw new ResError('library.bookLocked', 'The book is being edited', { by: 'jane' });
 * throw ResError.notFound();
 */
export class ResError extends Error {
  override readonly name = 'ResError';
  readonly code: string;
  readonly data: unknown;

  constructor(code: string, message?: string, data?: unknown, options?: { cause?: unknown }) {
    super(message ?? (isPredefined(code) ? DEFAULT_MESSAGES[code] : code), options);
    this.code = code;
    this.data = data;
  }

  /** @example throw ResError.notFound(); */
  static notFound(message?: string): ResError {
    return new ResError(ErrorCode.NotFound, message);
  }
  /** @example throw ResError.invalidParams('Title is required', { field: 'title' }); */
  static invalidParams(message?: string, data?: unknown): ResError {
    return new ResError(ErrorCode.InvalidParams, message, data);
  }
  /** @example throw ResError.invalidQuery('limit must be ≤ 100'); */
  static invalidQuery(message?: string, data?: unknown): ResError {
    return new ResError(ErrorCode.InvalidQuery, message, data);
  }
  /** @example throw ResError.methodNotFound(); */
  static methodNotFound(): ResError {
    return new ResError(ErrorCode.MethodNotFound);
  }
  /** @example throw ResError.accessDenied(); */
  static accessDenied(message?: string): ResError {
    return new ResError(ErrorCode.AccessDenied, message);
  }
  /** @example throw ResError.timeout(); */
  static timeout(message?: string): ResError {
    return new ResError(ErrorCode.Timeout, message);
  }
  /** Temporarily unavailable (see {@link UNAVAILABLE}); the cause is for logs only. @example throw ResError.unavailable('The database is unavailable', err); */
  static unavailable(message = 'Temporarily unavailable, retry shortly', cause?: unknown): ResError {
    return new ResError(UNAVAILABLE, message, undefined, { cause });
  }
  /** Generic internal error; the cause is for logs only. @example throw ResError.internal(err); */
  static internal(cause?: unknown): ResError {
    return new ResError(ErrorCode.InternalError, undefined, undefined, { cause });
  }

  /** The wire form. @example JSON.stringify({ error: err.toErrorObject() }) */
  toErrorObject(): ErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

/**
 * Misuse of the SDK by service code (a bare nested object in a model, a reserved event name, an
 * invalid RID...). Logged with its message; the client only ever sees `system.internalError`.
 * @example throw new ResUsageError('add: idx must be a non-negative integer');
 */
export class ResUsageError extends Error {
  override readonly name = 'ResUsageError';
}

/** True for a `ResError` (also across package copies, by shape). @example if (isResError(e)) e.code */
export function isResError(err: unknown): err is ResError {
  return err instanceof ResError;
}

/**
 * Maps anything thrown to the error object sent to the client. A `ResError` keeps its code,
 * message and data; anything else becomes a generic `system.internalError` and `unexpected`
 * is true so the caller logs the cause — internals never reach clients.
 * @example const { error, unexpected } = toErrorObject(err); if (unexpected) log.error({ err });
 */
export function toErrorObject(err: unknown): { error: ErrorObject; unexpected: boolean } {
  if (isResError(err)) return { error: err.toErrorObject(), unexpected: false };
  return { error: { code: ErrorCode.InternalError, message: DEFAULT_MESSAGES[ErrorCode.InternalError] }, unexpected: true };
}

/**
 * Rebuilds a `ResError` from a received error object (inter-service requests).
 * @example throw fromErrorObject(reply.error);
 */
export function fromErrorObject(obj: unknown): ResError {
  if (typeof obj === 'object' && obj !== null) {
    const { code, message, data } = obj as Record<string, unknown>;
    if (typeof code === 'string' && code !== '') return new ResError(code, typeof message === 'string' ? message : undefined, data);
  }
  return new ResError(ErrorCode.InternalError, 'Invalid error response');
}
