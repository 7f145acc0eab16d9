/**
 * A person finishing `hub login`'s device flow in a browser, played over HTTP against the real
 * Keycloak: open the verification address, sign in on the login form, accept the consent page.
 * Cookies are carried by hand (fetch keeps none) and redirects followed one by one.
 */
const FORM_TIMEOUT_MS = 15_000;

type Jar = Map<string, string>;

function remember(jar: Jar, res: Response): void {
  for (const c of res.headers.getSetCookie()) {
    const [pair = ''] = c.split(';');
    const eq = pair.indexOf('=');
    if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
}

async function go(jar: Jar, url: string, form?: Record<string, string>): Promise<{ url: string; html: string }> {
  let next = url;
  let body: URLSearchParams | undefined = form === undefined ? undefined : new URLSearchParams(form);
  for (let hops = 0; hops < 10; hops++) {
    const res = await fetch(next, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: body ?? null,
      redirect: 'manual',
      signal: AbortSignal.timeout(FORM_TIMEOUT_MS),
    });
    remember(jar, res);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location !== null) {
      next = new URL(location, next).toString();
      body = undefined;
      continue;
    }
    return { url: next, html: await res.text() };
  }
  throw new Error(`too many redirects from ${url}`);
}

const unescape = (s: string) => s.replace(/&amp;/g, '&');

function formAction(html: string, pageUrl: string, marker: RegExp): string {
  const form = [...html.matchAll(/<form[^>]*>/g)].map((m) => m[0]).find((f) => marker.test(f));
  const action = form === undefined ? undefined : /action="([^"]*)"/.exec(form)?.[1];
  if (action === undefined) throw new Error(`no form matching ${String(marker)} on ${pageUrl}`);
  return new URL(unescape(action), pageUrl).toString();
}

/** Signs `user` in at `verificationUrl` and grants the device; resolves when Keycloak says so. */
export async function approveDevice(verificationUrl: string, user: string, password: string): Promise<void> {
  const jar: Jar = new Map();
  const login = await go(jar, verificationUrl);
  const consent = await go(jar, formAction(login.html, login.url, /kc-form-login/), { username: user, password, credentialId: '' });
  const code = /name="code" value="([^"]*)"/.exec(consent.html)?.[1];
  if (code === undefined) throw new Error(`no consent page after signing in as ${user}: ${consent.url}`);
  const done = await go(jar, formAction(consent.html, consent.url, /consent/), { code, accept: 'Yes' });
  if (!done.html.includes('Device Login Successful')) throw new Error(`device not granted: ${done.url}`);
}
