/** What every command gets: the validated settings and the output, and a connection when it needs one. */
import { connect, type Connection } from './connection.ts';
import { usage } from './exit.ts';
import type { Output } from './output.ts';
import { tokenSource } from './session.ts';
import type { Settings } from './settings.ts';

export interface Ctx {
  readonly settings: Settings;
  readonly out: Output;
}

/** Opens a connection signed in with the saved token (if any), runs `fn`, and closes it. */
export async function withConnection<T>(ctx: Ctx, fn: (conn: Connection) => Promise<T>): Promise<T> {
  const conn = await connect({ url: ctx.settings.url, timeoutMs: ctx.settings.timeoutMs }, tokenSource(ctx.settings));
  try {
    return await fn(conn);
  } finally {
    conn.close();
  }
}

// A RID is dot-separated non-empty tokens without whitespace or wildcards, then an optional query.
const RID = /^[^\s.?*>]+(\.[^\s.?*>]+)*(\?\S*)?$/;

/** Checks a RID argument before anything is sent. */
export function checkRid(rid: string): string {
  if (!RID.test(rid)) throw usage(`"${rid}" is not a resource ID (e.g. customer.customer.1, or customer.customers?q=acme)`);
  return rid;
}
