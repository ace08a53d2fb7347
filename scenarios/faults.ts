/**
 * Faults during a run: the server goes away under a connected application and comes back, or its
 * certificate changes under it. Each runs on a server of its own (`tls-faults`), one cell at a
 * time, so no other cell sees it; each is undone after the cell, and the same cell must then pass.
 */
import { both, HarnessScenario, serverAuth } from './define';

const family = 'faults';

export const faults: HarnessScenario[] = [
  {
    name: 'server-paused',
    family,
    about: "The server is frozen (docker pause) past the stack's deadlines, then resumed: the same cell then passes.",
    server: 'tls-faults',
    client: { tls: serverAuth },
    fault: 'pause',
    expect: both('TIMEOUT'),
  },
  {
    name: 'server-restarted',
    family,
    about: 'The server restarts (docker restart) between two workflows: the next runs on the same connection (and worker), and a new connection is accepted.',
    server: 'tls-faults',
    client: { tls: serverAuth },
    fault: 'restart',
    expect: both('ok'),
  },
  {
    name: 'server-cert-replaced',
    family,
    about: 'Between two workflows the server certificate file is replaced by a renewal from the same CA (refreshInterval 1s): the next workflow runs on the open connection, a new connection accepts the new certificate.',
    server: 'tls-faults',
    client: { tls: serverAuth },
    fault: 'replace-server-cert',
    expect: both('ok'),
  },
  {
    name: 'server-cert-replaced-untrusted-ca',
    family,
    about: 'Between two workflows the server certificate is replaced by one from a CA the client does not trust: the next workflow runs on the open connection, a new connection is refused.',
    server: 'tls-faults',
    client: { tls: serverAuth },
    fault: 'replace-server-cert-untrusted-ca',
    expect: both('SERVER_CA_UNTRUSTED'),
  },
];
