/**
 * Schema validation of client input (call params, queries, tokens) with zod. Failures become the
 * protocol's `system.invalidParams` / `system.invalidQuery` with the issues in `data`.
 */
import type { z } from 'zod';
import { ErrorCode, ResError } from './errors.ts';

/** One validation issue as sent to clients in the error's `data.issues`. @example { path: 'title', code: 'too_small', message: '...' } */
export interface ValidationIssue {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/**
 * Compact, stable issue list from a zod error (path joined with dots).
 * @example issuesOf(err) // [{ path: 'title', code: 'too_small', message: '...' }]
 */
export function issuesOf(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), code: i.code, message: i.message }));
}

/**
 * Parses `value` with `schema`; on failure throws a `ResError` with `code` and the issues.
 * Async refinements are supported.
 * @example const input = await validate(schema, raw, ErrorCode.InvalidParams);
 */
export async function validate<S extends z.ZodType>(schema: S, value: unknown, code: string): Promise<z.output<S>> {
  const r = await schema.safeParseAsync(value);
  if (r.success) return r.data;
  const message = code === ErrorCode.InvalidQuery ? 'Invalid query' : code === ErrorCode.InvalidParams ? 'Invalid parameters' : undefined;
  throw new ResError(code, message, { issues: issuesOf(r.error) });
}
