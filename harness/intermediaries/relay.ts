/**
 * A plain TCP relay (nginx `stream`, TLS passing through untouched) listening on one loopback
 * address only: the IPv6 loopback, as `kubectl port-forward` and many local tools offer it, or
 * the IPv4 one. What the application dials is then an IPv6 or IPv4 literal of a real server.
 */
import { unusedPort } from '../env/ports';
import type { IntermediaryModule } from './intermediary';
import { startNginx } from './nginx';
import { NGINX_STREAM_MODULE, SOFTWARE } from './software';

const HOSTS = { 'ipv4-loopback': '127.0.0.1', 'ipv6-loopback': '::1' } as const;

export const relay: IntermediaryModule<'relay'> = {
  // It logs nothing per call: one per server and address.
  scope: 'run',
  reached: 'dialled',
  software: [SOFTWARE.nginx, SOFTWARE.nginxStream],
  async start({ listen, dialledAs }, { server }) {
    const port = await unusedPort();
    const host = HOSTS[listen];
    const started = await startNginx(
      `relay-${listen}`,
      port,
      () => `stream {
  server {
    listen ${host === '::1' ? '[::1]' : host}:${port};
    proxy_pass ${server};
  }
}
`,
      [NGINX_STREAM_MODULE],
      host,
    );
    // Dialled by a name, the name resolves as the cell's hosts say (CellEnvironment.hosts).
    const address = dialledAs ? `${dialledAs}:${port}` : started.address;
    return { address, observe: async () => ({ events: [] }), stop: started.stop };
  },
};
