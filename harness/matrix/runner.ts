/**
 * Runs cells: one scenario through one stack against its server, then names the cause of a
 * failure and compares outcome and cause with the scenario's expectation.
 */
import { readFileSync } from 'node:fs';
import { randomUUID, X509Certificate } from 'node:crypto';
import type { ClassifyContext } from '../diagnosis/classify';
import { diagnoseAttempt, type GatherEvidence } from '../diagnosis/diagnose';
import { clientCertFacts, gatherEvidence, inputEncodings } from '../diagnosis/evidence';
import { TRUST_STORE_VARIABLES } from '../diagnosis/trust-stores';
import { DiagnosisCode, DIAGNOSES, fixFor } from '../diagnosis/codes';
import { detectPemDamage, HARMLESS } from '../pki/pem-damage';
import { ClientAuthNotEnforcedError, ServerDegradedError, type ConnectionUnderTest, type HarnessSide, type StackAttempt } from '../stacks/cell';
import { cellEnvironment, CHILD_CELL_TIMEOUT_MS, childSlot, runCellInChild, SharedCellChild, type ChildCellOptions } from '../stacks/child/child-cell';
import { runClientCell } from '../stacks/client-stack';
import { Counterparts, internalAccess } from '../stacks/counterparts';
import { runWorkerCell } from '../stacks/worker-stack';
import { applyFault, type UndoFault } from '../server/faults';
import { registerNamespace } from '../server/namespaces';
import type { HarnessPkiFiles } from '../pki/harness-pki';
import type { ServerEndpoint } from '../server/endpoint';
import { isUnreachable } from '../server/health';
import { materializeEnvironment, type MaterializedEnvironment } from './cell-environment';
import { Intermediaries } from '../intermediaries/registry';
import type { Upstream } from '../intermediaries/intermediary';
import { clientProxy } from '../diagnosis/proxies';
import { causeDetail } from '../diagnosis/details';
import { strayBytesRefusal } from '../auth/stray-bytes';
import { classifyTimeline, findingsOf, lastCauseBefore, mergeTimeline, timelineText } from '../diagnosis/timeline';
import { connectionUnderTest, PemInputs } from './materialize';
import { apiKeyEvidence } from '../auth/evidence';
import type { CellResult, ScenarioResult } from './results';
import { STACKS, type Stack } from '../model/stack';
import type { Timeline } from '../model/timeline';
import type { Versions } from '../model/versions';
import { FAULTS, type ClientSetup, type Route, type Scenario } from './scenario';
import { HarnessNotes, HELD_CELL_VARIABLES, heldStage, Hold, holdPlan } from './held-cell';
import { expectationFor, ownVersions } from '../versions/ranges';
import { versionChanges } from '../versions/changes';
import type { Variant } from '../versions/variants';
import { slots, type Slots } from './slots';

/** Cells in flight at once, per stack, unless the runner is told otherwise. */
export const CELL_LIMITS: Record<Stack, number> = {
  /** Client cells mostly wait on the network. */
  client: 6,
  /**
   * Worker cells mostly use CPU: creating a worker starts a thread that loads the SDK and the
   * workflow bundle. On 2 cores, 2, 3 and 4 at once took the same within noise (three runs each,
   * medians 40.4, 40.0 and 38.5 s for the cells).
   */
  worker: 3,
};

export interface CellRunnerOptions {
  /** Cells in flight at once, per stack (default {@link CELL_LIMITS}); the CLI's and jest's cells queue here alike. */
  limits?: Partial<Record<Stack, number>>;
  /**
   * Run every cell in a child process, with this Node binary and/or the `@temporalio/*` packages
   * of this folder. Cells whose scenario names an environment run in a child regardless.
   */
  child?: Pick<ChildCellOptions, 'nodePath' | 'sdkDir'>;
  /** Client cells connect as an application with the SDK's defaults would (ConnectionUnderTest.sdkDefaults; the bench's comparison). */
  clientWithSdkDefaults?: boolean;
}

/** A cell's part in a fault's turn on its server (see CellRunner.runWithFault). */
interface CellFault {
  /** Do the fault now (between the cell's workflows). */
  injectFault?: () => Promise<void>;
  /** Do the fault just before the stack connects. */
  beforeConnect?: () => Promise<void>;
  /** The stack is about to connect (HarnessSide.connecting): what the fault times from that moment starts. */
  connecting?: () => Promise<void>;
  /** Wait for what the fault does during the cell (a server that starts late) before the cell is judged. */
  afterAttempt?: () => Promise<void>;
  /** The harness's notes of what it did, for a held cell's timeline. */
  notes?: HarnessNotes;
}

const SERVES_AGAIN = 'the server serves again';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Everything a cell needs from the environment: servers, certificates, the workflow bundle. */
export class CellRunner {
  private readonly counterparts = new Map<string, Counterparts>();
  private readonly sharedChildren = new Map<string, SharedCellChild>();
  private readonly intermediaries = new Intermediaries();
  private intermediates?: X509Certificate[];
  private readonly serverQueues = new Map<string, Promise<unknown>>();
  private readonly stackSlots: Record<Stack, Slots>;

  constructor(
    private readonly endpoints: Record<string, ServerEndpoint>,
    private readonly pki: HarnessPkiFiles,
    private readonly workflowBundlePath: string,
    private readonly options: CellRunnerOptions = {},
  ) {
    const limits = { ...CELL_LIMITS, ...options.limits };
    this.stackSlots = { client: slots(limits.client), worker: slots(limits.worker) };
  }

  /** `variant`: other SDK or Node releases for the stack under test (default: the harness's own, in process). */
  async run(scenario: Scenario, stack: Stack, variant?: Variant): Promise<CellResult> {
    return scenario.fault
      ? this.oneAtATime(scenario.server, () => this.runWithFault(scenario, stack, variant))
      : this.runOnce(scenario, stack, variant);
  }

  /**
   * The cell with the fault in place (before it connects, or between its workflows), then, the
   * fault undone, the same cell again: it must succeed, or the cell fails with what went wrong
   * after the fault. The first attempt is judged while the fault is still in place, so the
   * evidence it gathers is of the faulted server, unless the fault is undone during the cell
   * (`undoAfterS`: a server that starts late), which is then over before it is judged.
   */
  private async runWithFault(scenario: Scenario, stack: Stack, variant?: Variant): Promise<CellResult> {
    const fault = scenario.fault!;
    const spec: { when: string; undoAfterS?: number } = FAULTS[fault];
    const notes = new HarnessNotes();
    let undo: UndoFault | undefined;
    let undoing: Promise<void> | undefined;
    const injectFault = async () => {
      if (undo) throw new Error(`the ${fault} was already done in this cell`);
      undo = await applyFault(fault, this.endpoints[scenario.server], this.pki);
      notes.note(`the harness did "${fault}" to the server`);
    };
    const undoFault = () => {
      undoing ??= (async () => {
        if (!undo) return;
        notes.note(`the harness undoes "${fault}"`);
        await undo?.();
        notes.note(SERVES_AGAIN);
      })();
      return undoing;
    };
    let undoneLater: Promise<void> | undefined;
    const undoLater = () => {
      if (spec.undoAfterS !== undefined) undoneLater ??= delay(spec.undoAfterS * 1000).then(undoFault);
      return undoneLater;
    };
    let during: CellResult;
    try {
      try {
        during = await this.runOnce(scenario, stack, variant, {
          notes,
          ...(spec.when === 'between-workflows'
            ? { injectFault }
            : {
                // Done once the cell has its slots, so that its time is not spent waiting for them.
                beforeConnect: injectFault,
                // Timed from the stack's connect: a cell's process can take seconds to load on a busy machine.
                connecting: async () => void undoLater(),
                afterAttempt: async () => undoLater(),
              }),
        });
      } finally {
        await undoFault();
      }
    } catch (error) {
      // The server, not the stack, is then not as the scenario needs it: this cell fails saying
      // why, and the run goes on (the next cell on this server says whether it recovered).
      return faultFailed(scenario, stack, variant, `the ${fault} of server ${scenario.server} could not be done or undone: ${(error as Error).message}`);
    }
    const faulted = undo !== undefined;
    const after = await this.runOnce({ ...scenario, fault: undefined, expect: { client: 'ok', worker: 'ok' }, findings: undefined }, stack, variant, {});
    const problem = !faulted
      ? `the cell ended before the ${fault} was done, so its outcome says nothing about it`
      : !after.passed
        ? `after the ${fault} was undone, the same cell failed: ${after.diagnosis}: ${after.error}`
        : undefined;
    return problem ? { ...during, passed: false, detail: problem } : during;
  }

  /** Cells on a server with faults run one at a time: a fault must not land in another cell. */
  private oneAtATime<T>(server: string, task: () => Promise<T>): Promise<T> {
    const next = (this.serverQueues.get(server) ?? Promise.resolve()).catch(() => undefined).then(task);
    this.serverQueues.set(server, next);
    return next;
  }

  /**
   * `fault`: the cell is part of a fault's turn on its server (see {@link oneAtATime}), and does
   * the fault before it connects or between its workflows (ConnectionUnderTest.faultBetweenWorkflows).
   * Such a cell takes the next free slot: the turns on a fault server are a run's longest chain
   * (23 s for server-paused alone), and each turn queued behind the other cells was the run's tail.
   */
  private async runOnce(scenario: Scenario, stack: Stack, variant?: Variant, fault?: CellFault): Promise<CellResult> {
    const release = await this.stackSlots[stack]({ first: fault !== undefined });
    try {
      return await this.runInSlot(scenario, stack, variant, fault ?? {}, release);
    } finally {
      release();
    }
  }

  /** `releaseSlot`: a held cell gives its slot back once it only waits. */
  private async runInSlot(scenario: Scenario, stack: Stack, variant: Variant | undefined, fault: CellFault, releaseSlot: () => void): Promise<CellResult> {
    const endpoint = this.endpoints[scenario.server];
    if (!endpoint) throw new Error(`scenario ${scenario.name} needs server ${scenario.server}, which was not started`);
    const counterparts = this.counterpartsFor(endpoint);
    const setup = await this.withFreshNamespace(scenario, counterparts);
    const via = setup.via && (await this.intermediaries.forCell(setup.via, this.upstreamOf(endpoint)));
    const notes = fault.notes ?? new HarnessNotes();
    const child = this.childFor(scenario, stack, variant);
    // Waiting for a child slot is not the cell's time; only a child started for the cell takes one.
    const ownChild = setup.environment !== undefined || scenario.hold !== undefined;
    const releaseChildSlot = ownChild ? await childSlot() : undefined;
    let hold: Hold | undefined;
    try {
      await fault.beforeConnect?.();
      const cellStarted = Date.now();
      const { target: configured, pem } = await connectionUnderTest(
        setup,
        { server: endpoint.address, httpApi: endpoint.httpAddress, via: via && { address: via.started.address, reached: via.reached } },
        this.pki,
        scenario.verify === 'payloads-encrypted-at-rest',
        endpoint.authorization,
      );
      const target = {
        ...configured,
        ...(fault.injectFault ? { faultBetweenWorkflows: true } : {}),
        ...(this.options.clientWithSdkDefaults && stack === 'client' ? { sdkDefaults: true } : {}),
        ...(scenario.hold ? { hold: holdPlan(scenario.hold) } : {}),
      };
      // A held cell only waits: it gives back both its slots.
      const releaseSlots = () => {
        releaseSlot();
        releaseChildSlot?.();
      };
      if (scenario.hold) hold = new Hold(scenario.hold, configured.tls, this.pki, notes, releaseSlots);
      const harness = {
        ...counterparts.harnessSide(),
        ...(fault.injectFault ? { injectFault: fault.injectFault } : {}),
        ...(fault.connecting ? { connecting: fault.connecting } : {}),
        ...(hold ? { hold: () => hold!.next() } : {}),
      };
      const environment = setup.environment && (await materializeEnvironment(setup.environment, this.pki, via?.started.address));
      const started = Date.now();
      const made = await this.attempt(stack, target, harness, environment, child, ownChild);
      hold?.stop();
      await fault.afterAttempt?.();
      // The stack's own time: a child's start and its loading the SDK are the machine's, not the cell's.
      const ms = made.ms ?? Date.now() - started;
      let attempt = withServerHealth(endpoint, refusalExpected(scenario, made));
      const versions: Versions = variant ? { sdk: variant.sdk, node: variant.node } : ownVersions();
      const observed = via && (await via.started.observe(cellStarted));
      const route = observed?.tunnels && (observed.tunnels.length > 0 ? 'proxy' : 'direct');
      if (route && scenario.route) attempt = checkRoute(attempt, scenario.route[stack], route);
      const timeline = scenario.hold ? mergeTimeline(cellStarted, made.timeline ?? [], notes.events, observed?.events ?? []) : undefined;
      const context = { ...classifyContextOf(stack, setup, target, pem, attempt, environment, versions, timeline), ...serverFound(endpoint) };
      const read = timeline && classifyTimeline(timeline, (at: number) => ({ ...context, at, clientCert: hold?.renewedBefore(at) ? undefined : clientCertFacts(pem.cert, pem.key, at) }));
      const cell = await judge(scenario, stack, attempt, context, ms, this.evidenceFor(stack, setup, target, context, environment), read);
      return route ? { ...cell, route } : cell;
    } finally {
      hold?.stop();
      releaseChildSlot?.();
      await via?.release();
    }
  }

  /** The evidence a failure may need: the chain the server sends, the proxy, the trust stores of the cell's environment. */
  private evidenceFor(stack: Stack, setup: ClientSetup, target: ConnectionUnderTest, context: ClassifyContext, environment: MaterializedEnvironment | undefined): GatherEvidence {
    const serverName = setup.tls ? setup.tls.serverName : undefined;
    // A child's stores are the scenario's; an in-process cell's are the harness's own.
    const variables = environment?.variables ?? pickTrustStores(process.env);
    return () => gatherEvidence({ address: target.address, serverName, proxy: context.proxy }, this.knownIntermediates(), { stack, variables, nodeFlags: environment?.nodeFlags });
  }

  /** What an intermediary stands in front of: the server, and a certificate for proxies that terminate TLS. */
  private upstreamOf(endpoint: ServerEndpoint): Upstream {
    return { server: endpoint.address, certificate: { cert: this.pki.certPath('server'), key: this.pki.keyPath('server') } };
  }

  /**
   * In this process; in a child started for the cell (`ownChild`: with the scenario's environment,
   * or for a held cell, whose SDK logs go to its timeline); or in the child shared by the cells of
   * a release (the runner's Node and SDK) that need no process of their own.
   */
  private attempt(
    stack: Stack,
    target: ConnectionUnderTest,
    harness: HarnessSide,
    environment: MaterializedEnvironment | undefined,
    child: Variant['child'],
    ownChild: boolean,
  ): Promise<StackAttempt> {
    const { workflowBundlePath = this.workflowBundlePath, ...releases } = child ?? {};
    if (ownChild) {
      return runCellInChild(stack, target, harness, workflowBundlePath, {
        env: cellEnvironment({ ...(target.hold ? HELD_CELL_VARIABLES : {}), ...environment?.variables }),
        nodeFlags: environment?.nodeFlags,
        hostsFile: environment?.hostsFile,
        ...releases,
        ...(target.hold ? { timeoutMs: CHILD_CELL_TIMEOUT_MS + target.hold.workflowSleepMs + (target.hold.nextWorkflowMs ?? 0) } : {}),
      });
    }
    if (child) return this.sharedChild(releases).run(stack, target, harness, workflowBundlePath);
    return stack === 'client' ? runClientCell(target, harness) : runWorkerCell(target, harness, this.workflowBundlePath);
  }

  /**
   * The releases a cell runs on in a child, if it runs in one other than a child of its own for
   * its environment: another release's, or the harness's own for a cell that leaks in process.
   */
  private childFor(scenario: Scenario, stack: Stack, variant: Variant | undefined): Variant['child'] {
    return variant?.child ?? this.options.child ?? (leaksInProcess(scenario, stack) ? {} : undefined);
  }

  /** Start the shared child `scenarios` will need on `variant`, if any, with the stacks its cells run loaded. */
  private async loadSharedChild(scenarios: Scenario[], variant: Variant | undefined): Promise<void> {
    const shared = (scenario: Scenario, stack: Stack) => !scenario.client.environment && !scenario.hold && this.childFor(scenario, stack, variant);
    const stacks = STACKS.filter((stack) => scenarios.some((scenario) => this.endpoints[scenario.server] && shared(scenario, stack)));
    // A child that cannot load them fails each of its cells instead, saying why, as without this.
    const { nodePath, sdkDir } = variant?.child ?? this.options.child ?? {};
    if (stacks.length > 0) await this.sharedChild({ nodePath, sdkDir }).load(stacks).catch(() => undefined);
  }

  /** The child that runs this release's cells that need no environment of their own, started on first use. */
  private sharedChild(releases: Pick<ChildCellOptions, 'nodePath' | 'sdkDir'>): SharedCellChild {
    const key = `${releases.nodePath ?? ''}|${releases.sdkDir ?? ''}`;
    let child = this.sharedChildren.get(key);
    if (!child) {
      child = new SharedCellChild(releases);
      this.sharedChildren.set(key, child);
    }
    return child;
  }

  /**
   * Start the harness's own workers and clients for the servers and namespaces `scenarios` use,
   * and the shared children their cells need on `variants`, so that no cell's time includes them. Only `registered` namespaces: the others are those a
   * scenario means to be missing (or registers itself), where no worker must be created.
   *
   * A worker only where a client cell may get as far as its workflow: creating one loads the
   * workflow bundle (most of the warm-up's time on 2 cores), and a server whose client cells all
   * fail at connect never needs it. A cell that does need one unexpectedly still gets it, later.
   */
  async warmUp(scenarios: Scenario[], registered: string[], variants: (Variant | undefined)[] = [undefined]): Promise<void> {
    const namespaceOf = (scenario: Scenario) => scenario.client.namespace ?? 'default';
    const keyOf = (scenario: Scenario) => `${scenario.server}|${namespaceOf(scenario)}|${scenario.client.codec !== undefined}`;
    // A server that answers nothing on its published port has no counterparts to warm up.
    const serving = (server: string) => this.endpoints[server] && !isUnreachable(this.endpoints[server].health);
    const usable = scenarios.filter((scenario) => serving(scenario.server) && registered.includes(namespaceOf(scenario)));
    const withWorker = new Set(usable.filter(clientMayRunWorkflow).map(keyOf));
    const withIntermediary = scenarios.filter(({ server, client }) => this.endpoints[server] && client.via);
    await Promise.all([
      this.intermediaries.warmUp(withIntermediary.map(({ server, client }) => ({ spec: client.via!, upstream: this.upstreamOf(this.endpoints[server]) }))),
      ...variants.map((variant) => this.loadSharedChild(scenarios, variant)),
      ...[...new Set(usable.map(keyOf))].map(async (key) => {
        const [server, namespace, encrypted] = key.split('|');
        const counterparts = this.counterpartsFor(this.endpoints[server]);
        if (withWorker.has(key)) await counterparts.taskQueueFor(namespace, encrypted === 'true').ready();
        await counterparts.client(namespace, false);
      }),
    ]);
  }

  async close(): Promise<void> {
    await Promise.all([...[...this.counterparts.values()].map((counterparts) => counterparts.close()), this.intermediaries.close()]);
    for (const child of this.sharedChildren.values()) child.close();
    this.counterparts.clear();
    this.sharedChildren.clear();
  }

  /** CA certificates of the PKI that are not self-signed: the intermediates a server might omit. */
  private knownIntermediates(): X509Certificate[] {
    this.intermediates ??= (['ca', 'otherCa', 'intermediateCa'] as const)
      .map((name) => new X509Certificate(readFileSync(this.pki.certPath(name))))
      .filter((cert) => cert.ca && cert.issuer !== cert.subject);
    return this.intermediates;
  }

  private counterpartsFor(endpoint: ServerEndpoint): Counterparts {
    let counterparts = this.counterparts.get(endpoint.name);
    if (!counterparts) {
      counterparts = new Counterparts(internalAccess(endpoint), this.workflowBundlePath);
      this.counterparts.set(endpoint.name, counterparts);
    }
    return counterparts;
  }

  /** `namespace: 'fresh'` means one registered a moment before the cell, as a deploy script would. */
  private async withFreshNamespace(scenario: Scenario, counterparts: Counterparts) {
    if (scenario.client.namespace !== 'fresh') return scenario.client;
    const namespace = `fresh-${randomUUID().slice(0, 8)}`;
    await registerNamespace(await counterparts.internalConnection(), namespace);
    return { ...scenario.client, namespace };
  }
}

/**
 * Whether the client cell of `scenario` may start a workflow, which the harness's worker then
 * runs: it is expected to pass on some release, or its failure comes after the workflow (a codec
 * the worker cannot read, a server that lets the wrong client in, a fault between two workflows).
 */
export function clientMayRunWorkflow(scenario: Scenario): boolean {
  const expected = scenario.expect.client;
  const outcomes = typeof expected === 'string' ? [expected] : Object.values(expected);
  return outcomes.includes('ok') || scenario.client.codec !== undefined || scenario.verify !== undefined || scenario.fault !== undefined;
}

/**
 * Cells that leave sockets and memory behind in the process that runs them. They run in a child
 * process shared by such cells, which is ended with the run and takes the leak with it (see
 * SharedCellChild). Measured with the soak: in process, each run of the
 * matrix grew the harness by about 120 descriptors and 300 MB (worker), then 12 sockets (client).
 *
 * - worker: SDK 1.24 leaves a native worker behind where Worker.create itself fails (the namespace
 *   cannot be described; README, "SDK defects found"), and where the key may not poll (still
 *   leaked once runUntil had shut it down; the cause inside sdk-core was not traced).
 * - client: Node's http2 never closes the TLS socket of a session whose server refuses the client
 *   certificate after a TLS 1.3 handshake: the session is destroyed without a 'close' or 'error'
 *   event and the socket stays in CLOSE_WAIT (reproduced with node:http2 alone, no grpc-js, on
 *   Node 20.20.2 and 24.22.3), two per cell, out of the reach of Connection.close().
 */
const LEFT_BEHIND: Record<Stack, Set<string>> = {
  worker: new Set(['NAMESPACE_NOT_FOUND', 'NAMESPACE_NOT_PERMITTED', 'API_KEY_MISSING', 'ROLE_INSUFFICIENT']),
  client: new Set(['CLIENT_CERT_REQUIRED', 'CLIENT_CERT_UNTRUSTED', 'CLIENT_CERT_EXPIRED', 'CLIENT_CERT_WRONG_USAGE']),
};

export function leaksInProcess(scenario: Scenario, stack: Stack): boolean {
  const expected = scenario.expect[stack];
  const outcomes = typeof expected === 'string' ? [expected] : Object.values(expected);
  return outcomes.some((outcome) => LEFT_BEHIND[stack].has(outcome));
}

/** What the classifier knows of a cell: what was configured, and what its timeline showed. */
function classifyContextOf(
  stack: Stack,
  setup: ClientSetup,
  target: ConnectionUnderTest,
  pem: PemInputs,
  attempt: StackAttempt,
  environment: MaterializedEnvironment | undefined,
  versions: Versions,
  timeline: Timeline | undefined,
): ClassifyContext {
  return {
    stack,
    clientTls: setup.tls ? true : setup.tls === undefined && setup.apiKey !== undefined,
    serverCa: setup.tls ? setup.tls.ca !== undefined : false,
    pem,
    clientCert: clientCertFacts(pem.cert, pem.key),
    encoding: inputEncodings(target.tls ? target.tls.clientCertPair : undefined),
    proxy: stack === 'worker' ? target.proxy : clientProxy(environment?.variables ?? process.env),
    // After a rotation, the key in use is the new one, unless connecting (with the old) failed.
    ...apiKeyEvidence(attempt.stage === 'connect' ? target.apiKey : (target.rotateApiKeyTo ?? target.apiKey), target.namespace ?? 'default', setup.tls === undefined),
    versions,
    ...(timeline ? { servedAfterRefusal: servedAfterRefusal(timeline) } : {}),
  };
}

/** The server served again (a harness note) after the stack's connect was refused: it was not ready yet. */
function servedAfterRefusal(timeline: Timeline): boolean {
  const refused = timeline.events.find((event) => event.by !== 'harness' && /ECONNREFUSED|Connection refused|ConnectionRefused/i.test(event.text));
  return refused !== undefined && timeline.events.some((event) => event.by === 'harness' && event.at > refused.at && event.text === SERVES_AGAIN);
}

/** A cell that worked, but not the way the scenario says it must, has failed its check. */
function checkRoute(attempt: StackAttempt, expected: Route, actual: Route): StackAttempt {
  if (attempt.error || expected === actual) return attempt;
  const how = actual === 'proxy' ? "went through the CONNECT proxy (its log shows the tunnel)" : "did not go through the CONNECT proxy (its log shows no tunnel)";
  return { error: new Error(`the connection ${how}, where the scenario expects ${expected === 'proxy' ? 'it to' : 'a direct connection'}`), stage: 'verify' };
}

function pickTrustStores(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(TRUST_STORE_VARIABLES.map((variable) => [variable, env[variable]]));
}

/**
 * A scenario whose client has no valid certificate must be refused (`verify:
 * 'client-auth-refused'`); getting in is then the failure, the server's: MTLS_NOT_ENFORCED.
 */
function refusalExpected(scenario: Scenario, attempt: StackAttempt): StackAttempt {
  if (scenario.verify !== 'client-auth-refused' || attempt.error) return attempt;
  const tls = scenario.client.tls;
  const presented = tls && tls.cert ? `the client certificate "${tls.cert}"` : 'no client certificate';
  return {
    error: new ClientAuthNotEnforcedError(`the server let a client in with ${presented}, which an mTLS server must refuse`),
    stage: 'verify',
  };
}

/**
 * A server whose own worker failed once it served (found when it started): a connection that
 * worked to it is not a pass, and what the stack met is explained by the server's own log line.
 */
function withServerHealth(endpoint: ServerEndpoint, attempt: StackAttempt): StackAttempt {
  const health = endpoint.health;
  if (!health) return attempt;
  const said = `found as the server started: ${health.line}`;
  if (health.code === 'SERVER_DEGRADED' && !attempt.error) {
    return { error: new ServerDegradedError(`the connection worked, but the server's own worker cannot reach its frontend`), stage: 'verify', detail: said };
  }
  return { ...attempt, detail: [attempt.detail, said].filter(Boolean).join('; ') };
}

/**
 * What the classifier is told of a server whose start found it gone. One bound to loopback in its
 * container is found by the evidence a failure gathers, as `validate` finds a user's.
 */
function serverFound(endpoint: ServerEndpoint): Pick<ClassifyContext, 'serverFound'> {
  return endpoint.health?.code === 'SERVER_START_FAILED' ? { serverFound: 'SERVER_START_FAILED' } : {};
}

/** Compare what happened with what the scenario expects, and explain a failure. */
export async function judge(
  scenario: Scenario,
  stack: Stack,
  attempt: StackAttempt,
  context: ClassifyContext,
  ms: number,
  evidence: GatherEvidence,
  timeline?: Timeline,
): Promise<CellResult> {
  const { error, cause, diagnosis: named } = await diagnoseAttempt(attempt, context, evidence);
  const findings = timeline ? findingsOf(timeline) : [];
  const diagnosis = named === 'TIMEOUT' && timeline ? (lastCauseBefore(timeline, Date.now()) ?? named) : named;
  const verdict = judged(scenario, stack, context.versions ?? ownVersions(), diagnosis, findings);
  const detail = diagnosis ? detailOf(diagnosis, attempt, context, `${error} ${cause ?? ''} ${timelineText(timeline)}`) : null;
  const expectedDetail = scenario.detail?.[stack];
  return {
    ...verdict,
    passed: verdict.passed && (expectedDetail === undefined || (detail ?? '').includes(expectedDetail)),
    detail,
    error,
    cause,
    ms,
    ...(timeline ? { timeline } : {}),
    ...(timeline && diagnosis ? { stage: heldStage(attempt.stage, diagnosis, stack) } : {}),
  };
}

/** A fault cell that failed on the harness's side: the fault could not be put in place or undone. */
function faultFailed(scenario: Scenario, stack: Stack, variant: Variant | undefined, detail: string): CellResult {
  const versions = variant ? { sdk: variant.sdk, node: variant.node } : ownVersions();
  return { ...judged(scenario, stack, versions, 'UNCLASSIFIED', []), passed: false, detail, error: null, cause: null, ms: 0 };
}

/**
 * A cell's verdict on these releases: what was expected, the cause named (null: it succeeded), its
 * explanation and fix, and whether what its timeline showed is what the scenario expects it to show.
 */
function judged(scenario: Scenario, stack: Stack, versions: Versions, diagnosis: DiagnosisCode | null, findings: DiagnosisCode[]) {
  const expectation = expectationFor(scenario.expect[stack], versions);
  const expectedDiagnosis = expectation === 'ok' ? null : expectation;
  const expectedFindings = scenario.findings?.[stack] ?? [];
  return {
    scenario: scenario.name,
    family: scenario.family,
    stack,
    ...versions,
    expected: expectation === 'ok' ? ('ok' as const) : ('fail' as const),
    expectedDiagnosis,
    actual: diagnosis ? ('fail' as const) : ('ok' as const),
    diagnosis,
    explanation: diagnosis ? DIAGNOSES[diagnosis].explanation : null,
    fix: diagnosis ? fixFor(diagnosis, stack) : null,
    findings,
    expectedFindings,
    passed: diagnosis === expectedDiagnosis && sameCodes(findings, expectedFindings),
    divergent: false,
  };
}

const sameCodes = (a: DiagnosisCode[], b: DiagnosisCode[]) => a.length === b.length && a.every((code) => b.includes(code));

/**
 * What makes the cause specific: the PEM's damage, where a key's stray bytes were refused, the
 * limit or status the words name, what the stack itself said of its failure.
 */
function detailOf(diagnosis: DiagnosisCode, attempt: StackAttempt, context: ClassifyContext, text: string): string | null {
  const stray = diagnosis === 'API_KEY_STRAY_BYTES' ? context.apiKey?.stray : undefined;
  const specific = pemDetail(diagnosis, context.pem ?? {}) ?? (stray ? strayBytesRefusal(stray, text) : causeDetail(diagnosis, text));
  const parts = [specific, attempt.detail].filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : null;
}

/** For a malformed PEM, which damage it has and where. */
function pemDetail(diagnosis: DiagnosisCode, pem: PemInputs): string | null {
  const text = diagnosis === 'KEY_MALFORMED' ? pem.key : diagnosis === 'CERT_MALFORMED' ? pem.cert : undefined;
  if (text === undefined) return null;
  const part = diagnosis === 'KEY_MALFORMED' ? 'client key' : 'client certificate';
  const damage = detectPemDamage(text).filter(({ kind }) => !HARMLESS.has(kind));
  return damage.length > 0 ? `${part}: ${damage.map(({ message }) => message).join('; ')}` : null;
}

/**
 * Group cells into scenario rows; mark the releases on which the two stacks disagree, and the
 * releases between which a stack's outcome or cause changed.
 */
export function scenarioResults(scenarios: Pick<Scenario, 'name' | 'family' | 'about' | 'divergence'>[], cells: CellResult[]): ScenarioResult[] {
  return scenarios.map((scenario) => {
    const own = cells.filter((cell) => cell.scenario === scenario.name);
    const divergentOn = (cell: CellResult) => {
      const pair = own.filter((other) => other.sdk === cell.sdk && other.node === cell.node);
      return pair.length === STACKS.length && pair.some((other) => other.actual !== cell.actual);
    };
    const marked = own.map((cell) => ({ ...cell, divergent: divergentOn(cell) }));
    const divergent = marked.some((cell) => cell.divergent);
    return {
      scenario: scenario.name,
      family: scenario.family,
      about: scenario.about,
      divergence: divergent ? (scenario.divergence ?? 'The stacks disagree; no explanation is recorded.') : null,
      versionChanges: versionChanges(marked),
      cells: marked,
    };
  });
}
