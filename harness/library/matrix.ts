/**
 * The matrix as a library call: choose scenarios (the built-in ones or your own), run them through
 * both SDK stacks against real servers, and get the report `matrix --json` writes.
 */
import { SCENARIOS, SERVERS, type HarnessScenario } from '../../scenarios';
import { HarnessError } from '../errors';
import { toJsonReport, type MatrixJsonReport } from '../matrix/report/json';
import { summaryOf, type CellResult, type MatrixReport } from '../matrix/results';
import { runKey, scenariosOfShard, type Shard } from '../matrix/shard';
import { ownVersions } from '../versions/ranges';
import { serverVersion as ownServerVersion } from '../env/server-binary';
import type { Versions } from '../model/versions';
import { runMatrix as runScenarios } from '../matrix/run-matrix';
import { SLOW_FAMILIES, type Family, type Scenario } from '../matrix/scenario';
import { applicableScenarios, userFleetCertificates, type UserCertificates } from '../matrix/user-certificates';
import { readUserCertificates } from '../serve/inputs';
import { checkScenarios, loadScenarioFile } from './scenario-file';
import type { NodeMajor } from '../versions/node-majors';
import { prepareVariants } from '../versions/variants';

export interface MatrixSelection {
  /** Scenarios to choose from: your own, or the path of a .json, .js or .ts file of them (default: the built-in ones). */
  scenarios?: HarnessScenario[] | string;
  /** Only scenarios whose name matches this regular expression. */
  only?: string;
  /** Only these families (the slow ones included when named). */
  family?: Family[];
  /** Also the slow families (SLOW_FAMILIES), which a selection without `family` leaves out. */
  all?: boolean;
}

export interface MatrixOptions extends MatrixSelection {
  /** Run on your own certificates instead of the harness's minted PKI. */
  certificates?: UserCertificates;
  /** Client cells in flight at once (default 6). */
  concurrency?: number;
  /** Folder for the minted PKI (default `certs`). */
  certsRoot?: string;
  /** Keep the minted PKI after the run. */
  keepCerts?: boolean;
  /** SDK releases to run the stacks under test on besides the harness's own (installed into the cache once). */
  sdk?: string[];
  /** Node majors to run the stacks under test on (20, 22, 24, 25, 26; default: the Node running the harness). */
  node?: NodeMajor[];
  /** Run only this share of the selection (`--shard K/N`); the report says which, for merge-reports. */
  shard?: Shard;
  /** Called as each cell finishes. */
  onCell?: (cell: CellResult, done: number, total: number) => void;
}

/** The report `matrix --json` writes. */
export type { MatrixJsonReport };

/** The scenarios a selection names, checked; throws a HarnessError when it names none. */
export async function selectScenarios(selection: MatrixSelection): Promise<HarnessScenario[]> {
  const from =
    typeof selection.scenarios === 'string'
      ? await loadScenarioFile(selection.scenarios)
      : selection.scenarios
        ? checkScenarios(selection.scenarios, 'the scenarios option')
        : SCENARIOS;
  let pattern: RegExp | undefined;
  try {
    pattern = selection.only ? new RegExp(selection.only) : undefined;
  } catch {
    throw new HarnessError(`--only "${selection.only}" is not a valid regular expression`);
  }
  const named = from.filter((scenario) => (!pattern || pattern.test(scenario.name)) && (!selection.family || selection.family.includes(scenario.family)));
  const inRun = (scenario: HarnessScenario) => selection.family || selection.all || !SLOW_FAMILIES.includes(scenario.family);
  const selected = named.filter(inRun);
  if (selected.length === 0) {
    const slow = [...new Set(named.map(({ family }) => family))];
    if (slow.length > 0) throw new HarnessError(`the matching scenarios are of the slow ${slow.join(', ')} family, left out by default: add --all or --family ${slow.join(' ')}`);
    throw new HarnessError('no scenario matches --only/--family: run with --list to see the names');
  }
  return selected;
}

/** Run the selected scenarios and return the full report (what every report format renders). */
export async function runMatrixReport(options: MatrixOptions = {}): Promise<MatrixReport> {
  const selected = await selectScenarios(options);
  const user = options.certificates && checkedUserCertificates(options.certificates);
  const { applied: scenarios, notApplied } = user
    ? applicableScenarios(selected, SERVERS, user)
    : { applied: selected, notApplied: [] };
  if (scenarios.length === 0) throw new HarnessError('no selected scenario can run on these certificates: see --list and the options');
  // Before any server starts: a release that does not exist or does not load stops the run here.
  const variants = await prepareVariants({ sdk: options.sdk, node: options.node });
  const run = (share: Scenario[], notAppliedToShare = notApplied) =>
    runScenarios(share, SERVERS, {
      variants,
      certsRoot: options.certsRoot ?? 'certs',
      keepCerts: options.keepCerts,
      concurrency: options.concurrency,
      notApplied: notAppliedToShare,
      onCell: options.onCell,
      ...(user ? { certificates: userFleetCertificates(user) } : {}),
    });
  if (!options.shard) return run(scenarios);
  const versions = variants.length > 0 ? variants.map(({ sdk, node }) => ({ sdk, node })) : [ownVersions()];
  return runShard(scenarios, options.shard, versions, notApplied, run);
}

/**
 * One shard of the run: its share of `scenarios` (shard.ts), reported with the run's identity.
 * A share that holds nothing (more shards than servers) starts nothing and reports no cell.
 */
async function runShard(
  scenarios: Scenario[],
  shard: Shard,
  versions: Versions[],
  notApplied: MatrixReport['notApplied'],
  run: (share: Scenario[], notApplied: MatrixReport['notApplied']) => Promise<MatrixReport>,
): Promise<MatrixReport> {
  const selection = scenarios.map(({ name }) => name);
  const info = { ...shard, runKey: runKey(selection, versions, shard.total), selection };
  const share = scenariosOfShard(scenarios, shard);
  // Said once, by the first shard: they belong to no share.
  const ownNotApplied = shard.index === 1 ? notApplied : [];
  if (share.length === 0) {
    const serverVersion = process.env.TLS_HARNESS_SERVER_IMAGE ?? ownServerVersion();
    return { startedAt: new Date().toISOString(), serverVersion, sdkVersion: ownVersions().sdk, variants: versions, scenarios: [], notApplied: ownNotApplied, summary: summaryOf([], 0, 0), timings: {}, shard: info };
  }
  return { ...(await run(share, ownNotApplied)), shard: info };
}

/** Run the selected scenarios and return the report `matrix --json` writes. */
export async function runMatrix(options: MatrixOptions = {}): Promise<MatrixJsonReport> {
  return toJsonReport(await runMatrixReport(options));
}

/** The user's files, read and checked before a minute of work is spent on them. */
function checkedUserCertificates(given: UserCertificates): UserCertificates {
  const checked = readUserCertificates('mtls', {
    serverCert: given.serverCert,
    serverKey: given.serverKey,
    ca: given.ca,
    clientCa: given.clientCa || given.ca ? [given.clientCa ?? given.ca] : undefined,
    clientCert: given.clientCert,
    clientKey: given.clientKey,
  });
  if (!checked) throw new HarnessError('no certificate given: name at least --server-cert, --server-key and --ca');
  return {
    serverCert: checked.serverCert,
    serverKey: checked.serverKey,
    ca: checked.ca,
    clientCa: checked.clientCas[0],
    clientCert: checked.client?.cert,
    clientKey: checked.client?.key,
    serverName: given.serverName,
  };
}
