/**
 * Table-backed resources, declared: one table, its fields (zod), access and domain hooks become a
 * model resource `<service>.<model pattern>` with `get` (read-through cache), `set` (partial
 * update, optional `version` for optimistic concurrency) and `delete`; `liveSearch` adds a live
 * query collection over it, with `create`. Every event a commit implies is sent by the SDK, in
 * commit order, after the cache invalidation and before the reply (see live-table.ts); the domain
 * event goes to the outbox in the commit's own statement. No handler sends an event by hand.
 *
 * @example
 * export const customers = defineTable({
 *   table: 'customers', model: 'customer.$id',
 *   fields: { name: z.string().min(1), email: z.email(), active: z.boolean().default(true) },
 *   access: customerAccess, guard: mayWrite,
 * });
 * export const search = liveSearch(customers, { pattern: 'customers', sort: { fields: ['name'], default: 'name' }, create: true });
 */
import {
  defineResource,
  ResError,
  resourceResponse,
  z,
  type AccessContext,
  type AccessReply,
  type CallContext,
  type Resource,
  type ServiceScope,
} from '@hub/res';
import type { BindContext, Bindable } from './bind.ts';
import { codecOf, SYSTEM_CODECS, type FieldCodec } from './fields.ts';
import { LiveSearch } from './live-search.ts';
import { LiveTable } from './live-table.ts';
import { openTable, type Entity, type WriteMeta } from './rows.ts';
import { compileSearch, type SearchQuery, type SearchSpec } from './search.ts';

type Shape = Readonly<Record<string, z.ZodType>>;
/** The output type of a shape of fields. */
type Out<S extends Shape> = { -readonly [K in keyof S]: z.output<S[K]> };
/** The same for optional extra fields: none adds nothing to an intersection. */
type Extra<S extends Shape> = string extends keyof S ? unknown : Out<S>;

/** An entity of a table declared with fields `F` and read-only fields `R`. */
export type EntityOf<F extends Shape, R extends Shape = Shape> = Entity & {
  readonly createdAt: string;
  readonly updatedAt: string;
} & Out<F> &
  Extra<R>;

type Maybe<T> = T | Promise<T>;

/** Domain rules around the SDK's writes. Throw a `ResError` to refuse (nothing is written). */
export interface TableHooks<E, C> {
  /** Before a create: validate across fields, derive fields; return the input to store (or nothing: as is). */
  readonly create?: (input: C, ctx: CallContext) => Maybe<C | undefined>;
  /** Before a `set`: the patch and the current entity; return the patch to store (or nothing: as is). */
  readonly update?: (patch: Partial<C>, current: E, ctx: CallContext) => Maybe<Partial<C> | undefined>;
  /** Before a `delete`. */
  readonly delete?: (current: E, ctx: CallContext) => Maybe<void>;
}

export interface TableDeclaration<F extends Shape, R extends Shape> {
  /** SQL table in the service's schema. */
  readonly table: string;
  /** The model's pattern, relative to the service, with `$id`: `customer.$id`. */
  readonly model: string;
  /** Resource name in audit subjects and cache keys; default the model pattern's first token. */
  readonly resource?: string;
  /** Writable fields: their create rules (`.default()` for optional ones); a `set` takes any subset, without defaults. */
  readonly fields: F;
  /** Fields served in the model that clients cannot write (set by the database or by server code). */
  readonly readOnly?: R;
  /** Columns that are not the snake_case of their field. */
  readonly columns?: Readonly<Record<string, string>>;
  /** Schema of the connection token handlers see (a token failing it is denied). */
  readonly token?: z.ZodType;
  /** Who may get and call (Resgate's access request). */
  readonly access?: (ctx: AccessContext) => Maybe<AccessReply>;
  /** Runs before every write (`set`, `delete`, and the search's `create`): refuse by throwing. */
  readonly guard?: (ctx: CallContext) => Maybe<void>;
  /** The actor recorded in domain events; default the token's `sub`. */
  readonly actor?: (token: unknown) => unknown;
  readonly hooks?: TableHooks<EntityOf<F, R>, Out<F>>;
}

const defaultActor = (t: unknown): unknown => (typeof t === 'object' && t !== null && 'sub' in t ? t.sub : null);

/** A field's schema without its create default (a patch must not reset omitted fields). */
function withoutDefault(s: z.ZodType): z.ZodType {
  const def = (s as { _zod: { def: { type: string } } })._zod.def;
  return def.type === 'default' || def.type === 'prefault' ? (s as unknown as { unwrap(): z.ZodType }).unwrap() : s;
}

/** A declared table: bind it (defineService does) to get its resources and its live table. */
export class TableDef<E extends Entity, C extends object> implements Bindable {
  readonly model: string;
  readonly createSchema: z.ZodType<C>;
  readonly patchSchema: z.ZodType<Partial<C> & { version?: number }>;
  readonly codecs: readonly FieldCodec[];
  readonly #decl: TableDeclaration<Shape, Shape>;

  constructor(decl: TableDeclaration<Shape, Shape>) {
    if (!/(^|\.)\$id(\.|$)/.test(decl.model)) throw new Error(`defineTable ${decl.table}: model pattern "${decl.model}" needs a $id token`);
    this.#decl = decl;
    this.model = decl.model;
    const col = (f: string) => decl.columns?.[f];
    this.codecs = [...Object.entries(decl.fields), ...Object.entries(decl.readOnly ?? {})].map(([f, s]) => codecOf(f, s, col(f)));
    this.createSchema = z.object(decl.fields) as unknown as z.ZodType<C>;
    const patch = Object.fromEntries(Object.entries(decl.fields).map(([f, s]) => [f, withoutDefault(s).optional()]));
    this.patchSchema = z.object({ ...patch, version: z.number().int().positive().optional() }) as unknown as z.ZodType<
      Partial<C> & { version?: number }
    >;
  }

  get decl(): TableDeclaration<Shape, Shape> {
    return this.#decl;
  }

  /** The audit/cache resource name. */
  get resource(): string {
    return this.#decl.resource ?? this.model.split('.')[0] ?? this.model;
  }

  /** This table in a binding: its rows, models and write path (made once per binding). */
  live(ctx: BindContext): LiveTable<E, C> {
    return ctx.once(this, () => {
      const rows = openTable<E, C>(ctx.store, { table: this.#decl.table, resource: this.resource, fields: this.codecs }, ctx.cache);
      return new LiveTable<E, C>(rows, [...SYSTEM_CODECS, ...this.codecs], this.model, ctx.placement);
    });
  }

  bind(ctx: BindContext): readonly Resource[] {
    return [ctx.once(this.#resourceKey, () => modelResource(this, this.live(ctx)))];
  }

  /** Write metadata for a call: the actor from its token. */
  meta(ctx: CallContext, expectedVersion?: number): WriteMeta {
    const actor = (this.#decl.actor ?? defaultActor)(ctx.token);
    return expectedVersion === undefined ? { actor } : { actor, expectedVersion };
  }

  readonly #resourceKey = {};
}

/**
 * Declares a table-backed model. Columns are the snake_case of field names unless `columns` says
 * otherwise; `id`, `version`, `createdAt` and `updatedAt` are always there.
 */
export function defineTable<F extends Shape, R extends Shape = Shape>(decl: TableDeclaration<F, R>): TableDef<EntityOf<F, R>, Out<F>> {
  return new TableDef(decl as unknown as TableDeclaration<Shape, Shape>);
}

/** A version conflict over HTTP is 409, not Resgate's default 400 for custom errors. */
function conflictStatus(ctx: CallContext, err: unknown): never {
  if (err instanceof ResError && err.code.endsWith('.versionConflict') && ctx.isHttp) ctx.setStatus(409);
  throw err;
}

function modelResource<E extends Entity, C extends object>(def: TableDef<E, C>, live: LiveTable<E, C>): Resource {
  const { decl } = def;
  const hooks = decl.hooks as TableHooks<E, C> | undefined;
  const current = async (id: string): Promise<E> => {
    const e = await live.get(id);
    if (e === undefined) throw ResError.notFound();
    return e;
  };
  return defineResource({
    pattern: def.model,
    kind: 'model',
    ...(decl.token ? { token: decl.token } : {}),
    ...(decl.access ? { access: decl.access } : {}),
    get: async ({ params }: { params: Readonly<Record<string, string>> }) => {
      const e = await live.get(params.id ?? '');
      return e && live.model(e);
    },
    calls: {
      set: {
        params: def.patchSchema,
        ...(decl.guard ? { guard: decl.guard } : {}),
        handler: async (ctx: CallContext) => {
          const id = ctx.params.id ?? '';
          const { version, ...patch } = ctx.input as Partial<C> & { version?: number };
          const p = hooks?.update ? ((await hooks.update(patch as Partial<C>, await current(id), ctx)) ?? patch) : patch;
          const out = await live.update(ctx, id, p as Partial<C>, def.meta(ctx, version)).catch((err: unknown) => conflictStatus(ctx, err));
          if (out === undefined) throw ResError.notFound();
          return null;
        },
      },
      delete: {
        params: null,
        ...(decl.guard ? { guard: decl.guard } : {}),
        handler: async (ctx: CallContext) => {
          const id = ctx.params.id ?? '';
          if (hooks?.delete) await hooks.delete(await current(id), ctx);
          if ((await live.remove(ctx, id, def.meta(ctx))) === undefined) throw ResError.notFound();
          return null;
        },
      },
    },
  } as never);
}

/** A live search's declaration: the search (see search.ts) and its collection's policy. */
export interface LiveSearchDeclaration extends SearchSpec {
  /** A `create` call on the collection (guarded by the table's `guard`), answering the new model's RID. */
  readonly create?: boolean;
  /** Access to the collection; default the table's. */
  readonly access?: (ctx: AccessContext) => Maybe<AccessReply>;
}

/**
 * Declares a live query collection over a table, e.g. `customer.customers?q=acme&sort=-createdAt`.
 * @example liveSearch(customers, { pattern: 'customers', text: { column: 'search', fields: ['name'] }, sort: { fields: ['name'], default: 'name' } })
 */
export function liveSearch<E extends Entity, C extends object>(table: TableDef<E, C>, spec: LiveSearchDeclaration): Bindable {
  const key = {};
  return {
    bind: (ctx) => [
      ...table.bind(ctx),
      ctx.once(key, () => {
        const live = table.live(ctx);
        const col = (f: string): string => {
          const c = [...SYSTEM_CODECS, ...table.codecs].find((x) => x.field === f);
          if (c === undefined) throw new Error(`liveSearch ${spec.pattern}: "${f}" is not a field of ${table.decl.table}`);
          return c.column;
        };
        const compiled = compileSearch(spec, col);
        const search = new LiveSearch({
          db: ctx.store.db,
          table: table.decl.table,
          search: compiled,
          pattern: spec.pattern,
          modelPattern: table.model,
          placement: ctx.placement,
        });
        live.searches.push(search);
        ctx.onStart((scope) => {
          search.listen(scope);
        });
        return searchResource(table, live, search, spec, compiled);
      }),
    ],
  };
}

function searchResource<E extends Entity, C extends object>(
  table: TableDef<E, C>,
  live: LiveTable<E, C>,
  search: LiveSearch,
  spec: LiveSearchDeclaration,
  compiled: ReturnType<typeof compileSearch>,
): Resource {
  const { decl } = table;
  const hooks = decl.hooks as TableHooks<E, C> | undefined;
  const access = spec.access ?? decl.access;
  const create = {
    params: table.createSchema,
    ...(decl.guard ? { guard: decl.guard } : {}),
    handler: async (ctx: CallContext) => {
      const input = ctx.input as C;
      const i = hooks?.create ? ((await hooks.create(input, ctx)) ?? input) : input;
      const e = await live.create(ctx.service, i, table.meta(ctx), ctx.rname);
      // Over HTTP Resgate answers 200 with a Location header; over WebSocket, the new model.
      return resourceResponse(live.rid(ctx.service, e.id));
    },
  };
  return defineResource({
    pattern: spec.pattern,
    kind: 'collection',
    query: compiled.schema,
    normalizeQuery: compiled.normalize,
    ...(decl.token ? { token: decl.token } : {}),
    ...(access ? { access } : {}),
    get: ({ query, service }: { query: unknown; service: ServiceScope }) => search.result(service, query as SearchQuery),
    calls: spec.create === true ? { create } : {},
  } as never);
}
