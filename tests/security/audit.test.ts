// The dependency audit's rule (scripts/lib/audit.ts) on npm's report format: high and critical
// advisories fail unless accepted, lower ones and a clean tree pass, no report is "unavailable".
import { describe, expect, it } from 'vitest';
import { auditVerdict } from '../../scripts/lib/audit.ts';

const report = (vulnerabilities: Record<string, unknown>, counts: Record<string, number> = {}) => ({
  auditReportVersion: 2,
  vulnerabilities,
  metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0, ...counts } },
});
const advisory = (severity: string, id: string) => ({
  source: 1,
  name: 'pkg',
  title: `a ${severity} one`,
  url: `https://github.com/advisories/${id}`,
  severity,
});

describe('npm audit verdict', () => {
  it('fails on high and critical advisories, naming package, title and id', () => {
    const v = auditVerdict(
      report({
        a: { severity: 'high', via: [advisory('high', 'GHSA-aaaa')] },
        b: { severity: 'critical', via: [advisory('critical', 'GHSA-bbbb'), 'a'] },
        c: { severity: 'moderate', via: [advisory('moderate', 'GHSA-cccc')] },
      }),
    );
    expect(v).toEqual({ kind: 'failed', findings: ['high a: a high one (GHSA-aaaa)', 'critical b: a critical one (GHSA-bbbb)'] });
  });

  it('passes a tree with only low or moderate advisories, or none', () => {
    expect(auditVerdict(report({ c: { severity: 'moderate', via: [advisory('moderate', 'GHSA-cccc')] } }, { moderate: 1 })).kind).toBe(
      'clean',
    );
    expect(auditVerdict(report({}))).toEqual({ kind: 'clean', counts: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0 } });
  });

  it('says unavailable when the registry gave no report (a mirror without the endpoint, no network)', () => {
    expect(
      auditVerdict({
        message: '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk',
        statusCode: 405,
      }),
    ).toEqual({
      kind: 'unavailable',
      reason: '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk',
    });
    expect(auditVerdict({ error: { code: 'ENOTFOUND', summary: 'getaddrinfo ENOTFOUND registry' } }).kind).toBe('unavailable');
  });
});
