/**
 * RES errors in words a user understands, each with what to do next. The code stays available
 * (shown small) for support, never alone.
 */

/** A RES error as resclient rejects with it (`code`, `message`, optional `data`). */
export interface ResErrorLike {
  readonly code: string;
  readonly message?: string;
  readonly data?: unknown;
}

export interface UserError {
  readonly title: string;
  readonly next: string;
  readonly code: string;
  /** Field messages from `system.invalidParams`: field path → message. */
  readonly fields: Readonly<Record<string, string>>;
}

export function isResError(e: unknown): e is ResErrorLike {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string';
}

/** Field messages of a validation error (`data.issues[].path` names the field). */
export function fieldIssues(data: unknown): Record<string, string> {
  const issues = (data as { issues?: unknown } | null | undefined)?.issues;
  if (!Array.isArray(issues)) return {};
  const out: Record<string, string> = {};
  for (const i of issues as { path?: unknown; message?: unknown }[]) {
    const path = typeof i.path === 'string' ? (i.path.split('.')[0] ?? '') : '';
    if (path !== '' && typeof i.message === 'string' && !(path in out)) out[path] = i.message;
  }
  return out;
}

const WORDS: Record<string, [string, string]> = {
  'system.accessDenied': [
    "You don't have permission to do that.",
    'Sign in as a user with the right role, or ask an administrator for access.',
  ],
  'system.notFound': ['This was not found.', 'It may have been deleted, or the link is wrong. Go back to the list and search again.'],
  'system.timeout': ['The server took too long to answer.', 'Try again in a moment. If it keeps happening, the service may be down.'],
  'system.internalError': ['Something went wrong on our side.', 'Try again in a moment; nothing you entered was lost.'],
  'system.connectionError': ['The connection to the server was lost.', 'Check your network; the page reconnects by itself.'],
  'system.disconnect': ['The connection to the server was lost.', 'The page reconnects by itself; try again once it says "Live".'],
  'system.invalidQuery': ['That search could not be run.', 'Check the filters, or clear them and search again.'],
  'identity.invalidToken': ['Your sign-in has expired or ended.', 'Sign in again.'],
};

/**
 * @example describeError({ code: 'system.accessDenied' }).title // "You don't have permission to do that."
 */
export function describeError(e: unknown, what = 'That'): UserError {
  if (!isResError(e)) {
    return { title: `${what} did not work.`, next: 'Try again; if it keeps failing, reload the page.', code: 'unknown', fields: {} };
  }
  const fields = e.code === 'system.invalidParams' ? fieldIssues(e.data) : {};
  if (e.code === 'system.invalidParams') {
    return { title: 'Some fields need your attention.', next: 'Correct the fields marked below and save again.', code: e.code, fields };
  }
  if (e.code.endsWith('.versionConflict')) {
    return {
      title: 'Someone else changed this while you were editing.',
      next: 'Their version is shown now. Review it, then save yours again or discard your changes.',
      code: e.code,
      fields,
    };
  }
  const known = WORDS[e.code];
  if (known !== undefined) return { title: known[0], next: known[1], code: e.code, fields };
  return {
    title: e.message !== undefined && e.message !== '' ? `${e.message}.` : `${what} did not work.`,
    next: 'Try again; if it keeps failing, contact support with the code below.',
    code: e.code,
    fields,
  };
}
