/**
 * The library service, the smallest complete example of plain (not table-backed) resources: an
 * in-memory book store, a model and a collection that send their own events.
 */
import { defineService } from '@hub/service';
import { book } from './resources/book.ts';
import { books } from './resources/books.ts';
import { createBookStore } from './store.ts';

export const libraryService = defineService({
  name: 'library',
  open: () => ({
    books: createBookStore([
      { title: 'Dune', author: 'Frank Herbert' },
      { title: 'The Left Hand of Darkness', author: 'Ursula K. Le Guin' },
      { title: 'Neuromancer', author: 'William Gibson' },
    ]),
  }),
  resources: ({ books: store }) => [book(store), books(store)],
});
