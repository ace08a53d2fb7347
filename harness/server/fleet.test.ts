/** Host ports picked for a server that binds them explicitly (survivesRestart). */
import net from 'node:net';
import { freePorts, portIsFree } from './fleet';

test('freePorts: distinct ports, each free to bind once released', async () => {
  const ports = await freePorts(3);
  expect(new Set(ports).size).toBe(3);
  for (const port of ports) {
    expect(port).toBeGreaterThan(0);
    expect(await portIsFree(port)).toBe(true);
  }
});

test('portIsFree: false for a port something listens on', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen({ port: 0, host: '0.0.0.0' }, resolve));
  try {
    expect(await portIsFree((blocker.address() as net.AddressInfo).port)).toBe(false);
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});
