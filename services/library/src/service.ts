/** The library service: its resources under a name (unique names let tests run side by side). */
import { createService, type Service } from '@hub/res';
import { book } from './resources/book.ts';
import { books } from './resources/books.ts';

/** Options of {@link createLibraryService}. */
export interface LibraryOptions {
  readonly name?: string;
  readonly natsUrl: string;
  readonly logLevel?: string;
}

/**
 * @example await createLibraryService({ natsUrl: 'nats://127.0.0.1:4222' }).start();
 */
export function createLibraryService(o: LibraryOptions): Service {
  return createService({
    name: o.name ?? 'library',
    resources: [book, books],
    nats: { servers: o.natsUrl.split(',') },
    ...(o.logLevel === undefined ? {} : { logLevel: o.logLevel }),
  });
}
