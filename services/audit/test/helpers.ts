/** The audit service under test: in-process (startHub) or as a real process (killed with SIGKILL). */
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ManagedProcess, waitUntil } from '@hub/servers';
import type { HubService } from '@hub/service';
import { AUDIT_STREAM } from '@hub/store';
import { cleanup, dataScope, hub, scopeSql, startHub, type DataScope } from '@hub/testkit';
import { auditService } from '../src/service.ts';

/** Short, so a test of a killed instance sees its unacked events again soon. */
export const ACK_WAIT_MS = 2000;

export interface AuditOptions {
  readonly subjects: readonly string[];
  readonly scope?: DataScope;
  /** The durable consumer's name; default the scope's name. */
  readonly consumer?: string;
  readonly config?: Record<string, unknown>;
}

/** An audit service storing `subjects`, in-process, closed at test end. */
export async function startAudit(o: AuditOptions): Promise<{ scope: DataScope; service: HubService<object> }> {
  const scope = o.scope ?? dataScope('audit');
  return startHub(auditService, {
    scope,
    config: {
      AUDIT_SUBJECTS: [...o.subjects],
      AUDIT_CONSUMER: o.consumer ?? scope.name,
      AUDIT_ACK_WAIT_MS: ACK_WAIT_MS,
      AUDIT_PARTITIONS_AHEAD: 3,
      AUDIT_LAG_INTERVAL_MS: 200,
      HUB_PARTITIONS: 8,
      ...o.config,
    },
  });
}

const CHILD = fileURLToPath(new URL('./audit-child.ts', import.meta.url));

/** The audit service as a process of its own (main.ts's code path); resolves once it serves. */
export async function startAuditProcess(scope: DataScope, subjects: readonly string[]): Promise<ManagedProcess> {
  let ready = false;
  const proc = ManagedProcess.start({
    name: 'audit',
    command: process.execPath,
    args: ['--import', 'tsx', CHILD],
    env: {
      ...process.env,
      AUDIT_NAME: scope.name,
      NATS_URL: hub().natsUrl,
      DATABASE_URL: scope.databaseUrl,
      AUDIT_SUBJECTS: subjects.join(','),
      AUDIT_ACK_WAIT_MS: String(ACK_WAIT_MS),
      HUB_PARTITIONS: '8',
      OPS_PORT: '0',
      // A takeover after the kill is expected (warn); errors are not.
      LOG_LEVEL: 'error',
    },
    stopSignal: 'SIGTERM',
    log: (_, line) => {
      if (line.trim() === 'READY') ready = true;
      else process.stderr.write(`[audit child] ${line}\n`);
    },
  });
  cleanup(proc, (p) => p.stop());
  await waitUntil(
    () => Promise.resolve(ready),
    60_000,
    'audit process',
    () => proc.exitReason() ?? undefined,
  );
  return proc;
}

/** Rows stored per service, and their distinct event ids. */
export async function stored(scope: DataScope): Promise<{ rows: number; ids: number }> {
  const [r] = await scopeSql<{ rows: number; ids: number }>(
    scope,
    'SELECT count(*)::int AS rows, count(DISTINCT id)::int AS ids FROM entries',
  );
  return r ?? { rows: -1, ids: -1 };
}

/** Resolves once the audit consumer has nothing pending or unacked (everything delivered so far is stored). */
export async function caughtUp(nc: NatsConnection, consumer: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await waitUntil(
    async () => {
      const c = await jsm.consumers.info(AUDIT_STREAM, consumer);
      return c.num_pending === 0 && c.num_ack_pending === 0;
    },
    20_000,
    `audit consumer ${consumer} to catch up`,
  );
}
