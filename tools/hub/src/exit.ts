/**
 * Exit codes scripts can rely on (the README lists them). Every failure the CLI reports is a
 * `CliError` carrying one of them; anything else that escapes is a bug and exits with `error`.
 */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** Bad command line: unknown command or option, missing argument, params that are not JSON. */
  usage: 1,
  /** No such resource or method (`system.notFound`, `system.methodNotFound`). */
  notFound: 2,
  /** Not allowed: not signed in, a role missing, sign-in refused or expired (`system.accessDenied`). */
  denied: 3,
  /** The service refused the params or query (`system.invalidParams`, `system.invalidQuery`). */
  invalid: 4,
  /** Gateway, Keycloak or a service unreachable, or too slow (`system.timeout`, `hub.unavailable`). */
  unavailable: 5,
  /** The resource changed meanwhile (`<service>.versionConflict`): read it again and retry. */
  conflict: 6,
  /** Any other error a service answered (`system.internalError`, a service's own code). */
  error: 7,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * How the user runs us, for the commands our messages suggest: `npx hub` from the repository
 * (npm sets npm_command=exec for npx), plain `hub` when installed on the PATH.
 */
export const HUB = process.env.npm_command === 'exec' ? 'npx hub' : 'hub';

/** A failure explained in words for the user, with the exit code that classifies it. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** The error code a service answered, when there was one (printed with --json). */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Shorthand for a usage error. */
export function usage(message: string): CliError {
  return new CliError(message, EXIT.usage);
}
