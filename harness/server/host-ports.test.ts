/** Host ports: which are free, and how a start moves on when Docker says one is taken. */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { freeDualStackPorts, freePorts, freePortsBelowEphemeralRange, portIsFree, portTaken, startPreferringPort } from './host-ports';

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

test('freePortsBelowEphemeralRange: distinct free ports that no outgoing connection can be given', async () => {
  const [ephemeralFrom] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  const ports = await freePortsBelowEphemeralRange(2);
  expect(new Set(ports).size).toBe(2);
  for (const port of ports) {
    expect(port).toBeLessThan(ephemeralFrom);
    expect(await portIsFree(port)).toBe(true);
  }
});

test("portTaken: Docker's two wordings of a host port in use, and nothing else", () => {
  expect(portTaken(new Error('driver failed programming external connectivity on endpoint x: Bind for 0.0.0.0:7233 failed: port is already allocated'))).toBe(true);
  expect(portTaken(new Error('listen tcp4 0.0.0.0:20123: bind: address already in use'))).toBe(true);
  expect(portTaken(new Error('(HTTP code 409) unexpected - Container 567c is not running'))).toBe(false);
});

test('startPreferringPort: the preferred port, then random ones while Docker says the port is taken, then the error', async () => {
  const taken = new Error('Error starting userland proxy: listen tcp4 0.0.0.0:32777: bind: address already in use');
  const asked: (number | undefined)[] = [];
  const startedOn = await startPreferringPort(7233, async (port) => {
    asked.push(port);
    if (asked.length < 3) throw taken;
    return port ?? 'random';
  });
  expect({ asked, startedOn }).toEqual({ asked: [7233, undefined, undefined], startedOn: 'random' });
  await expect(startPreferringPort(undefined, async () => Promise.reject(taken))).rejects.toBe(taken);
  await expect(startPreferringPort(undefined, async () => Promise.reject(new Error('no such image')))).rejects.toThrow('no such image');
});

test('freeDualStackPorts: distinct ports free on IPv4 and on IPv6 (one port for 127.0.0.1 and ::1)', async () => {
  const ports = await freeDualStackPorts(2);
  expect(new Set(ports).size).toBe(2);
  for (const port of ports) expect(await portIsFree(port)).toBe(true);
});
