/**
 * Internal routing: resource name → definition, path params and queue key, per request type;
 * plus the subjects to subscribe and the patterns a `system.reset` covers.
 */
import { ResUsageError } from './errors.ts';
import type { RequestType } from './envelope.ts';
import { compareSpecificity, expandTemplate, isValidPart, matchPattern, qualify, toWildcard } from './pattern.ts';
import type { Resource } from './resource.ts';

/** A routed resource. `key` is the queue key, null for `parallel` resources. */
export interface Route {
  readonly def: Resource;
  readonly rname: string;
  readonly params: Readonly<Record<string, string>>;
  readonly key: string | null;
  /** The full pattern (`library.book.$id`): the request's low-cardinality label for logs and metrics. */
  readonly label: string;
}

type Role = 'get' | 'owner' | 'access';

/** Most routes remembered (see Router.#cache). */
const ROUTE_CACHE_MAX = 10_000;

function roleOf(type: RequestType): Role {
  // A call or auth on a resource this service owns but without that method is methodNotFound,
  // so call/auth route among all owners; get only among definitions with a get handler.
  return type === 'get' ? 'get' : type === 'access' ? 'access' : 'owner';
}

function has(def: Resource, role: Role): boolean {
  if (role === 'get') return def.spec.get !== undefined;
  if (role === 'access') return def.spec.access !== undefined;
  return def.ownsResource;
}

/**
 * Routes within the service's own namespace `<name>.`.
 * @example new Router('library', [book]).route('get', 'library.book.1')?.params // { id: '1' }
 */
export class Router {
  readonly #prefix: string;
  /**
   * Routes already computed, by role and resource name. Routing is a pure function of both (the
   * definitions never change), and matching every pattern per request was the largest single
   * cost of a warm get. Bounded: emptied when full, so a scan over many ids cannot grow it.
   */
  readonly #cache = new Map<string, Route | null>();
  /** Every definition's pattern, for `rid(pattern, params)`. */
  readonly #patterns: ReadonlySet<string>;

  constructor(
    readonly name: string,
    readonly defs: readonly Resource[],
  ) {
    if (!isValidPart(name)) throw new ResUsageError(`service name ${JSON.stringify(name)} must be a single RID part`);
    this.#prefix = `${name}.`;
    this.#patterns = new Set(defs.map((d) => d.pattern));
    for (const role of ['get', 'owner', 'access'] as const) {
      const seen = new Map<string, string>();
      for (const d of defs.filter((x) => has(x, role))) {
        const shape = toWildcard(d.parsed);
        const other = seen.get(shape);
        if (other !== undefined) throw new ResUsageError(`patterns "${other}" and "${d.pattern}" overlap (${role})`);
        seen.set(shape, d.pattern);
      }
    }
  }

  /** True if some definition has exactly this pattern. */
  hasPattern(pattern: string): boolean {
    return this.#patterns.has(pattern);
  }

  /** The most specific definition serving `type` for `rname`, or null (→ system.notFound). */
  route(type: RequestType, rname: string): Route | null {
    const role = roleOf(type);
    const cacheKey = `${role} ${rname}`;
    let route = this.#cache.get(cacheKey);
    if (route === undefined) {
      route = this.#match(role, rname);
      if (this.#cache.size >= ROUTE_CACHE_MAX) this.#cache.clear();
      this.#cache.set(cacheKey, route);
    }
    return route;
  }

  #match(role: Role, rname: string): Route | null {
    let tokens: string[];
    if (rname === this.name) tokens = [];
    else if (rname.startsWith(this.#prefix)) tokens = rname.slice(this.#prefix.length).split('.');
    else return null;
    let best: { def: Resource; params: Record<string, string> } | null = null;
    for (const def of this.defs) {
      if (!has(def, role)) continue;
      const params = matchPattern(def.parsed, tokens);
      if (params !== null && (best === null || compareSpecificity(def.parsed, best.def.parsed) < 0)) best = { def, params };
    }
    return best === null
      ? null
      : Object.freeze({
          def: best.def,
          params: Object.freeze(best.params),
          rname,
          key: this.keyOf(best.def, rname, best.params),
          label: qualify(this.name, best.def.pattern),
        });
  }

  /**
   * The queue key: the resource name, or the group — relative to the service name like
   * patterns, so `group: 'books'` shares the queue of `<name>.books`; null when parallel.
   */
  keyOf(def: Resource, rname: string, params: Readonly<Record<string, string>>): string | null {
    const { group, parallel } = def.spec;
    if (parallel === true) return null;
    if (group === undefined) return rname;
    return qualify(this.name, typeof group === 'function' ? group(params) : expandTemplate(group, params));
  }

  /** Request subjects to subscribe: only the owned namespace. */
  subjects(): string[] {
    const out: string[] = [];
    if (this.defs.some((d) => d.ownsResource)) out.push(`get.${this.name}.>`, `call.${this.name}.>`, `auth.${this.name}.>`);
    if (this.defs.some((d) => d.spec.access !== undefined)) out.push(`access.${this.name}.>`);
    // The root resource's get and access subjects have no token after the name; its calls and
    // auth methods (`call.<name>.<method>`) are covered by the `>` subjects above.
    const root = this.defs.filter((d) => d.parsed.tokens.length === 0);
    if (root.some((d) => d.spec.get !== undefined)) out.push(`get.${this.name}`);
    if (root.some((d) => d.spec.access !== undefined)) out.push(`access.${this.name}`);
    return out;
  }

  /**
   * Subjects split for ownership: `owned` (get/call/auth of resources with a queue key — every
   * instance subscribes, the gate picks the owner) and `shared` (access, and `parallel`
   * resources — one queue group). Throws if a subject of one kind can carry requests of the
   * other: the two subscriptions would both deliver them.
   */
  splitSubjects(): { owned: string[]; shared: string[] } {
    const owned: string[] = [];
    const shared: string[] = [];
    for (const d of this.defs) {
      const w = toWildcard(d.parsed);
      const at = (type: string, method: boolean): string =>
        `${type}.${qualify(this.name, w)}${method ? (w.endsWith('>') ? '' : '.*') : ''}`;
      const requests = [
        ...(d.spec.get ? [at('get', false)] : []),
        ...(d.calls.size > 0 ? [at('call', true)] : []),
        ...(d.auth.size > 0 ? [at('auth', true)] : []),
      ];
      (d.spec.parallel === true ? shared : owned).push(...requests);
      if (d.spec.access !== undefined) shared.push(at('access', false));
    }
    const o = minimalPatterns(owned);
    const sh = minimalPatterns(shared);
    for (const a of o)
      for (const b of sh)
        if (intersects(a, b))
          throw new ResUsageError(
            `service ${this.name}: "${a}" (owned) and "${b}" (parallel or access) overlap; give them distinct patterns`,
          );
    return { owned: o, shared: sh };
  }

  /**
   * `system.reset` patterns: resources with get → `resources`; with access → `access`
   * (patterns covered by a broader one are left out).
   */
  resetPatterns(): { resources: string[]; access: string[] } {
    const full = (d: Resource): string => qualify(this.name, toWildcard(d.parsed));
    return {
      resources: minimalPatterns(this.defs.filter((d) => d.spec.get !== undefined).map(full)),
      access: minimalPatterns(this.defs.filter((d) => d.spec.access !== undefined).map(full)),
    };
  }
}

/** True if wildcard pattern `a` matches everything `b` does (`*` one token, `>` the rest). */
function covers(a: string, b: string): boolean {
  const at = a.split('.');
  const bt = b.split('.');
  for (let i = 0; i < at.length; i++) {
    const t = at[i];
    if (t === '>') return bt.length > i;
    const u = bt[i];
    if (u === undefined || u === '>' || (t !== '*' && t !== u)) return false;
  }
  return at.length === bt.length;
}

/** True if some subject matches both wildcard patterns. */
function intersects(a: string, b: string): boolean {
  const at = a.split('.');
  const bt = b.split('.');
  for (let i = 0; ; i++) {
    const x = at[i];
    const y = bt[i];
    if (x === '>' || y === '>') return (x === '>' ? bt.length : at.length) > i;
    if (x === undefined || y === undefined) return x === y;
    if (x !== '*' && y !== '*' && x !== y) return false;
  }
}

/** Distinct patterns, minus those another one covers. */
function minimalPatterns(patterns: readonly string[]): string[] {
  const distinct = [...new Set(patterns)];
  return distinct.filter((p, i) => !distinct.some((q, j) => j !== i && covers(q, p)));
}
