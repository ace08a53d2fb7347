import { slots } from './slots';

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('at most `limit` holders at once, the others served in the order they asked', async () => {
  const acquire = slots(2);
  const order: string[] = [];
  const holder = async (name: string) => {
    const release = await acquire();
    order.push(`${name}+`);
    return () => {
      order.push(`${name}-`);
      release();
    };
  };
  const [a, b] = await Promise.all([holder('a'), holder('b')]);
  const c = holder('c');
  const d = holder('d');
  await tick();
  expect(order).toEqual(['a+', 'b+']);
  b();
  const releaseC = await c;
  await tick();
  expect(order).toEqual(['a+', 'b+', 'b-', 'c+']);
  a();
  (await d)();
  releaseC();
  expect(order).toEqual(['a+', 'b+', 'b-', 'c+', 'a-', 'd+', 'd-', 'c-']);
});

test('giving a slot back twice frees it once', async () => {
  const acquire = slots(1);
  const release = await acquire();
  release();
  release();
  const first = await acquire();
  let second = false;
  void acquire().then(() => (second = true));
  await tick();
  expect(second).toBe(false);
  first();
  await tick();
  expect(second).toBe(true);
});

test('a task asking first is served before those waiting already, and after others that asked first', async () => {
  const acquire = slots(1);
  const order: string[] = [];
  const holder = (name: string, first?: boolean) =>
    acquire({ first }).then((release) => {
      order.push(name);
      release();
    });
  const release = await acquire();
  const waiting = [holder('a'), holder('b'), holder('urgent-1', true), holder('urgent-2', true)];
  await tick();
  expect(order).toEqual([]);
  release();
  await Promise.all(waiting);
  expect(order).toEqual(['urgent-1', 'urgent-2', 'a', 'b']);
});
