/**
 * A message of the AUDIT stream as the audit service reads it: a domain event (see @hub/store's
 * outbox.ts) becomes a row of `entries`; anything else is rejected with the reason, stored
 * apart (nothing is lost) and acked, so one bad message never blocks the stream.
 */
import { z } from '@hub/res';
import { isoTime } from '@hub/store';

const domainEvent = z.object({
  id: z.guid(),
  service: z.string().min(1).max(200),
  resource: z.string().min(1).max(200),
  action: z.enum(['create', 'update', 'delete']),
  resourceId: z.string().min(1).max(200),
  actor: z.unknown(),
  before: z.unknown(),
  after: z.unknown(),
  timestamp: z.iso.datetime({ offset: true }),
});

/** What the live resources need of an entry (filters, history key, order). */
export interface EntryKey {
  readonly id: string;
  readonly service: string;
  readonly resource: string;
  readonly resourceId: string;
  readonly action: string;
  readonly actor: string | null;
  readonly timestamp: string;
}

/** A row to store. */
export interface EntryRow extends EntryKey {
  readonly seq: number;
  readonly before: unknown;
  readonly after: unknown;
}

export interface Rejected {
  readonly seq: number;
  readonly subject: string;
  readonly data: string;
  readonly reason: string;
}

/** The actor as text: a string as is, nothing as null, anything else as its JSON. */
function actorText(a: unknown): string | null {
  if (a === null || a === undefined) return null;
  return typeof a === 'string' ? a : JSON.stringify(a);
}

/** Reads one message. @example read({ subject: 'audit.customer.customer.create', seq: 7, data }) */
export function read(m: { readonly subject: string; readonly seq: number; readonly data: Uint8Array }): EntryRow | Rejected {
  const text = Buffer.from(m.data).toString('utf8');
  const reject = (reason: string): Rejected => ({ seq: m.seq, subject: m.subject, data: text, reason });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return reject('not JSON');
  }
  const e = domainEvent.safeParse(json);
  if (!e.success)
    return reject(`not a domain event: ${e.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  const d = e.data;
  if (m.subject !== `audit.${d.service}.${d.resource}.${d.action}`) return reject(`subject ${m.subject} does not match the event`);
  return {
    id: d.id.toLowerCase(),
    seq: m.seq,
    service: d.service,
    resource: d.resource,
    resourceId: d.resourceId,
    action: d.action,
    actor: actorText(d.actor),
    timestamp: isoTime(d.timestamp),
    before: d.before ?? null,
    after: d.after ?? null,
  };
}

export function isRejected(x: EntryRow | Rejected): x is Rejected {
  return 'reason' in x;
}
