/**
 * Loads the seed data set through the public API (Resgate over WebSocket, signed in like any
 * client): each item is looked up by its key first — a customer by email, a product by SKU, a
 * promotion by name among its customer's promotions — and created only when it is missing, so a
 * second run adds nothing. A service that is not running (its collection answers "not found" or
 * nothing in time) is skipped with a message, and what depends on it is skipped too; any other
 * error (not allowed, invalid params) stops the seed with that error.
 */
import type { Connection } from '../connection.ts';
import { CliError, EXIT } from '../exit.ts';
import type { Output } from '../output.ts';
import { queryString } from '../params.ts';
import { isCollection, plain, ridOf, type ResResource } from '../resclient.ts';
import { CUSTOMERS, monthStart, PRODUCTS, PROMOTIONS } from './data.ts';

/** The services' names: their RIDs' first token (other names when they run namespaced). */
export interface SeedServices {
  readonly customer: string;
  readonly product: string;
  readonly promotion: string;
}
export const SERVICES: SeedServices = { customer: 'customer', product: 'product', promotion: 'promotion' };

export interface PartReport {
  readonly total: number;
  created: number;
  existing: number;
  /** Why the part was skipped; undefined when it ran. */
  skipped?: string;
}
export interface SeedReport {
  readonly customers: PartReport;
  readonly products: PartReport;
  readonly promotions: PartReport;
}

type Entity = Record<string, unknown>;

/** Progress on stderr: rewritten in place on a terminal, one line per part otherwise. */
function progress(out: Output): { step(part: string, r: PartReport): void; done(part: string, r: PartReport): void } {
  const tty = process.stderr.isTTY && !out.json;
  const line = (part: string, r: PartReport) =>
    `${part.padEnd(10)} ${String(r.created + r.existing).padStart(3)}/${String(r.total)}  (${String(r.created)} created, ${String(r.existing)} already there)`;
  return {
    step(part, r) {
      if (tty) process.stderr.write(`\r${line(part, r)}`);
    },
    done(part, r) {
      if (r.skipped !== undefined) out.note(`${r.skipped}: skipped ${part}`);
      else if (tty) process.stderr.write(`\r${line(part, r)}\n`);
      else out.note(line(part, r));
    },
  };
}

/** Whether a failure means "this service is not running" (nobody answered for its collection). */
function missing(e: unknown): boolean {
  return e instanceof CliError && (e.code === 'system.notFound' || e.code === 'system.timeout');
}

/** Runs one collection's query and returns its items as plain entities. */
async function query(conn: Connection, collection: string, params: Record<string, unknown>): Promise<Entity[]> {
  const rid = `${collection}?${queryString(params)}`;
  const r: ResResource = await conn.request({ rid, action: 'read' }, (c) => c.get(rid));
  if (!isCollection(r)) throw new CliError(`${rid} is not a collection`, EXIT.error);
  return r.toArray().map((v) => plain(v) as Entity);
}

/** Creates one item with the collection's `create` call; returns its id. */
async function create(conn: Connection, collection: string, params: Entity, what: string): Promise<string> {
  try {
    const made = await conn.request({ rid: collection, action: 'write', method: 'create' }, (c) => c.call(collection, 'create', params));
    const rid = ridOf(made) ?? '';
    const id = (plain(made) as Entity | null)?.id;
    return typeof id === 'string' ? id : rid.slice(rid.lastIndexOf('.') + 1);
  } catch (e) {
    if (e instanceof CliError) throw new CliError(`seeding ${what}: ${e.message}`, e.exitCode, e.code);
    throw e;
  }
}

interface Part<T> {
  readonly name: 'customers' | 'products' | 'promotions';
  readonly service: string;
  readonly items: readonly T[];
  readonly describe: (item: T) => string;
  /** The existing entity for `item`, if any. */
  readonly find: (item: T) => Promise<Entity | undefined>;
  readonly params: (item: T) => Entity;
}

/** Seeds one part; returns the ids by item (index order), or a skip reason. */
async function seedPart<T>(conn: Connection, p: Part<T>, report: PartReport, show: ReturnType<typeof progress>): Promise<string[]> {
  const collection = `${p.service}.${p.name}`;
  try {
    await query(conn, collection, { limit: 1 });
  } catch (e) {
    if (!missing(e)) throw e;
    report.skipped = `${p.service} service not running (no answer from ${collection})`;
    show.done(p.name, report);
    return [];
  }
  const ids: string[] = [];
  for (const item of p.items) {
    const found = await p.find(item);
    if (found !== undefined) {
      ids.push(String(found.id));
      report.existing++;
    } else {
      ids.push(await create(conn, collection, p.params(item), p.describe(item)));
      report.created++;
    }
    show.step(p.name, report);
  }
  show.done(p.name, report);
  return ids;
}

/** Loads the data set; the report says per part what was created, found or skipped. */
export async function runSeed(conn: Connection, out: Output, s: SeedServices = SERVICES, now = new Date()): Promise<SeedReport> {
  const report: SeedReport = {
    customers: { total: CUSTOMERS.length, created: 0, existing: 0 },
    products: { total: PRODUCTS.length, created: 0, existing: 0 },
    promotions: { total: PROMOTIONS.length, created: 0, existing: 0 },
  };
  const show = progress(out);
  const customerIds = await seedPart(
    conn,
    {
      name: 'customers',
      service: s.customer,
      items: CUSTOMERS,
      describe: (c) => `customer ${c.email}`,
      find: async (c) => (await query(conn, `${s.customer}.customers`, { q: c.email, limit: 100 })).find((e) => e.email === c.email),
      params: (c) => ({ ...c, tags: [...c.tags] }),
    },
    report.customers,
    show,
  );
  const productIds = await seedPart(
    conn,
    {
      name: 'products',
      service: s.product,
      items: PRODUCTS,
      describe: (p) => `product ${p.sku}`,
      find: async (p) => (await query(conn, `${s.product}.products`, { q: p.sku, limit: 100 })).find((e) => e.sku === p.sku),
      params: (p) => ({ ...p, tags: [...p.tags] }),
    },
    report.products,
    show,
  );
  if (report.customers.skipped !== undefined || report.products.skipped !== undefined) {
    report.promotions.skipped = `no ${report.customers.skipped !== undefined ? 'customers' : 'products'} to refer to`;
    show.done('promotions', report.promotions);
    return report;
  }
  const idOf = (ids: string[], keys: readonly string[], key: string) => ids[keys.indexOf(key)] ?? '';
  const customerOf = (email: string) =>
    idOf(
      customerIds,
      CUSTOMERS.map((c) => c.email),
      email,
    );
  const productOf = (sku: string) =>
    idOf(
      productIds,
      PRODUCTS.map((p) => p.sku),
      sku,
    );
  await seedPart(
    conn,
    {
      name: 'promotions',
      service: s.promotion,
      items: PROMOTIONS,
      describe: (p) => `promotion "${p.name}"`,
      find: async (p) =>
        (await query(conn, `${s.promotion}.promotions`, { customer: customerOf(p.email), limit: 100 })).find((e) => e.name === p.name),
      params: (p) => ({
        name: p.name,
        kind: p.kind,
        value: p.value,
        validFrom: monthStart(p.fromMonth, now),
        validTo: monthStart(p.toMonth, now),
        product: productOf(p.sku),
        customer: customerOf(p.email),
      }),
    },
    report.promotions,
    show,
  );
  return report;
}
