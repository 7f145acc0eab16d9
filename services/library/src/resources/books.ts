/** `library.books` — the collection of book references; `add` creates a book. */
import { collection, defineResource, ref, resourceResponse, z } from '@hub/res';
import { BOOK, BOOKS } from '../patterns.ts';
import type { BookStore } from '../store.ts';

export const books = (store: BookStore) =>
  defineResource({
    pattern: BOOKS,
    kind: 'collection',
    access: () => ({ get: true, call: 'add' }),
    get: ({ service }) => collection(store.list().map((b) => ref(service.rid(BOOK, { id: b.id })))),
    calls: {
      add: {
        params: z.object({ title: z.string().trim().min(1).max(200), author: z.string().trim().min(1).max(200) }),
        handler: async ({ input, service, add }) => {
          const { book: created, idx } = store.create(input);
          const rid = service.rid(BOOK, { id: created.id });
          // The book shares this queue (group 'books'), so this runs inline.
          await service.with(rid, (r) => {
            r.create();
          });
          add(ref(rid), idx);
          // A resource response: WebSocket clients get the new book; over HTTP Resgate answers 200
          // with a Location header pointing at it.
          return resourceResponse(rid);
        },
      },
    },
  });
