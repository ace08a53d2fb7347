/**
 * A TLS-terminating proxy in front of a plaintext server, as a load balancer or ingress is:
 * nginx's stream module, listening on loopback with a certificate of the harness PKI, passing
 * the decrypted bytes on. Without `alpnH2` it negotiates no ALPN protocol at all, as nginx
 * `stream`, haproxy `mode tcp` or an AWS NLB with ALPN policy None do.
 */
import type { KeyPairFiles } from '../server/endpoint';
import { unusedPort } from '../matrix/materialize';
import { startHostProcess, type HostProcess } from './host-process';
import { ensureProxySoftware, NGINX, NGINX_STREAM_MODULE } from './software';

export interface TlsProxyOptions {
  /** `host:port` of the plaintext server behind it. */
  upstream: string;
  certificate: KeyPairFiles;
  alpnH2: boolean;
}

export async function startTlsProxy(options: TlsProxyOptions): Promise<HostProcess> {
  ensureProxySoftware();
  const port = await unusedPort();
  return startHostProcess({
    name: options.alpnH2 ? 'tls-proxy-h2' : 'tls-proxy-no-alpn',
    command: NGINX,
    port,
    // -e: the error log from the very start, before the configuration names one.
    args: (dir) => ['-p', dir, '-c', `${dir}/nginx.conf`, '-e', `${dir}/error.log`],
    files: (dir) => ({ 'nginx.conf': nginxConfig(dir, port, options) }),
  });
}

function nginxConfig(dir: string, port: number, { upstream, certificate, alpnH2 }: TlsProxyOptions): string {
  return `load_module ${NGINX_STREAM_MODULE};
# One foreground process, so the harness's pid file names all of it.
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log notice;
events { worker_connections 256; }
stream {
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${certificate.cert};
    ssl_certificate_key ${certificate.key};
${alpnH2 ? '    ssl_alpn h2;\n' : ''}    proxy_pass ${upstream};
  }
}
`;
}
