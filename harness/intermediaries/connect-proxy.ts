/**
 * An HTTP CONNECT proxy, as corporate networks and CI runners have: tinyproxy on loopback,
 * logging each tunnel it opens, so a cell can prove whether its connection went through it.
 */
import { unusedPort } from '../matrix/materialize';
import { startHostProcess, type HostProcess } from './host-process';
import { ensureProxySoftware, TINYPROXY } from './software';

const LOG = 'tinyproxy.log';

export interface ConnectProxy extends HostProcess {
  /** The targets (`host:port`) of the tunnels opened so far, from the proxy's own log. */
  tunnels(): Promise<string[]>;
}

export async function startConnectProxy(): Promise<ConnectProxy> {
  ensureProxySoftware();
  const port = await unusedPort();
  const proxy = await startHostProcess({
    name: 'connect-proxy',
    command: TINYPROXY,
    port,
    args: (dir) => ['-d', '-c', `${dir}/tinyproxy.conf`],
    // No ConnectPort line: CONNECT is allowed to every port (Debian's sample allows 443 and 563 only).
    files: (dir) => ({
      'tinyproxy.conf': [`Port ${port}`, 'Listen 127.0.0.1', 'Timeout 60', `LogFile "${dir}/${LOG}"`, 'LogLevel Connect', 'MaxClients 100', ''].join('\n'),
    }),
  });
  return {
    ...proxy,
    tunnels: async () => [...(await proxy.read(LOG)).matchAll(/CONNECT (\S+) HTTP/g)].map((match) => match[1]),
  };
}
