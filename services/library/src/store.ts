/**
 * In-memory book store (the data layer comes later). Order of `list()` is the order of the
 * `library.books` collection, so the indices it returns are the indices of add/remove events.
 */

/** A book as stored. */
export interface Book {
  readonly id: string;
  readonly title: string;
  readonly author: string;
}

/** Fields a `set` call may change. */
export type BookPatch = Partial<Pick<Book, 'title' | 'author'>>;

/** The store's operations. */
export interface BookStore {
  get(id: string): Book | undefined;
  list(): readonly Book[];
  /** Adds at the end; returns the book and its collection index. */
  create(fields: Omit<Book, 'id'>): { book: Book; idx: number };
  /** Applies a patch; returns only the fields that actually changed (undefined if no such book). */
  update(id: string, patch: BookPatch): BookPatch | undefined;
  /** Removes a book; returns its former collection index (undefined if no such book). */
  remove(id: string): number | undefined;
}

/**
 * A store seeded with `seed`; ids are increasing integers as strings.
 * @example const s = createBookStore([{ title: 'Dune', author: 'Frank Herbert' }]); s.get('1')
 */
export function createBookStore(seed: readonly Omit<Book, 'id'>[] = []): BookStore {
  const books = new Map<string, Book>();
  let nextId = 1;
  const store: BookStore = {
    get: (id) => books.get(id),
    list: () => [...books.values()],
    create: (fields) => {
      const book = { id: String(nextId++), ...fields };
      books.set(book.id, book);
      return { book, idx: books.size - 1 };
    },
    update: (id, patch) => {
      const book = books.get(id);
      if (book === undefined) return undefined;
      const changed: { title?: string; author?: string } = {};
      if (patch.title !== undefined && patch.title !== book.title) changed.title = patch.title;
      if (patch.author !== undefined && patch.author !== book.author) changed.author = patch.author;
      books.set(id, { ...book, ...changed });
      return changed;
    },
    remove: (id) => {
      const idx = [...books.keys()].indexOf(id);
      if (idx === -1) return undefined;
      books.delete(id);
      return idx;
    },
  };
  for (const b of seed) store.create(b);
  return store;
}
