/**
 * `hub watch <rid>`: prints the resource, then every change as it happens, until Ctrl-C (exit 0).
 * A model prints its changed fields with their new values; a collection prints each add and
 * remove with its index, and the changes of the models it holds. With --json each event is one
 * JSON object per line: `{"event":"value"|"change"|"add"|"remove"|"delete"|<custom>, "rid", ...}`.
 * The sign-in is refreshed before the token expires; a lost connection is re-established (and
 * said on stderr). If the gateway unsubscribes us (signed out, role removed) it exits 3.
 */
import { connect, type Connection } from '../connection.ts';
import { checkRid, type Ctx } from '../context.ts';
import { CliError, EXIT } from '../exit.ts';
import { humanResource, itemLine, type Output } from '../output.ts';
import { isCollection, plain, ridOf, type ResEmitter, type ResModel, type ResResource } from '../resclient.ts';
import { tokenSource } from '../session.ts';

type Handler = (data: unknown, target: unknown, event: string, action?: string) => void;

function clock(): string {
  return new Date().toLocaleTimeString('en-GB', { hour12: false });
}

/** Prints one watch event: a JSON line, or a timestamped line for reading. */
function emitter(out: Output): (event: string, rid: string, fields: Record<string, unknown>, human: string) => void {
  return (event, rid, fields, human) => {
    out.result({ event, rid, at: new Date().toISOString(), ...fields }, `${clock()}  ${event.padEnd(7)} ${human}`);
  };
}

/** The new values of a model's changed fields (resclient hands us the old ones). */
function changedValues(model: ResModel, old: unknown): { values: Record<string, unknown>; removed: string[] } {
  const values: Record<string, unknown> = {};
  const removed: string[] = [];
  for (const k of Object.keys(old as object)) {
    const now = model[k];
    if (now === undefined) removed.push(k);
    else values[k] = plain(now);
  }
  return { values, removed };
}

function changeLine(rid: string, c: { values: Record<string, unknown>; removed: string[] }): string {
  const parts = [...Object.entries(c.values).map(([k, v]) => `${k}: ${JSON.stringify(v)}`), ...c.removed.map((k) => `${k}: (removed)`)];
  return `${rid}  ${parts.join('  ')}`;
}

/** Listens to the models a collection holds, so their changes are printed too. */
function itemWatcher(onChange: (model: ResModel, old: unknown) => void): {
  add(v: unknown): void;
  remove(v: unknown): void;
  clear(): void;
} {
  const held = new Map<string, { model: ResEmitter; handler: Handler; count: number }>();
  return {
    add(v) {
      const rid = ridOf(v);
      if (rid === undefined || isCollection(v as ResResource)) return;
      const h = held.get(rid);
      if (h) h.count++;
      else {
        const handler: Handler = (old) => {
          onChange(v as ResModel, old);
        };
        (v as ResEmitter).on('change', handler);
        held.set(rid, { model: v as ResEmitter, handler, count: 1 });
      }
    },
    remove(v) {
      const rid = ridOf(v);
      const h = rid === undefined ? undefined : held.get(rid);
      if (rid === undefined || h === undefined) return;
      if (--h.count > 0) return;
      h.model.off('change', h.handler);
      held.delete(rid);
    },
    clear() {
      for (const h of held.values()) h.model.off('change', h.handler);
      held.clear();
    },
  };
}

/** Subscribes to every event of `r`; resolves on Ctrl-C or deletion, rejects when access ends. */
function follow(conn: Connection, r: ResResource, out: Output): Promise<void> {
  const rid = r.getResourceId();
  const emit = emitter(out);
  const items = itemWatcher((m, old) => {
    const c = changedValues(m, old);
    emit('change', m.getResourceId(), c, changeLine(m.getResourceId(), c));
  });
  if (isCollection(r)) for (const v of r.toArray()) items.add(v);
  return new Promise<void>((resolve, reject) => {
    const onAll: Handler = (data, _target, _event, action) => {
      const d = data as { item?: unknown; idx?: number } | undefined;
      if (action === 'change') {
        const c = changedValues(r as ResModel, data);
        emit('change', rid, c, changeLine(rid, c));
      } else if (action === 'add') {
        items.add(d?.item);
        emit('add', rid, { idx: d?.idx, itemRid: ridOf(d?.item), value: plain(d?.item) }, itemLine(d?.idx ?? -1, d?.item));
      } else if (action === 'remove') {
        items.remove(d?.item);
        const itemRid = ridOf(d?.item);
        emit('remove', rid, { idx: d?.idx, itemRid }, `#${String(d?.idx)}  ${itemRid ?? JSON.stringify(plain(d?.item))}`);
      } else if (action === 'unsubscribe') {
        stop(new CliError(`access to ${rid} ended (signed out, token expired, or a role removed)`, EXIT.denied));
      } else if (action === 'delete') {
        emit('delete', rid, {}, rid);
        stop();
      } else {
        emit(action ?? 'event', rid, { data: plain(data) }, `${rid}  ${JSON.stringify(plain(data))}`);
      }
    };
    const onDisconnect = () => {
      out.note('connection lost — reconnecting…');
    };
    const onConnect = () => {
      out.note('reconnected');
    };
    const onSignal = () => {
      stop();
    };
    function stop(err?: CliError): void {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      conn.client.off('disconnect', onDisconnect);
      conn.client.off('connect', onConnect);
      items.clear();
      r.off(null, onAll);
      if (err) reject(err);
      else resolve();
    }
    r.on(null, onAll);
    conn.client.on('disconnect', onDisconnect);
    conn.client.on('connect', onConnect);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    conn.keepSignedIn((e) => {
      stop(e);
    });
  });
}

export async function watch(ctx: Ctx, rid: string): Promise<void> {
  checkRid(rid);
  const conn = await connect({ url: ctx.settings.url, timeoutMs: ctx.settings.timeoutMs }, tokenSource(ctx.settings));
  try {
    const r = await conn.request({ rid, action: 'read' }, (c) => c.get(rid));
    ctx.out.result({ event: 'value', rid, at: new Date().toISOString(), value: plain(r) }, `${rid}\n${humanResource(r)}`);
    if (!ctx.out.json) ctx.out.note(`watching ${rid} — Ctrl-C to stop`);
    await follow(conn, r, ctx.out);
  } finally {
    conn.close();
  }
}
