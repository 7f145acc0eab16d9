/** HTTP calls through Resgate directly and through Traefik, as a REST client would make them. */
import { hub } from './context.ts';

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  body: T | undefined;
  text: string;
}

async function send<T>(base: string, path: string, init: RequestInit & { json?: unknown; token?: string }): Promise<HttpResult<T>> {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  if (init.token !== undefined) headers.set('authorization', `Bearer ${init.token}`);
  const res = await fetch(`${base}${path}`, {
    ...init,
    headers,
    body: init.json === undefined ? init.body : JSON.stringify(init.json),
    signal: init.signal ?? AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let body: T | undefined;
  try {
    body = text === '' ? undefined : (JSON.parse(text) as T);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

/**
 * Request straight to Resgate's HTTP port (the platform's, or `base`: a test's own Resgate). `path` starts with /api/.
 * @example const r = await resgateHttp('/api/library/book/1'); expect(r.status).toBe(200);
 */
export function resgateHttp<T = unknown>(
  path: string,
  init: RequestInit & { json?: unknown; token?: string; base?: string } = {},
): Promise<HttpResult<T>> {
  const { base, ...rest } = init;
  return send<T>(base ?? hub().resgateHttpUrl, path, rest);
}

/**
 * Request through Traefik's client entry point (the way browsers and curl reach the platform).
 * @example const r = await traefikHttp('/api/library/books');
 */
export function traefikHttp<T = unknown>(path: string, init: RequestInit & { json?: unknown; token?: string } = {}): Promise<HttpResult<T>> {
  return send<T>(hub().traefikUrl, path, init);
}
