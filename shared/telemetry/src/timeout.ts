/** Bounding a promise by time, for work done on a scrape or a probe that must not hang it. */

/**
 * Settles like `p`, or rejects with "<what> timed out after <ms> ms" first; `onTimeout` runs then
 * (to abort the work).
 * @example await withTimeout(pool.query('SELECT 1'), 2000, 'postgres');
 */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new Error(`${what} timed out after ${ms} ms`));
    }, ms);
  });
  return Promise.race([p, timeout]).finally(() => { clearTimeout(timer); });
}
