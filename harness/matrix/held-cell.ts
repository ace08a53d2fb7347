/**
 * The harness's part in a held cell (family lifetime): while the stack under test holds its
 * connection, let the hold's time pass, doing what the scenario has happen meanwhile (a renewed
 * certificate handed over at its moment), and write down what it did, for the cell's timeline.
 */
import type { TLSConfig } from '@temporalio/client';
import type { DiagnosisCode } from '../diagnosis/codes';
import type { Stack } from '../model/stack';
import type { TimelineEvent } from '../model/timeline';
import type { HarnessPkiFiles } from '../pki/harness-pki';
import { mintClientCertificate } from '../pki/short-lived';
import type { HoldDirective, HoldPlan, Stage } from '../stacks/cell';
import type { HoldSpec } from './scenario';

/** A renewed certificate lives long past any cell. */
const RENEWED_LIFE_S = 60 * 60;

/**
 * A held cell's process also logs what grpc-js's keepalive does (its tracer writes at DEBUG):
 * a ping that went unanswered is all the client ever says of a connection that died silently.
 */
export const HELD_CELL_VARIABLES = { GRPC_TRACE: 'keepalive', GRPC_VERBOSITY: 'DEBUG' };

/** What the stack does while held, from the scenario's hold. */
export function holdPlan(hold: HoldSpec): HoldPlan {
  return {
    client: hold.client ?? 'idle',
    workflowSleepMs: hold.seconds * 1000,
    ...(hold.worker?.pollers === 'autoscaling' ? { workerOptions: { workflowTaskPollerBehavior: { type: 'autoscaling' as const } } } : {}),
    ...(hold.next ? { next: hold.next } : {}),
    ...(hold.nextWithinS ? { nextWorkflowMs: hold.nextWithinS * 1000 } : {}),
  };
}

/** The harness's notes of what it did during a cell, as timeline events. */
export class HarnessNotes {
  readonly events: TimelineEvent[] = [];

  note(text: string): void {
    this.events.push({ at: Date.now(), by: 'harness', text });
  }
}

/**
 * The hold as the harness's side answers it (HarnessSide.hold): the first call starts the hold's
 * clock and gives back the cell's slot (a held cell only waits); each call returns at the next
 * thing the stack must do, and the last at the hold's end. `stop()` ends a hold whose cell ended
 * first (a worker that failed).
 */
export class Hold {
  private startedAt?: number;
  private done = 0;
  private renewedAt?: number;
  private readonly stopped = new AbortController();

  constructor(
    private readonly spec: HoldSpec,
    private readonly tls: TLSConfig | false | undefined,
    /** The PKI a renewed certificate comes from (none outside the matrix: `validate --hold` renews nothing). */
    private readonly pki: HarnessPkiFiles | undefined,
    private readonly notes: HarnessNotes,
    private readonly releaseSlot: () => void,
  ) {}

  async next(): Promise<HoldDirective> {
    if (this.startedAt === undefined) {
      this.startedAt = Date.now();
      this.releaseSlot();
      this.notes.note(`the hold begins: ${this.spec.seconds} s at most`);
    }
    const during = [...(this.spec.during ?? [])].sort((a, b) => a.atS - b.atS);
    const action = during[this.done];
    if (action) {
      await this.until(action.atS);
      this.done++;
      return this.renewClientCertificate();
    }
    await this.until(this.spec.seconds);
    this.notes.note('the hold ends');
    return { then: 'end' };
  }

  stop(): void {
    this.stopped.abort();
  }

  /** Whether the stack had a renewed certificate at `at` (the scenario's own certificate no longer speaks for it). */
  renewedBefore(at: number): boolean {
    return this.renewedAt !== undefined && at >= this.renewedAt;
  }

  private async renewClientCertificate(): Promise<HoldDirective> {
    if (!this.tls || !this.pki) throw new Error('the scenario renews a client certificate on a connection without TLS or a PKI to issue it');
    const renewed = await mintClientCertificate(this.pki, RENEWED_LIFE_S);
    this.renewedAt = Date.now();
    this.notes.note('the harness hands the stack a renewed client certificate (valid for an hour)');
    return { then: 'reconnect', tls: { ...this.tls, clientCertPair: { crt: Buffer.from(renewed.certPem), key: Buffer.from(renewed.keyPem) } } };
  }

  /** Until `seconds` after the hold began, or until stopped. */
  private until(seconds: number): Promise<void> {
    const wait = this.startedAt! + seconds * 1000 - Date.now();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, wait));
      this.stopped.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Causes a new connection's handshake meets: after a hold, they show when the stack reconnects. */
const AT_RECONNECT: ReadonlySet<DiagnosisCode> = new Set<DiagnosisCode>([
  'CLIENT_CERT_EXPIRED',
  'CLIENT_CERT_UNTRUSTED',
  'CLIENT_CERT_REQUIRED',
  'CLIENT_CERT_WRONG_USAGE',
  'SERVER_CERT_EXPIRED',
  'SERVER_CA_UNTRUSTED',
  'SERVER_NAME_MISMATCH',
]);
/** Causes the server's authorization names: after a hold, they show on the next call (a worker's: its polls). */
const AT_CALL: ReadonlySet<DiagnosisCode> = new Set<DiagnosisCode>(['API_KEY_EXPIRED', 'API_KEY_REJECTED', 'API_KEY_MISSING', 'ROLE_INSUFFICIENT', 'NAMESPACE_NOT_PERMITTED']);

/** Where a held cell's failure showed, in the words a reader uses: the connect, the first workflow, a reconnect, a poll, ... */
export function heldStage(stage: Stage | undefined, diagnosis: DiagnosisCode, stack: Stack): string {
  if (stage === 'connect' || stage === 'configure') return 'connect';
  if (stage === 'workflow' || stage === 'worker') return 'first workflow';
  if (AT_RECONNECT.has(diagnosis)) return 'reconnect';
  if (AT_CALL.has(diagnosis)) return stack === 'worker' ? 'poll' : 'next call';
  if (diagnosis === 'LONG_POLL_CUT') return 'long poll';
  return stage === 'hold' ? 'hold' : 'workflow after the hold';
}
