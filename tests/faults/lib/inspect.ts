/**
 * A service's memory after a full garbage collection, through the Node inspector of a process
 * started with `--inspect=127.0.0.1:0`. RSS alone follows V8's collection cycle (it climbs
 * for a minute or more under load, then drops at a major GC), so two plain samples compare
 * points of that cycle rather than what the process retains.
 */
import WebSocket from 'ws';
import type { ServiceProcess } from '../../lib/processes.ts';

/** The flag a service process needs for {@link memoryAfterGc}. */
export const INSPECT = '--inspect=127.0.0.1:0';

export interface Memory {
  readonly rss: number;
  readonly heapUsed: number;
}

/** Collects garbage in the process, then reads `process.memoryUsage()` there. */
export async function memoryAfterGc(p: ServiceProcess): Promise<Memory> {
  const url = p.output.map((l) => /Debugger listening on (ws:\/\/\S+)/.exec(l)?.[1]).find((u) => u !== undefined);
  if (url === undefined) throw new Error(`no inspector in the process's output (start it with ${INSPECT})`);
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      resolve();
    });
    ws.once('error', reject);
  });
  let id = 0;
  const call = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const i = ++id;
      const onMessage = (raw: Buffer): void => {
        const m = JSON.parse(raw.toString()) as { id?: number; result?: unknown; error?: { message: string } };
        if (m.id !== i) return;
        ws.off('message', onMessage);
        if (m.error) reject(new Error(`${method}: ${m.error.message}`));
        else resolve(m.result);
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id: i, method, params }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    const r = (await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as {
      result?: { value?: string };
    };
    const m = JSON.parse(r.result?.value ?? '{}') as Partial<Memory>;
    if (m.rss === undefined || m.heapUsed === undefined) throw new Error('process.memoryUsage() not readable');
    return { rss: m.rss, heapUsed: m.heapUsed };
  } finally {
    ws.close();
  }
}
