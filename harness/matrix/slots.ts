/**
 * A fixed number of slots shared by concurrent tasks: waiting for one is not the task's time,
 * so a cell's measured duration starts after it has its slot.
 */
export type Slots = () => Promise<() => void>;

/** `limit` slots, handed out first come, first served; the returned function gives one back (once). */
export function slots(limit: number): Slots {
  let inUse = 0;
  const waiting: (() => void)[] = [];
  return async () => {
    if (inUse >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else inUse++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = waiting.shift();
      if (next) next();
      else inUse--;
    };
  };
}
