/**
 * An HTTP CONNECT proxy, as corporate networks and CI runners have: tinyproxy on loopback,
 * logging each tunnel it opens, so a cell can prove whether its connection went through it.
 * The application does not dial it: the proxy variables or its own proxy option name it.
 */
import { unusedPort } from '../env/ports';
import { startHostProcess } from './host-process';
import type { IntermediaryModule } from './intermediary';
import { SOFTWARE, TINYPROXY } from './software';

const LOG = 'tinyproxy.log';

export const connectProxy: IntermediaryModule<'connect-proxy'> = {
  // Its log must show this cell's tunnels and no other's.
  scope: 'cell',
  reached: 'named',
  software: [SOFTWARE.tinyproxy],
  async start() {
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
      address: proxy.address,
      observe: async () => ({ events: [], tunnels: [...(await proxy.read(LOG)).matchAll(/CONNECT (\S+) HTTP/g)].map((match) => match[1]) }),
      stop: proxy.stop,
    };
  },
};
