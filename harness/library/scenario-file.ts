/**
 * Your own scenarios, for reproducing a bug report as data: a `.json`, `.js` or `.ts` file whose
 * default export (or `scenarios` export, or the JSON itself) is an array of scenarios of the same
 * type as the built-in ones, on the same servers. Each is checked field by field, and a wrong one
 * is reported in one line that names the scenario and the field.
 *
 * The checks are tables keyed by the scenario types' own keys (`Record<keyof ClientSetup, ...>`),
 * so a field added to a type does not compile until it is checked here too.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isIP } from 'node:net';
import { pathToFileURL } from 'node:url';
import { SERVERS, type HarnessScenario } from '../../scenarios';
import { STRAY_BYTES } from '../auth/stray-bytes';
import { DIAGNOSES } from '../diagnosis/codes';
import { HarnessError } from '../errors';
import type {
  AddressChoice,
  ApiKeyChoice,
  CellEnvironment,
  ClientSetup,
  CodecChoice,
  HoldSpec,
  KeyChoice,
  Scenario,
  TlsSetup,
} from '../matrix/scenario';
import { FAMILIES, FAULTS } from '../matrix/scenario';
import { parseRange } from '../versions/ranges';
import type { IntermediaryKind, IntermediaryOptions } from '../model/intermediary';
import type { CredentialName } from '../pki/harness-pki';
import type { ClientEncoding } from '../pki/encodings';
import { MANGLINGS } from '../pki/pem-damage';

/** Thrown by a check: the field's path and what is wrong with it. */
class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

type Check = (value: unknown, field: string) => void;

const show = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value));
const keysOf = <T extends string>(table: Record<T, unknown>) => Object.keys(table) as T[];

const oneOf =
  (values: readonly string[]): Check =>
  (value, field) => {
    if (typeof value !== 'string' || !values.includes(value)) throw new FieldError(field, `${show(value)} is not one of ${values.join(', ')}`);
  };
const text: Check = (value, field) => {
  if (typeof value !== 'string' || value.length === 0) throw new FieldError(field, `${show(value)} is not a non-empty string`);
};
const flag: Check = (value, field) => {
  if (typeof value !== 'boolean') throw new FieldError(field, `${show(value)} is not true or false`);
};
const optional =
  (check: Check): Check =>
  (value, field) => {
    if (value !== undefined) check(value, field);
  };
const either =
  (...checks: Check[]): Check =>
  (value, field) => {
    const problems: string[] = [];
    for (const check of checks) {
      try {
        return check(value, field);
      } catch (error) {
        if (!(error instanceof FieldError)) throw error;
        if (error.field !== field) throw error; // the right kind of value, wrong inside: that is the problem
        problems.push(error.problem);
      }
    }
    throw new FieldError(field, problems.join('; and '));
  };
const literal =
  (expected: unknown): Check =>
  (value, field) => {
    if (value !== expected) throw new FieldError(field, `${show(value)} is not ${show(expected)}`);
  };
/** An object with exactly these fields (each check sees `undefined` for an absent field). */
function shape<T>(fields: Record<keyof T, Check>): Check {
  return (value, field) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FieldError(field, `${show(value)} is not an object`);
    const record = value as Record<string, unknown>;
    const unknown = Object.keys(record).find((key) => !(key in fields));
    if (unknown) throw new FieldError(`${field}.${unknown}`, `is not a field here (known: ${Object.keys(fields).join(', ')})`);
    for (const [key, check] of Object.entries(fields) as [string, Check][]) check(record[key], `${field}.${key}`);
  };
}
const positive: Check = (value, field) => {
  if (typeof value !== 'number' || !(value > 0)) throw new FieldError(field, `${show(value)} is not a positive number`);
};
const listOf =
  (check: Check): Check =>
  (value, field) => {
    if (!Array.isArray(value)) throw new FieldError(field, `${show(value)} is not an array`);
    value.forEach((item, i) => check(item, `${field}[${i}]`));
  };
const recordOf =
  (check: Check): Check =>
  (value, field) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FieldError(field, `${show(value)} is not an object`);
    for (const [key, item] of Object.entries(value)) check(item, `${field}.${key}`);
  };

// The values of the scenario types' unions, as tables the compiler holds to the types.
const CREDENTIALS = keysOf<CredentialName>({
  ca: 1, otherCa: 1, intermediateCa: 1, server: 1, systemWorker: 1, serverViaIntermediate: 1, serverExpired: 1,
  serverNotYetValid: 1, serverCnOnly: 1, serverV1: 1, serverSha1: 1, serverTlsSample: 1, client: 1, clientOtherCa: 1,
  clientExpired: 1, clientServerAuthOnly: 1, clientV1: 1, serverP256: 1, serverP384: 1, serverP521: 1, serverEd25519: 1,
  serverRsa1024: 1, serverRsa4096: 1, clientP256: 1, clientP384: 1, clientP521: 1, clientEd25519: 1, clientRsa1024: 1,
  serverCaAsLeaf: 1, serverClientAuthOnly: 1, nameConstrainedCa: 1, serverNameConstrained: 1, clientViaIntermediate: 1,
  serverReplacement: 1, serverOtherCa: 1,
});
const ENCODINGS = keysOf<ClientEncoding>({
  'cert-der': 1, 'key-der': 1, 'cert-double-base64': 1, 'key-double-base64': 1, 'pkcs12-as-cert': 1, 'chain-leaf-first': 1,
  'chain-intermediate-first': 1, 'key-and-cert-in-one-file': 1,
});
const ADDRESSES = keysOf<AddressChoice>({
  server: 1, 'server-ip': 1, 'no-port': 1, 'nothing-listening': 1, 'with-scheme': 1, 'http-api': 1, 'unresolvable-name': 1, 'ipv6-unbracketed': 1,
});
const EXTRA_KEYS = keysOf<Exclude<KeyChoice, CredentialName>>({ 'client-pkcs1': 1, 'client-encrypted': 1, 'client-p256-sec1': 1, empty: 1 });
const CODECS = keysOf<CodecChoice>({ shared: 1, missing: 1, 'wrong-key': 1 });
const API_KEYS = keysOf<ApiKeyChoice>({
  write: 1, read: 1, 'worker-role': 1, 'es256-write': 1, 'other-namespace': 1, expired: 1, 'not-yet-valid': 1,
  'unknown-key': 1, tampered: 1, malformed: 1, 'wrong-audience': 1,
});
const EXPECTATIONS = ['ok', ...Object.keys(DIAGNOSES)];

/** `{ 'sdk <1.11.5': CODE, ..., default: CODE }`: ranges that versions/ranges.ts can read, and a default. */
const versionedExpectation: Check = (value, field) => {
  recordOf(oneOf(EXPECTATIONS))(value, field);
  const record = value as Record<string, unknown>;
  if (!('default' in record)) throw new FieldError(`${field}.default`, 'is missing: a versioned expectation needs one for the releases no range names');
  for (const range of Object.keys(record).filter((key) => key !== 'default')) {
    try {
      parseRange(range);
    } catch (error) {
      throw new FieldError(`${field}.${range}`, (error as Error).message);
    }
  }
};
const expectation = either(oneOf(EXPECTATIONS), versionedExpectation);

const tlsSetup = shape<TlsSetup>({
  ca: optional(either(oneOf(CREDENTIALS), listOf(oneOf(CREDENTIALS)))),
  cert: optional(oneOf(CREDENTIALS)),
  key: optional(oneOf([...CREDENTIALS, ...EXTRA_KEYS])),
  serverName: optional(text),
  swapCertAndKey: optional(flag),
  mangle: optional(shape<NonNullable<TlsSetup['mangle']>>({ part: oneOf(['key', 'cert']), how: oneOf(Object.keys(MANGLINGS)) })),
  encoding: optional(oneOf(ENCODINGS)),
});
const envValue = either(
  (value, field) => {
    if (typeof value !== 'string') throw new FieldError(field, `${show(value)} is not a string`);
  },
  shape<{ certificate: CredentialName }>({ certificate: oneOf(CREDENTIALS) }),
  shape<{ via: string }>({ via: literal('url') }),
  shape<{ proxy: string }>({ proxy: literal('nothing-listening') }),
);
const ipAddress: Check = (value, field) => {
  if (typeof value !== 'string' || isIP(value) === 0) throw new FieldError(field, `${show(value)} is not an IP address`);
};
/** Each intermediary kind's options (model/intermediary.ts), besides its `kind`. */
const INTERMEDIARY_OPTIONS: { [K in IntermediaryKind]: Record<keyof IntermediaryOptions[K], Check> } = {
  'tls-proxy': { alpn: oneOf(['h2', 'none']), versions: optional(listOf(oneOf(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']))), ciphers: optional(text) },
  'connect-proxy': {},
  'grpc-proxy': { readTimeoutS: positive, upstream: optional(oneOf(['server', 'nothing-listening'])) },
  nat: { forgetsAfterS: positive },
  relay: { listen: oneOf(['ipv4-loopback', 'ipv6-loopback']), dialledAs: optional(literal('localhost')) },
};
const intermediary: Check = (value, field) => {
  const kind = (value as { kind?: unknown } | null)?.kind;
  oneOf(Object.keys(INTERMEDIARY_OPTIONS))(kind, `${field}.kind`);
  shape<Record<string, unknown>>({ kind: text, ...INTERMEDIARY_OPTIONS[kind as IntermediaryKind] })(value, field);
};
const clientSetup = shape<ClientSetup>({
  address: optional(oneOf(ADDRESSES)),
  tls: optional(either(literal(false), tlsSetup)),
  apiKey: optional(oneOf(API_KEYS)),
  apiKeyStray: optional(oneOf(Object.keys(STRAY_BYTES))),
  rotateApiKeyTo: optional(oneOf(API_KEYS)),
  namespace: optional(text),
  codec: optional(oneOf(CODECS)),
  environment: optional(
    shape<CellEnvironment>({
      variables: optional(recordOf(envValue)),
      systemStore: optional(oneOf(['empty', ...CREDENTIALS])),
      nodeFlags: optional(listOf(text)),
      hosts: optional(recordOf(listOf(ipAddress))),
    }),
  ),
  via: optional(intermediary),
  proxyOption: optional(literal(true)),
  expiring: optional(shape<NonNullable<ClientSetup['expiring']>>({ credential: oneOf(['client-certificate', 'api-key']), inS: positive })),
});
const hold = shape<HoldSpec>({
  seconds: positive,
  client: optional(oneOf(['idle', 'awaiting-result'])),
  during: optional(listOf(shape<NonNullable<HoldSpec['during']>[number]>({ atS: positive, action: oneOf(['renew-client-certificate']) }))),
  worker: optional(shape<NonNullable<HoldSpec['worker']>>({ pollers: oneOf(['autoscaling']) })),
  nextWithinS: optional(positive),
  next: optional(
    either(
      shape<{ payloadBytes: number }>({ payloadBytes: positive }),
      shape<{ historyOf: unknown }>({ historyOf: shape<{ activities: number; bytes: number }>({ activities: positive, bytes: positive }) }),
    ),
  ),
});
const route = oneOf(['proxy', 'direct']);
const scenarioShape = shape<Scenario>({
  name: text,
  family: oneOf(FAMILIES),
  about: text,
  server: oneOf(Object.keys(SERVERS)),
  client: clientSetup,
  expect: shape<Scenario['expect']>({ client: expectation, worker: expectation }),
  divergence: optional(text),
  verify: optional(oneOf(['payloads-encrypted-at-rest', 'client-auth-refused'])),
  fault: optional(oneOf(Object.keys(FAULTS))),
  route: optional(shape<NonNullable<Scenario['route']>>({ client: route, worker: route })),
  findings: optional(shape<NonNullable<Scenario['findings']>>({ client: optional(listOf(oneOf(Object.keys(DIAGNOSES)))), worker: optional(listOf(oneOf(Object.keys(DIAGNOSES)))) })),
  detail: optional(shape<NonNullable<Scenario['detail']>>({ client: optional(text), worker: optional(text) })),
  hold: optional(hold),
});

/** `data` as scenarios, or a HarnessError of one line naming the scenario and the field that is wrong. */
export function checkScenarios(data: unknown, source: string): HarnessScenario[] {
  if (!Array.isArray(data)) {
    throw new HarnessError(`${source}: expected an array of scenarios (the default export, or an export named scenarios), got ${describe(data)}`);
  }
  if (data.length === 0) throw new HarnessError(`${source}: the array of scenarios is empty`);
  const seen = new Set<string>();
  data.forEach((entry, i) => {
    const name = typeof entry?.name === 'string' && entry.name ? `scenario "${entry.name}"` : `scenario #${i + 1}`;
    try {
      scenarioShape(entry, '');
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      throw new HarnessError(`${source}: ${name}, field ${error.field.replace(/^\./, '') || '(the entry)'}: ${error.problem}`);
    }
    if (seen.has(entry.name)) throw new HarnessError(`${source}: ${name}, field name: the name is used twice; scenario names must be unique`);
    seen.add(entry.name);
  });
  return data as HarnessScenario[];
}

/** Load and check a scenarios file (.json, .js, .cjs, .mjs, .ts, .cts, .mts). */
export async function loadScenarioFile(file: string): Promise<HarnessScenario[]> {
  const absolute = path.resolve(file);
  const source = `--scenarios ${absolute}`;
  if (!existsSync(absolute)) throw new HarnessError(`${source}: no such file`);
  const extension = path.extname(absolute);
  let data: unknown;
  if (extension === '.json') {
    try {
      data = JSON.parse(readFileSync(absolute, 'utf8'));
    } catch (error) {
      throw new HarnessError(`${source} is not valid JSON: ${(error as Error).message}`);
    }
  } else if (['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts'].includes(extension)) {
    data = exportedScenarios(await loadModule(absolute, extension, source));
  } else {
    throw new HarnessError(`${source}: give a .json, .js or .ts file (not ${extension || 'a file without an extension'})`);
  }
  return checkScenarios(data, source);
}

/**
 * Node's own `import()`, for ES modules: written so, because this package compiles to CommonJS,
 * where TypeScript would turn `import()` into `require()`, which cannot load an ES module on Node 20.
 */
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

async function loadModule(file: string, extension: string, source: string): Promise<unknown> {
  try {
    if (extension.endsWith('ts')) return typeScriptLoader(source).require(file, __filename);
    if (extension === '.mjs') return await importModule(pathToFileURL(file).href);
    try {
      return require(file);
    } catch (error) {
      // A .js file in a package of "type": "module" is an ES module.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw error;
      return await importModule(pathToFileURL(file).href);
    }
  } catch (error) {
    if (error instanceof HarnessError) throw error;
    const first = String((error as Error).message ?? error).split('\n')[0];
    throw new HarnessError(`${source} did not load: ${first}`);
  }
}

/** tsx compiles .ts files; it is an optional peer dependency, looked for in your project first. */
function typeScriptLoader(source: string): { require: (id: string, from: string) => unknown } {
  try {
    return require(require.resolve('tsx/cjs/api', { paths: [process.cwd(), __dirname] }));
  } catch {
    throw new HarnessError(`${source}: a .ts scenarios file needs tsx (npm install --save-dev tsx), or give a .js or .json file`);
  }
}

function exportedScenarios(loaded: unknown): unknown {
  if (Array.isArray(loaded)) return loaded;
  const module = loaded as { default?: unknown; scenarios?: unknown } | undefined;
  const found = module?.scenarios ?? module?.default;
  if (found === undefined) return loaded; // reported with the names it does export
  // A .ts default export compiled to CommonJS can arrive wrapped once more.
  return (found as { default?: unknown }).default ?? found;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return `an object with ${Object.keys(value).join(', ') || 'no fields'}`;
  return typeof value;
}
