/**
 * The verdict of `npm audit --omit=dev --json` (npm 7+ report, auditReportVersion 2): the
 * production dependency tree may have no high or critical advisory unless it is accepted below
 * with its reason. Pure, so the rule itself is tested (tests/security/audit.test.ts).
 */

/** Advisories we accept, by GHSA id (or URL), with why. Empty: none accepted. */
export const ACCEPTED: Readonly<Record<string, string>> = {};

/** Severities that fail the check. */
export const FAILING = new Set(['high', 'critical']);

export type AuditVerdict =
  | { readonly kind: 'clean'; readonly counts: Record<string, number> }
  | { readonly kind: 'failed'; readonly findings: readonly string[] }
  /** No report: the registry has no advisory endpoint (a mirror) or is unreachable. */
  | { readonly kind: 'unavailable'; readonly reason: string };

interface Advisory {
  readonly source?: unknown;
  readonly title?: unknown;
  readonly url?: unknown;
  readonly severity?: unknown;
}
interface Report {
  readonly auditReportVersion?: unknown;
  readonly vulnerabilities?: Record<string, { readonly severity?: unknown; readonly via?: readonly (Advisory | string)[] }>;
  readonly metadata?: { readonly vulnerabilities?: Record<string, number> };
  readonly message?: unknown;
  readonly statusCode?: unknown;
  readonly error?: { readonly code?: unknown; readonly summary?: unknown };
}

const idOf = (a: Advisory): string => (typeof a.url === 'string' ? (a.url.split('/').pop() ?? a.url) : String(a.source));

/** @example auditVerdict(JSON.parse(stdout)) */
export function auditVerdict(report: unknown): AuditVerdict {
  const r = (report ?? {}) as Report;
  if (r.auditReportVersion !== 2 || r.vulnerabilities === undefined) {
    const why = typeof r.message === 'string' ? r.message : typeof r.error?.summary === 'string' ? r.error.summary : 'no audit report';
    return { kind: 'unavailable', reason: why.split('\n')[0] ?? why };
  }
  const findings: string[] = [];
  for (const [pkg, v] of Object.entries(r.vulnerabilities)) {
    for (const a of v.via ?? []) {
      if (typeof a === 'string' || typeof a.severity !== 'string' || !FAILING.has(a.severity)) continue; // strings point at another entry
      const id = idOf(a);
      if (ACCEPTED[id] !== undefined) continue;
      findings.push(`${a.severity} ${pkg}: ${String(a.title)} (${id})`);
    }
  }
  return findings.length > 0
    ? { kind: 'failed', findings: [...new Set(findings)] }
    : { kind: 'clean', counts: r.metadata?.vulnerabilities ?? {} };
}
