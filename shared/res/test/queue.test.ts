// Keyed queue: one task at a time per key, keys in parallel, an unqueued opt-out, re-entrancy,
// bounds. Tasks are gated with deferreds, never with sleeps.
import { describe, expect, it } from 'vitest';
import { KeyedQueue, QueueFullError } from '../src/queue.ts';

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('KeyedQueue', () => {
  it('runs tasks of one key one at a time, in order', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const g = gate();
    q.push('a', async () => {
      log.push('1 start');
      await g.promise;
      log.push('1 end');
    });
    q.push('a', () => {
      log.push('2');
      return Promise.resolve();
    });
    await tick();
    expect(log).toEqual(['1 start']);
    g.open();
    await q.idle();
    expect(log).toEqual(['1 start', '1 end', '2']);
  });

  it('runs different keys in parallel', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const g = gate();
    q.push('a', async () => {
      log.push('a');
      await g.promise;
    });
    q.push('b', () => {
      log.push('b');
      return Promise.resolve();
    });
    await tick();
    expect(log).toEqual(['a', 'b']);
    g.open();
    expect(await q.idle()).toBe(true);
  });

  it('runs null-key (parallel opt-out) tasks unqueued', async () => {
    const q = new KeyedQueue();
    const g = gate();
    let second = false;
    q.push(null, () => g.promise);
    q.push(null, () => {
      second = true;
      return Promise.resolve();
    });
    await tick();
    expect(second).toBe(true);
    g.open();
    await q.idle();
  });

  it('never starts a task synchronously inside push', () => {
    const q = new KeyedQueue();
    let ran = false;
    q.push('a', () => {
      ran = true;
      return Promise.resolve();
    });
    expect(ran).toBe(false);
  });

  it('keeps going after a task fails', async () => {
    const q = new KeyedQueue();
    let after = false;
    q.push('a', () => Promise.reject(new Error('boom')));
    q.push('a', () => {
      after = true;
      return Promise.resolve();
    });
    await q.idle();
    expect(after).toBe(true);
  });

  it('run() resolves with the result after earlier tasks of the key', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const g = gate();
    q.push('a', async () => {
      await g.promise;
      log.push('first');
    });
    const r = q.run('a', () => {
      log.push('run');
      return 42;
    });
    g.open();
    expect(await r).toBe(42);
    expect(log).toEqual(['first', 'run']);
  });

  it('run() is re-entrant for a key the caller holds, and passes the holds on', async () => {
    const q = new KeyedQueue();
    const inner = await q.run('a', (held) => q.run('b', (both) => q.run('a', () => 'inner', both), held));
    expect(inner).toBe('inner');
  });

  it("run() without the holder's holds waits for the holder", async () => {
    const q = new KeyedQueue();
    const g = gate();
    const log: string[] = [];
    const outer = q.run('a', async () => {
      void q.run('a', () => {
        log.push('inner');
      }); // no holds given: queued behind this task
      await g.promise;
      log.push('outer');
    });
    await tick();
    expect(log).toEqual([]);
    g.open();
    await outer;
    await q.idle();
    expect(log).toEqual(['outer', 'inner']);
  });

  it('run() from a task holding another key queues behind that key', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const g = gate();
    q.push('b', async () => {
      await g.promise;
      log.push('b1');
    });
    const r = q.run('a', (held) =>
      q.run(
        'b',
        () => {
          log.push('b2');
        },
        held,
      ),
    );
    g.open();
    await r;
    expect(log).toEqual(['b1', 'b2']);
  });

  it('does not treat a finished holder as holding the key', async () => {
    const q = new KeyedQueue();
    let later: Promise<string> | undefined;
    const g = gate();
    await q.run('a', (held) => {
      later = g.promise.then(() => q.run('a', () => 'queued', held));
    });
    const blocker = gate();
    q.push('a', () => blocker.promise);
    g.open();
    await tick();
    let done = false;
    void later?.then(() => {
      done = true;
    });
    await tick();
    expect(done).toBe(false); // waits for the blocker instead of running inline
    blocker.open();
    expect(await later).toBe('queued');
  });

  it('refuses work beyond the per-key and total bounds', async () => {
    const q = new KeyedQueue({ maxPerKey: 2, maxTotal: 3 });
    const g = gate();
    expect(q.push('a', () => g.promise)).toBe(true);
    expect(q.push('a', () => g.promise)).toBe(true);
    expect(q.push('a', () => g.promise)).toBe(false);
    expect(q.push('b', () => g.promise)).toBe(true);
    expect(q.push('c', () => g.promise)).toBe(false);
    await expect(q.run('d', () => 1)).rejects.toBeInstanceOf(QueueFullError);
    expect(q.size).toBe(3);
    g.open();
    await q.idle();
    expect(q.size).toBe(0);
  });

  it('idle() reports a timeout while tasks still run', async () => {
    const q = new KeyedQueue();
    const g = gate();
    q.push('a', () => g.promise);
    expect(await q.idle(5)).toBe(false);
    g.open();
    expect(await q.idle(1000)).toBe(true);
  });
});
