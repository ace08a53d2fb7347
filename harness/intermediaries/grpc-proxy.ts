/**
 * A gRPC-aware reverse proxy, as an ingress controller or API gateway is: nginx `grpc_pass` over
 * HTTP/2 (plaintext on both sides). It ends a call whose response has not begun within its read
 * timeout with its own 504 page, which is what cuts long polls short, and answers with a 502 page
 * when its upstream refuses. Its access log, one line per call with the time it ended, is what
 * the cell's timeline shows of it: the harness sees a cut even when the SDK logs nothing.
 */
import { STATUS_CODES } from 'node:http';
import { unusedPort } from '../env/ports';
import type { TimelineEvent } from '../model/timeline';
import type { IntermediaryModule } from './intermediary';
import { startNginx } from './nginx';
import { SOFTWARE } from './software';

const ACCESS_LOG = 'access.log';
/** nginx's own status for a call its client gave up (a worker shutting down its polls): not the proxy's doing. */
const CLIENT_CLOSED = 499;

export const grpcProxy: IntermediaryModule<'grpc-proxy'> = {
  // Its access log must show this cell's calls and no other's.
  scope: 'cell',
  reached: 'dialled',
  software: [SOFTWARE.nginx],
  async start({ readTimeoutS, upstream = 'server' }, { server }) {
    const port = await unusedPort();
    const target = upstream === 'server' ? server : `127.0.0.1:${await unusedPort()}`;
    const proxy = await startNginx(
      'grpc-proxy',
      port,
      (dir) => `http {
  log_format calls '$msec $status $request_time $request_uri';
  access_log ${dir}/${ACCESS_LOG} calls;
  server {
    listen 127.0.0.1:${port} http2;
    location / {
      grpc_pass grpc://${target};
      grpc_read_timeout ${readTimeoutS}s;
    }
  }
}
`,
    );
    return {
      address: proxy.address,
      observe: async (since) => ({ events: callsAnsweredByProxy(await proxy.read(ACCESS_LOG), since, readTimeoutS) }),
      stop: proxy.stop,
    };
  },
};

/**
 * The calls of the access log, from `since` on, that nginx answered itself (an HTTP error status:
 * a call the server answered has status 200, whatever its gRPC status), as timeline events.
 */
export function callsAnsweredByProxy(log: string, since: number, readTimeoutS: number): TimelineEvent[] {
  return log.split('\n').flatMap((line) => {
    const match = /^(\d+\.\d+) (\d{3}) (\d+\.\d+) \/[\w.]+\/(\w+)$/.exec(line.trim());
    if (!match) return [];
    const [at, status, seconds, method] = [Number(match[1]) * 1000, Number(match[2]), Number(match[3]), match[4]];
    if (at < since || status === 200 || status === CLIENT_CLOSED) return [];
    const answer = `${status} ${STATUS_CODES[status] ?? ''}`.trim();
    const text =
      status === 504
        ? `nginx ended ${method} after ${seconds.toFixed(1)} s with its own ${answer} page: no response began within grpc_read_timeout ${readTimeoutS}s`
        : `nginx answered ${method} itself with a ${answer} page after ${seconds.toFixed(1)} s`;
    return [{ at: Math.round(at), by: 'nginx', text }];
  });
}
