/**
 * The contract every intermediary module keeps (see registry.ts): how the application reaches
 * it, how long one lives, the software it needs, and how to start one in front of a server.
 * A started one can say what it saw, so that a cell proves its route or shows the calls cut.
 */
import type { KeyPairFiles } from '../server/endpoint';
import type { IntermediaryKind, IntermediaryOptions } from '../model/intermediary';
import type { TimelineEvent } from '../model/timeline';
import type { Software } from './software';

/** What an intermediary stands in front of. */
export interface Upstream {
  /** `host:port` of the server's gRPC frontend, as this machine reaches it. */
  server: string;
  /** A certificate and key the harness's clients trust for `localhost` and 127.0.0.1, for proxies that terminate TLS. */
  certificate: KeyPairFiles;
}

/** What an intermediary saw since a moment, from its own log. */
export interface Observation {
  /** Calls it cut or answered itself, as timeline events. */
  events: TimelineEvent[];
  /** The tunnels it opened (`host:port`), for proxies that open them. */
  tunnels?: string[];
}

export interface StartedIntermediary {
  /** `host:port` on loopback: dialled by the application, or named as its proxy (see {@link IntermediaryModule.reached}). */
  address: string;
  /** What it saw since `since` (milliseconds since the epoch). */
  observe(since: number): Promise<Observation>;
  stop(): Promise<void>;
}

export interface IntermediaryModule<K extends IntermediaryKind> {
  /**
   * `run`: one per server and options, started before the first cell and shared (its log is not
   * a cell's own); `cell`: one per cell, so that what it saw is that cell's alone.
   */
  scope: 'run' | 'cell';
  /** `dialled`: the application dials it instead of the server (a reverse proxy); `named`: it names it as its HTTP proxy. */
  reached: 'dialled' | 'named';
  software: Software[];
  start(options: IntermediaryOptions[K], upstream: Upstream): Promise<StartedIntermediary>;
}
