/** `library.book.$id` — one book (a model): read by anyone, edited with `set`, removed with `delete`. */
import { defineResource, model, ResError, z } from '@hub/res';
import { BOOK, BOOKS } from '../patterns.ts';
import type { BookStore } from '../store.ts';

const title = z.string().trim().min(1).max(200);
const author = z.string().trim().min(1).max(200);

export const book = (store: BookStore) =>
  defineResource({
    pattern: BOOK,
    kind: 'model',
    // Deleting a book changes the books collection: share its queue so the store change and the
    // remove event are ordered with every add.
    group: BOOKS,
    access: () => ({ get: true, call: '*' }),
    get: ({ params }) => {
      const b = store.get(params.id);
      return b && model({ id: b.id, title: b.title, author: b.author });
    },
    calls: {
      set: {
        params: z.object({ title: title.optional(), author: author.optional() }),
        handler: ({ params, input, change }) => {
          const changed = store.update(params.id, input);
          if (changed === undefined) throw ResError.notFound();
          // The change event goes out before the reply (same connection, in order).
          change(changed);
          return null;
        },
      },
      delete: {
        params: null,
        handler: async ({ params, service, delete: deleted }) => {
          const idx = store.remove(params.id);
          if (idx === undefined) throw ResError.notFound();
          // Same queue (group 'books'): runs inline, before this handler's reply.
          await service.with(service.rid(BOOKS, {}), (r) => {
            r.remove(idx);
          });
          deleted();
          return null;
        },
      },
    },
  });
