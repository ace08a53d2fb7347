/**
 * Settings the user's environment or envconfig profile holds that an SDK release does not apply,
 * measured with that release's own envconfig rather than assumed: a variable is ignored when the
 * connection options envconfig builds are the same with it as without it (a switch: as with it
 * off); a profile key is one
 * envconfig's strict mode names as unrecognized (its default mode drops such keys in silence).
 */
import { isDeepStrictEqual } from 'node:util';
import { DIAGNOSES } from '../diagnosis/codes';
import { ownVersions } from '../versions/ranges';
import { finding, type CheckResult, type Finding } from './findings';

type Envconfig = typeof import('@temporalio/envconfig');
type Env = Record<string, string | undefined>;

/** An SDK release's envconfig, loaded from that release's folder (absent before it was published). */
export interface ReleaseEnvconfig {
  sdk: string;
  envconfig: Envconfig;
}

/** envconfig's variables: those that may shape the connection or the profile. */
const ENVCONFIG_VARIABLE = /^TEMPORAL_(TLS|API_KEY|ADDRESS|NAMESPACE|GRPC_META_|CODEC_)/;
/** A boolean switched off asks for what an SDK does anyway: applied or not, nothing changes. */
const SWITCHED_OFF = /^(false|0|)$/i;
const SWITCHED_ON = /^(true|1)$/i;

/**
 * The variables with `name` as if it were not asked for: a switch turned off (removing it could
 * change another setting's meaning: a tls table that exists or not), anything else removed.
 */
function withOpposite(variables: Record<string, string>, name: string): Record<string, string> {
  const { [name]: value, ...others } = variables;
  return SWITCHED_ON.test(value) ? { ...others, [name]: 'false' } : others;
}

/** What to do instead, for settings users set that TypeScript SDKs leave unapplied. */
const INSTEAD: Record<string, string> = {
  disable_host_verification:
    'The TypeScript SDK has no way to skip host verification: set the server name the certificate holds (TEMPORAL_TLS_SERVER_NAME, tls.server_name, or tls.serverNameOverride in code), or reissue the certificate for the address you dial.',
  codec: 'The TypeScript SDK does not call a remote codec server: give the client and the worker a PayloadCodec in code (dataConverter.payloadCodecs).',
};

/** The envconfig of each SDK release probed: the harness's own, and each --sdk release's that has one. */
export function envconfigsOf(variants: { sdk: string; child?: { sdkDir?: string } }[]): ReleaseEnvconfig[] {
  const own: ReleaseEnvconfig = { sdk: ownVersions().sdk, envconfig: require('@temporalio/envconfig') };
  const others = variants.flatMap(({ sdk, child }) => {
    if (!child?.sdkDir || sdk === own.sdk) return [];
    try {
      return [{ sdk, envconfig: require(require.resolve('@temporalio/envconfig', { paths: [child.sdkDir] })) as Envconfig }];
    } catch {
      return []; // published from 1.13.2 on, not for every release
    }
  });
  return [own, ...others].filter((release, i, all) => all.findIndex((other) => other.sdk === release.sdk) === i);
}

export function ignoredSettings(releases: ReleaseEnvconfig[], env: Env): CheckResult {
  const results = releases.map(({ sdk, envconfig }) => {
    const findings = [...ignoredVariables(envconfig, env, sdk), ...keysStrictModeRefuses(envconfig, env, sdk)];
    return { findings, checked: `settings envconfig ${sdk} leaves unapplied: ${findings.length === 0 ? 'none' : findings.length}` };
  });
  return { findings: results.flatMap((result) => result.findings), checked: results.map((result) => result.checked) };
}

function ignoredVariables(envconfig: Envconfig, env: Env, sdk: string): Finding[] {
  const defined = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const options = (variables: Record<string, string>) => {
    try {
      return envconfig.loadClientConnectConfig({ overrideEnvVars: variables, disableFile: true });
    } catch {
      return undefined; // a setup envconfig refuses is reported where the settings are read
    }
  };
  const withAll = options(defined);
  if (withAll === undefined) return [];
  return Object.keys(defined)
    .filter((name) => ENVCONFIG_VARIABLE.test(name) && !SWITCHED_OFF.test(defined[name]))
    .filter((name) => isDeepStrictEqual(options(withOpposite(defined, name)), withAll))
    .map((name) =>
      finding('SETTING_IGNORED_BY_SDK', 'warning', `${name} is set, and SDK ${sdk}'s envconfig builds the same connection options without it: it is not applied`, insteadOf(name)),
    );
}

function keysStrictModeRefuses(envconfig: Envconfig, env: Env, sdk: string): Finding[] {
  const variables = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  try {
    envconfig.loadClientConfig({ configFileStrict: true, overrideEnvVars: variables });
    return [];
  } catch (error) {
    const refused = /key\(s\) unrecognized(?: in ([\w.-]+))?: (.+)$/.exec((error as Error).message);
    if (!refused) return [];
    const [, table = 'the file', keys] = refused;
    return keys.split(', ').map((key) =>
      finding(
        'SETTING_IGNORED_BY_SDK',
        'warning',
        `${key} in ${table} of the envconfig file is not a key SDK ${sdk}'s envconfig knows: it drops it in silence, and its strict mode (configFileStrict) refuses the file`,
        insteadOf(key),
      ),
    );
  }
}

function insteadOf(setting: string): string {
  const known = Object.keys(INSTEAD).find((part) => setting.toLowerCase().includes(part));
  return known ? INSTEAD[known] : DIAGNOSES.SETTING_IGNORED_BY_SDK.fix;
}
