/**
 * Turns an error a request answered into words and an exit code. The role hint follows the
 * platform's convention (`<service>:read` to read, `<service>:write` to change; `admin` may do
 * all): the service is the RID's first token, and reading or writing is what the command did —
 * `get`, `search` and `watch` read, `call` writes. Resgate's access answer never names the role,
 * so the hint is derived, not quoted.
 */
import { CliError, EXIT, HUB } from './exit.ts';

/** What the command tried when the error came back. */
export interface Attempt {
  readonly rid: string;
  readonly action: 'read' | 'write';
  readonly method?: string;
  /** The signed-in user, or undefined when no token was sent. */
  readonly user?: string;
}

/** The shape of an error answer (resclient's ResError, a RES error object). */
export interface ErrorAnswer {
  readonly code: string;
  readonly message: string;
  readonly data?: unknown;
}

/** Whether a value is an error answer (resclient's ResError exposes code/message as getters). */
export function isErrorAnswer(e: unknown): e is ErrorAnswer {
  if (typeof e !== 'object' || e === null) return false;
  const { code, message } = e as { code?: unknown; message?: unknown };
  return typeof code === 'string' && typeof message === 'string';
}

/** The service a RID belongs to: its first token. @example serviceOf('customer.customers?q=a') // 'customer' */
export function serviceOf(rid: string): string {
  return rid.split('?', 1)[0]?.split('.', 1)[0] ?? rid;
}

/** The role a request needs by the platform's convention. @example roleHint({ rid: 'customer.customer.1', action: 'write' }) // 'customer:write' */
export function roleHint(a: Pick<Attempt, 'rid' | 'action'>): string {
  return `${serviceOf(a.rid)}:${a.action}`;
}

/** `path: message` lines of a validation error's `data.issues` (the SDK's shape), if any. */
export function issueLines(data: unknown): string[] {
  const issues = (data as { issues?: unknown } | null | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.map((i: unknown) => {
    const { path, message } = (i ?? {}) as { path?: unknown; message?: unknown };
    const where = typeof path === 'string' && path !== '' ? `${path}: ` : '';
    return `  ${where}${typeof message === 'string' ? message : JSON.stringify(i)}`;
  });
}

function withIssues(head: string, data: unknown): string {
  return [head, ...issueLines(data)].join('\n');
}

function denied(a: Attempt): string {
  if (a.user === undefined) return `not allowed: not signed in (no token set) — run \`${HUB} login\`, then try again`;
  return `not allowed: needs role ${roleHint(a)} (signed in as ${a.user})`;
}

/** The error answered to `attempt`, explained. */
export function explain(err: ErrorAnswer, a: Attempt): CliError {
  const { code, message, data } = err;
  const svc = serviceOf(a.rid);
  switch (code) {
    case 'system.accessDenied':
      return new CliError(denied(a), EXIT.denied, code);
    case 'system.notFound':
      return new CliError(`not found: ${a.rid} (no such resource, or the ${svc} service is not running)`, EXIT.notFound, code);
    case 'system.methodNotFound':
      return new CliError(`not found: ${a.rid} has no method "${a.method ?? ''}"`, EXIT.notFound, code);
    case 'system.invalidParams':
      return new CliError(withIssues(`invalid params: ${message}`, data), EXIT.invalid, code);
    case 'system.invalidQuery':
      return new CliError(withIssues(`invalid query: ${message}`, data), EXIT.invalid, code);
    case 'system.timeout':
      return new CliError(`unavailable: the ${svc} service did not answer in time — try again shortly`, EXIT.unavailable, code);
    case 'identity.invalidToken':
      return new CliError(`not allowed: the saved sign-in was refused (${message}) — run \`${HUB} login\` again`, EXIT.denied, code);
  }
  if (code === 'hub.unavailable' || /\.[a-zA-Z]*[uU]navailable$/.test(code)) {
    return new CliError(`unavailable: ${message} — try again shortly`, EXIT.unavailable, code);
  }
  if (code.endsWith('.versionConflict')) {
    return new CliError(`conflict: ${message} — get ${a.rid} again and retry with its version`, EXIT.conflict, code);
  }
  return new CliError(withIssues(`failed: ${message} (${code})`, data), EXIT.error, code);
}
