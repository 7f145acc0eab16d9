/**
 * A private ingress for one test: the real Traefik with the repo's traefik/dynamic files (the
 * routes and middlewares `make up` and the stack use), small limits, and a Node HTTP server of
 * the test's own standing in for Resgate, so a test can break it, slow it and count what reaches
 * it. The test kit's shared Traefik serves every test file at once and must stay healthy, so
 * rate limits, breakers and retries are proven here, on instances nobody else uses.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { freePort, startTraefik, type IngressLimits } from '@hub/servers';
import { cleanup, uniqueName } from '@hub/testkit';

/** What the stand-in upstream saw of one request. */
export interface Seen {
  method: string;
  path: string;
  bodyBytes: number;
  headers: IncomingMessage['headers'];
}

/** Decides the upstream's answer; `attempt` counts requests to the same method and path (1, 2, …). */
export type Handler = (req: Seen, res: ServerResponse, attempt: number) => void;

export interface Upstream {
  readonly url: string;
  /** Every request that reached the upstream, in order. */
  readonly seen: Seen[];
  /** Requests that reached it for `method path`. */
  attempts(method: string, path: string): number;
  /** Replaces the handler (heal or break the upstream mid-test). */
  handle(handler: Handler): void;
}

/** Answers 200 with a small JSON body. */
export const ok: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"ok":true}');
};

/** Starts the stand-in upstream (HTTP and WebSocket upgrades), closed when the test ends. */
export async function startUpstream(handler: Handler = ok): Promise<Upstream> {
  let current = handler;
  const seen: Seen[] = [];
  const count = new Map<string, number>();
  const server = createServer((req, res) => {
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => { bodyBytes += chunk.length; });
    req.on('end', () => {
      const s: Seen = { method: req.method ?? '', path: req.url ?? '', bodyBytes, headers: req.headers };
      seen.push(s);
      const key = `${s.method} ${s.path}`;
      const attempt = (count.get(key) ?? 0) + 1;
      count.set(key, attempt);
      current(s, res, attempt);
    });
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => { socket.send('hello'); });
  const port = await freePort();
  await new Promise<void>((resolve) => { server.listen(port, '127.0.0.1', resolve); });
  cleanup(server, (s) => new Promise((resolve) => {
    for (const c of wss.clients) c.terminate();
    s.closeAllConnections();
    s.close(resolve);
  }));
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    attempts: (method, path) => count.get(`${method} ${path}`) ?? 0,
    handle: (h) => { current = h; },
  };
}

export interface Ingress {
  /** Client entry, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly accessLogPath: string;
  /** Traefik's own output, for failure messages. */
  readonly log: string[];
}

/** Distinct free ports (the kernel may hand out the same free port twice in a row). */
async function distinctPorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

/**
 * Starts a real Traefik on the repo's dynamic configuration, routing to `upstream` as if it were
 * Resgate, with `limits` over the defaults; stopped when the test ends.
 */
export async function startIngress(upstream: Upstream, limits: IngressLimits = {}): Promise<Ingress> {
  const [port = 0, adminPort = 0] = await distinctPorts(2);
  const dir = cleanup(mkdtempSync(join(tmpdir(), 'hub-ingress-')), (d) => { rmSync(d, { recursive: true, force: true }); });
  const log: string[] = [];
  const accessLogPath = join(dir, 'access.log');
  const traefik = await startTraefik({
    port, adminPort, resgateUrl: upstream.url, limits, accessLogPath, name: uniqueName('traefik'),
    log: (_name, line) => { log.push(line); },
  });
  cleanup(traefik, (t) => t.stop());
  return { url: traefik.url, accessLogPath, log };
}

export interface RawResponse {
  status: number;
  headers: IncomingMessage['headers'];
  /** The body exactly as sent (no decompression). */
  body: Buffer;
  ms: number;
}

/**
 * One HTTP request with nothing added: Node's fetch would decompress and add Accept-Encoding,
 * hiding what Traefik sent.
 */
export function raw(url: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<RawResponse> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - t0 }); });
      res.on('error', reject);
    });
    req.on('timeout', () => { req.destroy(new Error(`${init.method ?? 'GET'} ${url} timed out`)); });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Headers the ingress puts on every answer, its own refusals included. */
export const SECURITY_HEADERS = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
} as const;
