/**
 * A fixed number of slots shared by concurrent tasks: waiting for one is not the task's time,
 * so a cell's measured duration starts after it has its slot.
 */
export type Slots = (options?: { first?: boolean }) => Promise<() => void>;

/**
 * `limit` slots, handed out first come, first served, except that a task asking `first` is served
 * before every task that did not (a task on a run's longest chain, which must not wait behind the
 * rest); the returned function gives one back (once).
 */
export function slots(limit: number): Slots {
  let inUse = 0;
  const waiting = { first: [] as (() => void)[], rest: [] as (() => void)[] };
  return async (options) => {
    if (inUse >= limit) await new Promise<void>((resolve) => waiting[options?.first ? 'first' : 'rest'].push(resolve));
    else inUse++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = waiting.first.shift() ?? waiting.rest.shift();
      if (next) next();
      else inUse--;
    };
  };
}
