/**
 * A TLS-terminating proxy in front of a plaintext server, as a load balancer or ingress is:
 * nginx's stream module, listening on loopback with a certificate of the harness PKI, passing
 * the decrypted bytes on. With `alpn: 'none'` it negotiates no ALPN protocol at all, as nginx
 * `stream`, haproxy `mode tcp` or an AWS NLB with ALPN policy None do. `versions` and `ciphers`
 * make it a TLS 1.3-only endpoint (as Temporal Cloud is) or an old middlebox.
 */
import { unusedPort } from '../env/ports';
import type { IntermediaryModule } from './intermediary';
import { startNginx } from './nginx';
import { NGINX_STREAM_MODULE, SOFTWARE } from './software';

export const tlsProxy: IntermediaryModule<'tls-proxy'> = {
  // It logs nothing per call, so a cell's view of it would be empty anyway: one per server and ALPN.
  scope: 'run',
  reached: 'dialled',
  software: [SOFTWARE.nginx, SOFTWARE.nginxStream],
  async start({ alpn, versions, ciphers }, { server, certificate }) {
    const port = await unusedPort();
    const proxy = await startNginx(
      `tls-proxy-${alpn}`,
      port,
      () => `stream {
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${certificate.cert};
    ssl_certificate_key ${certificate.key};
${alpn === 'h2' ? '    ssl_alpn h2;\n' : ''}${versions ? `    ssl_protocols ${versions.join(' ')};\n` : ''}${ciphers ? `    ssl_ciphers ${ciphers};\n` : ''}    proxy_pass ${server};
  }
}
`,
      [NGINX_STREAM_MODULE],
    );
    return { address: proxy.address, observe: async () => ({ events: [] }), stop: proxy.stop };
  },
};
