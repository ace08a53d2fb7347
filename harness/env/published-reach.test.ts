/**
 * Who reaches a server the harness starts, tested from another machine's place: a network
 * namespace made for the test, linked to this one by a veth pair. By default the server is
 * published on loopback only, and nothing there reaches it; asked to listen on every interface,
 * it is reached. Needs root (network namespaces), as the harness's engine set-up does.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { TemporalTlsContainer } from '../library/container';

jest.setTimeout(120_000);

const NAMESPACE = `tth-reach-${process.pid}`;
const HOST_LINK = `tthh${process.pid % 100000}`;
const PEER_LINK = `tthp${process.pid % 100000}`;
/** An address of this machine that only the namespace reaches (RFC 1918, a /30 of its own). */
const HOST_ADDRESS = '10.213.9.1';
const PEER_ADDRESS = '10.213.9.2';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

beforeAll(() => {
  ip('netns', 'add', NAMESPACE);
  ip('link', 'add', HOST_LINK, 'type', 'veth', 'peer', 'name', PEER_LINK);
  ip('link', 'set', PEER_LINK, 'netns', NAMESPACE);
  ip('addr', 'add', `${HOST_ADDRESS}/30`, 'dev', HOST_LINK);
  ip('link', 'set', HOST_LINK, 'up');
  ip('netns', 'exec', NAMESPACE, 'ip', 'addr', 'add', `${PEER_ADDRESS}/30`, 'dev', PEER_LINK);
  ip('netns', 'exec', NAMESPACE, 'ip', 'link', 'set', PEER_LINK, 'up');
  ip('netns', 'exec', NAMESPACE, 'ip', 'link', 'set', 'lo', 'up');
});

afterAll(() => {
  spawnSync('ip', ['link', 'del', HOST_LINK]);
  spawnSync('ip', ['netns', 'del', NAMESPACE]);
});

/** A TCP connect from inside the namespace to this machine's address on its link: `connected`, or the error's code. */
function connectFromNamespace(port: number): string {
  const script = `require('net').connect(${port}, '${HOST_ADDRESS}').on('connect', function () { console.log('connected'); this.destroy(); }).on('error', (e) => console.log(e.code)).setTimeout(3000, function () { console.log('ETIMEDOUT'); this.destroy(); })`;
  return execFileSync('ip', ['netns', 'exec', NAMESPACE, process.execPath, '-e', script], { encoding: 'utf8' }).trim();
}

test('the namespace reaches this machine at all (a port of its own, on every interface)', async () => {
  const net = await import('node:net');
  const server = net.createServer((socket) => socket.end()).listen(0, '0.0.0.0');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    expect(connectFromNamespace((server.address() as { port: number }).port)).toBe('connected');
  } finally {
    server.close();
  }
});

test('by default a server is published on loopback only: another machine is refused', async () => {
  const server = await new TemporalTlsContainer().withMode('plain').start();
  try {
    expect(connectFromNamespace(server.getPort())).toBe('ECONNREFUSED');
  } finally {
    await server.stop();
  }
});

test('withListenAddress("0.0.0.0") publishes it on every interface: another machine connects', async () => {
  const server = await new TemporalTlsContainer().withMode('plain').withListenAddress('0.0.0.0').start();
  try {
    expect(connectFromNamespace(server.getPort())).toBe('connected');
  } finally {
    await server.stop();
  }
});
