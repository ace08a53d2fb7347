/**
 * Faults during a run: the server goes away under a connected application and comes back.
 * Each runs on a server of its own (`tls-faults`), one cell at a time, so no other cell sees it.
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
];
