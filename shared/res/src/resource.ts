/**
 * `defineResource`: one declarative object per resource pattern — access policy, get, calls,
 * auth methods, query schema, queue group. Types flow from it: path params from the pattern
 * string, call input from each call's zod schema, query and token from their schemas.
 */
import type { z } from 'zod';
import type { AccessContext, AuthContext, CallContext, GetContext } from './contract.ts';
import { ResUsageError } from './errors.ts';
import { isValidPart, parsePattern, type ParsedPattern, type PathParams } from './pattern.ts';
import { normalizeQuery } from './query.ts';
import type { ResourceState } from './results.ts';

type Maybe<T> = T | Promise<T>;
type InputOf<S> = S extends z.ZodType ? z.output<S> : undefined;
type QueryOf<Q> = Q extends z.ZodType ? z.output<Q> : undefined;
type TokenOf<T> = T extends z.ZodType ? z.output<T> : unknown;

/** Call/auth params schemas by method name; `null` for a method without params. @example { set: z.object({ title: z.string() }), delete: null } */
export type CallSchemas = Record<string, z.ZodType | null>;

/**
 * An access handler's answer: `true` (get and all calls), `false` (denied), or explicit
 * `{ get, call }` where call is `'*'`, `'set,delete'` or `['set', 'delete']`.
 * @example access: ({ token }) => (token === null ? { get: true } : true)
 */
export type AccessReply = boolean | { readonly get?: boolean; readonly call?: string | readonly string[] };

/** A get handler's answer: `model()`, `collection()`, or null/undefined for `system.notFound`. @example get: ({ params }) => (row ? model(row) : null) */
export type GetReply = ResourceState | null | undefined;

/** A call method: its params schema (or null) and its handler. @example set: { params: z.object({ title: z.string() }), handler: ({ input, change }) => { change(input); } } */
export interface CallSpec<P extends string, S, Q, T> {
  readonly params: S;
  /**
   * Per-method permission check, run after the token is parsed and before params are validated
   * (a caller without the right learns nothing about the params). Throw to refuse, e.g.
   * `ResError.accessDenied()`. Needed because Resgate's access request never names the method:
   * `access` can only grant a call list, and a denied call there answers 401 even for a known
   * user; a guard can answer 403 (set the status over HTTP). `@hub/auth`'s `requires(rule)` builds one.
   * @example set: { guard: requires(hasRole('customer:write')), params: patch, handler: ... }
   */
  readonly guard?: (ctx: CallContext<PathParams<P>, undefined, QueryOf<Q>, TokenOf<T>>) => void | Promise<void>;
  readonly handler: (ctx: CallContext<PathParams<P>, InputOf<S>, QueryOf<Q>, TokenOf<T>>) => unknown;
}

/** An auth method: like a call, with the connection's HTTP details and `setToken`. @example login: { params: creds, handler: async ({ input, setToken }) => { setToken(await verify(input)); } } */
export interface AuthSpec<P extends string, S, Q, T> {
  readonly params: S;
  readonly handler: (ctx: AuthContext<PathParams<P>, InputOf<S>, QueryOf<Q>, TokenOf<T>>) => unknown;
}

/** The declaration passed to {@link defineResource}. @example defineResource({ pattern: 'books', kind: 'collection', get: () => collection([]) }) */
export interface ResourceSpec<
  P extends string,
  C extends CallSchemas,
  A extends CallSchemas,
  Q extends z.ZodType | undefined,
  T extends z.ZodType | undefined,
> {
  /** Pattern relative to the service name: `book.$id` serves `<service>.book.<id>`. */
  readonly pattern: P;
  /** Declares model or collection: events of the other kind are refused. */
  readonly kind?: 'model' | 'collection';
  /** Query schema (a zod object over the URL-form query): makes this a query resource. */
  readonly query?: Q;
  /** Query normalizer; default: sorted keys, URL-form encoded ({@link normalizeQuery}). */
  readonly normalizeQuery?: (query: QueryOf<Q>) => string;
  /** Token schema; a token that fails it is denied access. Default: token typed unknown. */
  readonly token?: T;
  readonly access?: (ctx: AccessContext<PathParams<P>, QueryOf<Q>, TokenOf<T>>) => Maybe<AccessReply>;
  readonly get?: (ctx: GetContext<PathParams<P>, QueryOf<Q>>) => Maybe<GetReply>;
  readonly calls?: { readonly [K in keyof C]: CallSpec<P, C[K], Q, T> };
  readonly auth?: { readonly [K in keyof A]: AuthSpec<P, A[K], Q, T> };
  /**
   * Queue key shared by several resources: a template over path params (`'author.$authorId'`)
   * or a function of them, relative to the service name like patterns. Default: the resource
   * name (one handler at a time per resource). `group: 'books'` shares the queue of the
   * `<service>.books` resource — use it when a handler here changes that collection too.
   * A function must be pure: the router remembers its answer per resource name.
   */
  readonly group?: string | ((params: PathParams<P>) => string);
  /** Runs handlers unqueued, in parallel. Only for resources without ordering needs. */
  readonly parallel?: boolean;
}

type Loose = (ctx: never) => unknown;

/** Internal, type-erased method entry. */
export interface MethodEntry {
  readonly schema: z.ZodType | null;
  readonly guard: Loose | undefined;
  readonly handler: Loose;
}

/**
 * A defined resource. Pass it to `createService({ resources })`; build its RIDs with
 * `service.rid(resource, params)`.
 * @example const rid = service.rid(book, { id: '7' }); // 'library.book.7'
 */
export class Resource<P extends string = string> {
  /** @internal */ readonly parsed: ParsedPattern;
  /** @internal */ readonly calls: ReadonlyMap<string, MethodEntry>;
  /** @internal */ readonly auth: ReadonlyMap<string, MethodEntry>;

  /** @internal */
  constructor(
    readonly pattern: P,
    /** @internal */ readonly spec: ResourceSpec<string, CallSchemas, CallSchemas, z.ZodType | undefined, z.ZodType | undefined>,
  ) {
    this.parsed = parsePattern(pattern);
    this.calls = methods(spec.calls, 'calls');
    this.auth = methods(spec.auth, 'auth');
    if (spec.normalizeQuery !== undefined && spec.query === undefined)
      throw new ResUsageError(`${pattern}: normalizeQuery needs a query schema`);
  }

  /** True if this definition answers get, call or auth requests (owns the resource). */
  get ownsResource(): boolean {
    return this.spec.get !== undefined || this.calls.size > 0 || this.auth.size > 0;
  }

  /** @internal Query normalizer (the resource's or the default). */
  get normalize(): (q: unknown) => string {
    return this.spec.normalizeQuery ?? normalizeQuery;
  }
}

function methods(
  map: Readonly<Record<string, { params: z.ZodType | null; guard?: Loose; handler: Loose }>> | undefined,
  what: string,
): ReadonlyMap<string, MethodEntry> {
  const out = new Map<string, MethodEntry>();
  for (const [name, m] of Object.entries(map ?? {})) {
    if (!isValidPart(name)) throw new ResUsageError(`${what}: invalid method name ${JSON.stringify(name)}`);
    if (typeof m.handler !== 'function') throw new ResUsageError(`${what}.${name}: handler must be a function`);
    if (m.guard !== undefined && typeof m.guard !== 'function') throw new ResUsageError(`${what}.${name}: guard must be a function`);
    out.set(name, { schema: m.params, guard: m.guard, handler: m.handler });
  }
  return out;
}

/**
 * Defines a resource. Path params are typed from the pattern; each call's `input` from its
 * `params` schema (use `params: null` for a method without params).
 * @example
 * const book = defineResource({
 *   pattern: 'book.$id',
 *   kind: 'model',
 *   access: () => ({ get: true, call: '*' }),
 *   get: ({ params }) => model({ id: params.id, title: store.title(params.id) }),
 *   calls: {
 *     set: {
 *       params: z.object({ title: z.string().min(1) }),
 *       handler: ({ params, input, change }) => { store.setTitle(params.id, input.title); change({ title: input.title }); },
 *     },
 *   },
 * });
 * // Access only (another definition serves get/call): defineResource({ pattern: '>', access: () => true })
 */
export function defineResource<
  const P extends string,
  C extends CallSchemas = Record<string, never>,
  A extends CallSchemas = Record<string, never>,
  Q extends z.ZodType | undefined = undefined,
  T extends z.ZodType | undefined = undefined,
>(spec: ResourceSpec<P, C, A, Q, T>): Resource<P> {
  // Type erasure: handlers are called with contexts built to match the spec at runtime.
  return new Resource(spec.pattern, spec as unknown as Resource['spec']);
}
