/**
 * A NAT gateway or stateful firewall between the application and the server that forgets the
 * flows it carries: a plain TCP relay (nginx `stream`, TLS passing through untouched) whose
 * established flows are dropped `forgetsAfterS` seconds after the first of them began, silently (no FIN, no
 * RST: every packet of them is dropped), while new connections pass. That is what an idle
 * timeout of a NAT, an NLB or a cloud firewall does to a worker whose long poll looks idle.
 */
import { unusedPort } from '../env/ports';
import type { TimelineEvent } from '../model/timeline';
import { clientPortsOf, dropFlows, sweepLeftoverRules } from './flow-drops';
import type { IntermediaryModule } from './intermediary';
import { startNginx } from './nginx';
import { NGINX_STREAM_MODULE, SOFTWARE } from './software';

/** How often it looks for the first flow through it. */
const FLOW_WATCH_MS = 100;

export const nat: IntermediaryModule<'nat'> = {
  // When it forgets, it forgets this cell's flows and no other's.
  scope: 'cell',
  reached: 'dialled',
  software: [SOFTWARE.nginx, SOFTWARE.nginxStream, SOFTWARE.iptables],
  async start({ forgetsAfterS }, { server }) {
    sweepLeftoverRules(); // a run killed with SIGKILL while its NAT dropped flows
    const port = await unusedPort();
    const relay = await startNginx(
      'nat',
      port,
      () => `stream {
  server {
    listen 127.0.0.1:${port};
    proxy_pass ${server};
  }
}
`,
      [NGINX_STREAM_MODULE],
    );
    const events: TimelineEvent[] = [];
    let restore: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    const forget = () => {
      const flows = clientPortsOf(port);
      restore = dropFlows(flows, port);
      events.push({ at: Date.now(), by: 'nat', text: `the NAT forgot the ${flows.length} flow(s) it carried: their packets are dropped from now on, both ways, without a FIN or RST; new connections pass` });
    };
    // The clock starts with the first flow: the cell may wait for a slot after its NAT started.
    const watchForFirstFlow = () => {
      timer = setTimeout(() => (clientPortsOf(port).length > 0 ? (timer = setTimeout(forget, forgetsAfterS * 1000)) : watchForFirstFlow()), FLOW_WATCH_MS);
    };
    watchForFirstFlow();
    return {
      address: relay.address,
      observe: async () => ({ events }),
      stop: async () => {
        clearTimeout(timer);
        restore?.();
        await relay.stop();
      },
    };
  },
};
