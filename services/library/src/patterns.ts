/** The library's resource patterns, relative to the service name (RIDs are built from these). */
export const BOOK = 'book.$id';
export const BOOKS = 'books';
