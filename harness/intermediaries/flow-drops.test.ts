/**
 * The kernel drops a flow the harness names, and only that one: an idle connection whose packets
 * are dropped gets no reply and no error, while a new connection to the same port works; once
 * the rules are removed, none of the harness's is left (measured on loopback, as root).
 */
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { clientPortsOf, dropFlows, sweepLeftoverRules } from './flow-drops';

/** The firewall's rules about this test's server port (other runs on the machine may add their own meanwhile). */
const rulesOfPort = () =>
  spawnSync('iptables', ['-S', 'INPUT'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((rule) => rule.includes(`--dport ${port} `) || rule.includes(`--sport ${port} `));

let server: net.Server;
let port: number;
beforeAll(async () => {
  // The idle client's end is destroyed while the server's still waits on it: its reset is expected.
  server = net.createServer((socket) => socket.on('data', (data) => socket.write(data)).on('error', () => undefined));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const connect = () => new Promise<net.Socket>((resolve) => { const socket = net.connect(port, '127.0.0.1', () => resolve(socket)); });
/** The echo of `text` within `ms`, or null. */
const echo = (socket: net.Socket, text: string, ms: number) =>
  new Promise<string | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    socket.once('data', (data) => {
      clearTimeout(timer);
      resolve(data.toString());
    });
    socket.write(text);
  });

test('a dropped flow goes silent while a new one to the same port works; removing the rules leaves none', async () => {
  const idle = await connect();
  expect(await echo(idle, 'a', 1000)).toBe('a');
  const flows = clientPortsOf(port);
  expect(flows).toEqual([idle.localPort]);
  const restore = dropFlows(flows, port);
  expect(rulesOfPort()).toHaveLength(2);
  try {
    let error: Error | undefined;
    idle.on('error', (e) => (error = e));
    expect(await echo(idle, 'b', 1500)).toBeNull();
    expect(error).toBeUndefined(); // no RST, no FIN: the kernel is still retransmitting
    const fresh = await connect();
    expect(await echo(fresh, 'c', 1000)).toBe('c');
    fresh.destroy();
  } finally {
    restore();
    idle.destroy();
  }
  expect(rulesOfPort()).toEqual([]);
});

test('rules left by a run killed with SIGKILL are swept by the next', async () => {
  // A process that drops a (made-up) flow, says so, and waits to be killed.
  const holder = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', `require(${JSON.stringify(require.resolve('./flow-drops'))}).dropFlows([1], ${port}); console.log('dropping'); setInterval(() => undefined, 1000);`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
  expect(rulesOfPort()).toHaveLength(2);
  holder.kill('SIGKILL');
  await new Promise((resolve) => holder.once('exit', resolve));
  // Another run's start may sweep them first; either way, they are gone.
  sweepLeftoverRules();
  expect(rulesOfPort()).toEqual([]);
});
