/** Credentials in the HTTP headers Resgate forwards with auth requests (canonical MIME keys). */

type Header = Readonly<Record<string, readonly string[]>>;

/** The bearer token of the `Authorization` header, if any. */
export function bearerToken(header: Header): string | undefined {
  const value = header.Authorization?.[0];
  const m = value === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(value);
  return m?.[1];
}

/** The value of cookie `name`, if any. */
export function cookieValue(header: Header, name: string): string | undefined {
  for (const line of header.Cookie ?? []) {
    for (const part of line.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === name) {
        const v = part.slice(eq + 1).trim();
        return v === '' ? undefined : v;
      }
    }
  }
  return undefined;
}
