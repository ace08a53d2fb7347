/**
 * Every intermediary kind a scenario can name, and the one place that starts, shares and stops
 * them. The runner asks for "the intermediary of this cell" and never for a kind by name: adding
 * a proxy adds its options (model/intermediary.ts), a module, and a line here.
 */
import type { IntermediaryKind, IntermediarySpec } from '../model/intermediary';
import { connectProxy } from './connect-proxy';
import { grpcProxy } from './grpc-proxy';
import { nat } from './nat';
import { relay } from './relay';
import type { IntermediaryModule, StartedIntermediary, Upstream } from './intermediary';
import type { Software } from './software';
import { tlsProxy } from './tls-proxy';

export const INTERMEDIARIES: { [K in IntermediaryKind]: IntermediaryModule<K> } = {
  'tls-proxy': tlsProxy,
  'connect-proxy': connectProxy,
  'grpc-proxy': grpcProxy,
  nat,
  relay,
};

export function moduleOf<K extends IntermediaryKind>(spec: { kind: K }): IntermediaryModule<K> {
  return INTERMEDIARIES[spec.kind];
}

/** The software the intermediaries of `specs` need, each once. */
export function softwareFor(specs: IntermediarySpec[]): Software[] {
  const all = specs.flatMap((spec) => moduleOf(spec).software);
  return all.filter((software, i) => all.findIndex((other) => other.name === software.name) === i);
}

/** An intermediary a cell uses, and what the cell does with it when it is done. */
export interface CellIntermediary {
  started: StartedIntermediary;
  /** How the application reaches it (see IntermediaryModule.reached). */
  reached: 'dialled' | 'named';
  /** Stops it when it was the cell's own; a shared one stays for the run. */
  release(): Promise<void>;
}

/**
 * The intermediaries of a run: shared ones started once per upstream and options, a cell's own
 * started for it and stopped after it. Once closed, it starts none: cells still in flight after
 * Ctrl-C must not start proxies nobody would stop.
 */
export class Intermediaries {
  private readonly shared = new Map<string, Promise<StartedIntermediary>>();
  private closed = false;

  async forCell(spec: IntermediarySpec, upstream: Upstream): Promise<CellIntermediary> {
    const module = moduleOf(spec) as IntermediaryModule<IntermediaryKind>;
    const start = () => this.unlessClosed(() => module.start(spec, upstream));
    if (module.scope === 'cell') {
      const started = await start();
      return { started, reached: module.reached, release: () => started.stop() };
    }
    const key = `${upstream.server}|${JSON.stringify(spec)}`;
    if (!this.shared.has(key)) this.shared.set(key, start());
    return { started: await this.shared.get(key)!, reached: module.reached, release: async () => undefined };
  }

  /** Start the shared intermediaries of `wanted` now, so that no cell's time includes them. */
  async warmUp(wanted: { spec: IntermediarySpec; upstream: Upstream }[]): Promise<void> {
    const shared = wanted.filter(({ spec }) => moduleOf(spec).scope === 'run');
    await Promise.all(shared.map(({ spec, upstream }) => this.forCell(spec, upstream)));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.shared.values()].map((started) => started.then((proxy) => proxy.stop(), () => undefined)));
    this.shared.clear();
  }

  private async unlessClosed(start: () => Promise<StartedIntermediary>): Promise<StartedIntermediary> {
    if (this.closed) throw new Error('the matrix is stopping: no new proxy is started');
    const started = await start();
    if (!this.closed) return started;
    await started.stop();
    throw new Error('the matrix is stopping: no new proxy is started');
  }
}
