/**
 * Adds sources to directives of a Content-Security-Policy header value. SvelteKit writes the page
 * CSP from svelte.config.js at build time; the Keycloak origin is only known at run time.
 * @example withSources("connect-src 'self'", { 'connect-src': ['http://kc:8180'] }) // "connect-src 'self' http://kc:8180"
 */
export function withSources(csp: string, add: Readonly<Record<string, readonly string[]>>): string {
  const directives = csp
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  const seen = new Set<string>();
  const out = directives.map((d) => {
    const [name = '', ...sources] = d.split(/\s+/);
    seen.add(name);
    const extra = (add[name] ?? []).filter((s) => !sources.includes(s));
    return [name, ...sources, ...extra].join(' ');
  });
  for (const [name, sources] of Object.entries(add)) if (!seen.has(name) && sources.length > 0) out.push([name, ...sources].join(' '));
  return out.join('; ');
}

/** The origin of a URL, or undefined for an empty or invalid one. */
export function originOf(url: string | undefined): string | undefined {
  if (url === undefined || url === '') return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
