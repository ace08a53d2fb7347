/**
 * How PEM text gets damaged on its way through environment variables, secret stores, YAML and
 * web forms; how to recognise each kind of damage; and how to undo it.
 *
 * The harness uses the manglings to feed realistically damaged credentials into scenarios, and
 * the detector to name the damage when a PEM is rejected. Everything here is pure: text in, text
 * or findings out.
 *
 * Only RFC 7468 PEM (markers around base64) is handled. RFC 1421 headers (`Proc-Type:`,
 * `DEK-Info:` in legacy encrypted keys) are not: repair would fold them into the body.
 */

export type Mangling =
  | 'literal-newlines'
  | 'crlf'
  | 'indented'
  | 'spaces-for-newlines'
  | 'newlines-removed'
  | 'joined-body'
  | 'quoted'
  | 'trailing-spaces'
  | 'no-final-newline'
  | 'leading-blank-lines'
  | 'bom';

const BOM = '\uFEFF';

/** Each block's base64 body, between its marker lines, in a clean PEM. */
const CLEAN_BODY = /(-----BEGIN [A-Z0-9 ]+-----\n)([\s\S]*?)(\n-----END )/g;

/** Joins each block's base64 lines into one, leaving the marker lines alone. */
function joinBodies(pem: string): string {
  return pem.replace(
    CLEAN_BODY,
    (_block, begin: string, body: string, end: string) => begin + body.replace(/\n/g, '') + end,
  );
}

/**
 * The damage real pipelines do to a PEM. Input: a clean PEM with '\n' line ends and a final
 * newline, possibly several blocks (a chain, or certificate and key).
 */
export const MANGLINGS: Record<Mangling, { describe: string; apply: (pem: string) => string }> = {
  'literal-newlines': {
    describe: 'every line break became the two characters \\n, as `echo "$VAR"` prints a JSON-escaped secret',
    apply: (pem) => pem.replace(/\n/g, '\\n'),
  },
  crlf: {
    describe: 'Windows line endings, from an editor or a checkout with autocrlf',
    apply: (pem) => pem.replace(/\n/g, '\r\n'),
  },
  indented: {
    describe: 'every line indented by two spaces, as a YAML block scalar pasted with its indentation',
    apply: (pem) => pem.replace(/^(?=.)/gm, '  '),
  },
  'spaces-for-newlines': {
    describe: 'line breaks replaced by spaces, as an unquoted $(cat key.pem) or a single-line form field gives',
    apply: (pem) => pem.replace(/\n/g, ' '),
  },
  'newlines-removed': {
    describe: 'all line breaks deleted',
    apply: (pem) => pem.replace(/\n/g, ''),
  },
  'joined-body': {
    describe: 'markers on their own lines but each base64 body joined onto one line',
    apply: joinBodies,
  },
  quoted: {
    describe: 'wrapped in double quotes, as a .env value copied with its quotes',
    apply: (pem) => `"${pem}"`,
  },
  'trailing-spaces': {
    describe: 'three spaces after every line, as copied from a terminal or a padded form',
    apply: (pem) => pem.replace(/\n/g, '   \n'),
  },
  'no-final-newline': {
    describe: 'no line break after the last line, as an editor or a secret store trims it',
    apply: (pem) => pem.replace(/\n$/, ''),
  },
  'leading-blank-lines': {
    describe: 'two empty lines before the first marker',
    apply: (pem) => `\n\n${pem}`,
  },
  bom: {
    describe: 'a UTF-8 byte order mark at the start, as Windows editors save it',
    apply: (pem) => `${BOM}${pem}`,
  },
};

const MANGLING_KINDS = Object.keys(MANGLINGS) as Mangling[];

export interface PemDamage {
  kind: Mangling | 'missing-markers' | 'not-pem' | 'empty';
  /** 1-based line of the inspected text where the damage first appears. */
  line: number;
  /** One line naming the damage and where it is. */
  message: string;
}

type DamageKind = PemDamage['kind'];

/**
 * Damage both Node/OpenSSL and rustls read through. Research to be re-measured by the matrix;
 * the kinds outside this set make at least one of them reject the PEM.
 */
export const HARMLESS: ReadonlySet<DamageKind> = new Set<DamageKind>([
  'crlf',
  'trailing-spaces',
  'no-final-newline',
  'leading-blank-lines',
  'joined-body',
]);

// ---------------------------------------------------------------------------------------------
// Detection

/** A BEGIN or END marker; labels in practice are upper-case words (RFC 7468 allows more). */
const MARKER = /-----(BEGIN|END) ([A-Z0-9 ]+)-----/;
const MARKERS = new RegExp(MARKER.source, 'g');

/** One line of the inspected text, '\r' removed, and where it sits relative to the markers. */
interface Line {
  readonly number: number;
  readonly text: string;
  /** `outside` lines are blank or explanatory text (e.g. openssl's "Bag Attributes"), which every reader skips. */
  readonly role: 'marker' | 'body' | 'outside';
}

/** The inspected text: `raw` as given, `text` without a BOM, and `text` split into lines. */
interface View {
  readonly raw: string;
  readonly text: string;
  readonly lines: readonly Line[];
}

type Finding = Omit<PemDamage, 'kind'>;
type Detector = (view: View) => Finding | undefined;

/** Lines whose damage matters: explanatory text outside the blocks may look like anything. */
const IN_BLOCK: ReadonlySet<Line['role']> = new Set<Line['role']>(['marker', 'body']);
const BODY: ReadonlySet<Line['role']> = new Set<Line['role']>(['body']);

/**
 * Longest body line a wrapping tool produces (64 for PEM, 76 for MIME base64); anything longer
 * was joined.
 */
const MAX_WRAPPED_LINE = 76;

/** A marker glued to base64. The lookbehind keeps the `n` of a literal `\n` from counting as base64. */
const GLUED = /-----BEGIN [A-Z0-9 ]+-----[A-Za-z0-9+/]|(?<!\\)[A-Za-z0-9+/=]-----END /;

/** Two base64 or marker tokens separated by blanks; applied with marker labels removed, since those contain spaces. */
const SPACED_TOKENS = /[A-Za-z0-9+/=-][ \t]+[A-Za-z0-9+/=-]/;

const QUOTED = /^(["'])[\s\S]*\1$/;
const QUOTE_NAMES: Record<string, string> = { '"': 'double', "'": 'single' };

const BASE64ISH = /^[A-Za-z0-9+/]{64,}={0,2}$/;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** 1-based line number of a character offset. */
function lineAt(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Role of every line, tracking whether the last marker seen opened a block. */
function classifyLines(text: string): Line[] {
  let inBlock = false;
  return text.split('\n').map((raw, index) => {
    const markers = [...raw.matchAll(MARKERS)].map((match) => match[1]);
    const role = markers.length > 0 ? 'marker' : inBlock ? 'body' : 'outside';
    inBlock = markers.length > 0 ? markers.at(-1) === 'BEGIN' : inBlock;
    return { number: index + 1, text: raw.replace(/\r$/, ''), role };
  });
}

function viewOf(raw: string): View {
  const text = raw.startsWith(BOM) ? raw.slice(BOM.length) : raw;
  return { raw, text, lines: classifyLines(text) };
}

function firstContentLine(view: View): number {
  return view.lines.find((line) => line.text.trim() !== '')?.number ?? 1;
}

/** A detector reporting the first line with one of `roles` that `matches`. */
function firstLine(
  roles: ReadonlySet<Line['role']>,
  matches: (text: string) => boolean,
  describe: (line: Line) => string,
): Detector {
  return (view) => {
    const line = view.lines.find((candidate) => roles.has(candidate.role) && matches(candidate.text));
    return line && { line: line.number, message: describe(line) };
  };
}

function describeIndent(text: string): string {
  const indent = text.slice(0, text.length - text.trimStart().length);
  return plural(indent.length, indent === ' '.repeat(indent.length) ? 'space' : 'whitespace character');
}

function detectQuotes(view: View): Finding | undefined {
  const quote = QUOTED.exec(view.text.trim())?.[1];
  return quote === undefined
    ? undefined
    : { line: firstContentLine(view), message: `surrounded by ${QUOTE_NAMES[quote]} quotes` };
}

function detectCrlf(view: View): Finding | undefined {
  const index = view.text.indexOf('\r\n');
  if (index < 0) return undefined;
  const line = lineAt(view.text, index);
  return { line, message: `CRLF line endings (line ${line})` };
}

function detectMissingFinalNewline(view: View): Finding | undefined {
  const last = view.lines.length;
  return view.text.endsWith('\n') ? undefined : { line: last, message: `no line break after the last line (line ${last})` };
}

function detectLeadingBlankLines(view: View): Finding | undefined {
  const blank = view.lines.findIndex((line) => line.text.trim() !== '');
  return blank > 0 ? { line: 1, message: `starts with ${plural(blank, 'blank line')} (line 1)` } : undefined;
}

const DETECTORS: Record<Mangling, Detector> = {
  'literal-newlines': firstLine(
    IN_BLOCK,
    (text) => text.includes('\\n'),
    (line) => `literal "\\n" escapes instead of line breaks (line ${line.number})`,
  ),
  crlf: detectCrlf,
  indented: firstLine(
    IN_BLOCK,
    (text) => /^[ \t]+\S/.test(text),
    (line) => `line ${line.number} is indented by ${describeIndent(line.text)}`,
  ),
  'spaces-for-newlines': firstLine(
    IN_BLOCK,
    (text) => SPACED_TOKENS.test(text.replace(MARKERS, '-----')),
    (line) => `newlines replaced by spaces (line ${line.number})`,
  ),
  'newlines-removed': firstLine(
    IN_BLOCK,
    (text) => GLUED.test(text),
    (line) => `no line break between a marker and the base64 (line ${line.number})`,
  ),
  'joined-body': firstLine(
    BODY,
    (text) => text.trim().length > MAX_WRAPPED_LINE,
    (line) => `base64 body joined onto one line (line ${line.number})`,
  ),
  quoted: detectQuotes,
  'trailing-spaces': firstLine(
    IN_BLOCK,
    (text) => /\S[ \t]+$/.test(text),
    (line) => `trailing spaces (line ${line.number})`,
  ),
  'no-final-newline': detectMissingFinalNewline,
  'leading-blank-lines': detectLeadingBlankLines,
  bom: (view) => (view.raw.startsWith(BOM) ? { line: 1, message: 'UTF-8 byte order mark at the start' } : undefined),
};

/**
 * Kinds not reported when one of the listed kinds is: they are a side effect of it, not separate
 * damage. A PEM squashed onto one line has no last line to end, a form field's trailing space is
 * its last replaced newline, and a quoted value's final newline sits inside the quotes.
 */
const MASKED_BY: Partial<Record<DamageKind, readonly DamageKind[]>> = {
  'no-final-newline': ['literal-newlines', 'spaces-for-newlines', 'newlines-removed', 'quoted'],
  'trailing-spaces': ['spaces-for-newlines'],
};

/** The first BEGIN left open (a truncated secret, or an END with another label) or END never opened. */
function findUnmatchedMarker(text: string): Finding | undefined {
  const unclosed = (open: { label: string; line: number }): Finding => ({
    line: open.line,
    message: `-----BEGIN ${open.label}----- has no matching END marker (line ${open.line})`,
  });
  let open: { label: string; line: number } | undefined;
  for (const match of text.matchAll(MARKERS)) {
    const [, side, label] = match;
    const line = lineAt(text, match.index);
    if (side === 'BEGIN') {
      if (open) return unclosed(open);
      open = { label, line };
    } else if (!open) {
      return { line, message: `-----END ${label}----- has no BEGIN marker (line ${line})` };
    } else if (open.label !== label) {
      return unclosed(open);
    } else {
      open = undefined;
    }
  }
  return open && unclosed(open);
}

/**
 * Verdict for text with no marker at all: a bare base64 body (markers stripped, or the whole PEM
 * base64-encoded once more, as Kubernetes secrets and CI variables often hold it) or not PEM.
 */
function withoutMarkers(view: View): PemDamage {
  const line = firstContentLine(view);
  const compact = normalise(view.raw).replace(/\s+/g, '');
  if (!BASE64ISH.test(compact)) {
    return { kind: 'not-pem', line, message: `not PEM: no -----BEGIN marker and not base64 (line ${line})` };
  }
  const encodedPem = Buffer.from(compact, 'base64').toString('latin1').includes('-----BEGIN ');
  return {
    kind: 'missing-markers',
    line,
    message: encodedPem
      ? `a whole PEM encoded as base64, decode it first (line ${line})`
      : `base64 without -----BEGIN/-----END markers (line ${line})`,
  };
}

/**
 * Every kind of damage in `text` (a file read as utf8, or a variable's value), each once, at the
 * line where it first appears, ordered by line. A clean PEM gives [].
 */
export function detectPemDamage(text: string): PemDamage[] {
  if (text.trim() === '') return [{ kind: 'empty', line: 1, message: 'empty or whitespace only' }];
  const view = viewOf(text);
  if (!MARKER.test(view.text)) return [withoutMarkers(view)];
  const unmatched = findUnmatchedMarker(view.text);
  const found: PemDamage[] = [
    ...(unmatched ? [{ kind: 'missing-markers' as const, ...unmatched }] : []),
    ...MANGLING_KINDS.flatMap((kind) => {
      const finding = DETECTORS[kind](view);
      return finding ? [{ kind, ...finding }] : [];
    }),
  ];
  const kinds = new Set(found.map((damage) => damage.kind));
  return found
    .filter((damage) => !(MASKED_BY[damage.kind] ?? []).some((masking) => kinds.has(masking)))
    .sort((a, b) => a.line - b.line);
}

// ---------------------------------------------------------------------------------------------
// Repair

/** A complete block in normalised text; the body may still hold blanks where newlines were. */
const BLOCKS = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

function stripBom(text: string): string {
  return text.replace(/^\uFEFF+/, '');
}

function unquote(text: string): string {
  const trimmed = text.trim();
  return QUOTED.test(trimmed) ? trimmed.slice(1, -1) : trimmed;
}

/** Turns `\n` and `\r\n` escapes into newlines; base64 has no backslash, so none is meant literally. */
function unescapeNewlines(text: string): string {
  return text.replace(/(?:\\r)?\\n/g, '\n');
}

function toLf(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

function trimLines(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}

/** Line-level cleanups, in the order one exposes the next (quotes inside a BOM, escapes inside quotes). */
const CLEANUPS: ReadonlyArray<(text: string) => string> = [stripBom, unquote, unescapeNewlines, toLf, trimLines];

/**
 * Applies the cleanups until nothing changes, since a later one can expose damage an earlier one
 * handles (e.g. a quote behind a literal `\n`). Every cleanup only shortens, so this ends; and
 * reaching a fixed point is what makes repairPem idempotent.
 */
function normalise(text: string): string {
  let current = text;
  for (;;) {
    const next = CLEANUPS.reduce((result, cleanup) => cleanup(result), current);
    if (next === current) return current;
    current = next;
  }
}

function renderBlock(label: string, body: string): string {
  const rows = body.replace(/\s+/g, '').match(/.{1,64}/g) ?? [];
  return [`-----BEGIN ${label}-----`, ...rows, `-----END ${label}-----`].join('\n') + '\n';
}

/**
 * The canonical PEM for `text`: every complete block in order, body wrapped at 64, '\n' line
 * ends, one final newline. Text outside complete blocks is dropped, as PEM readers skip it.
 * Text with no complete block only gets the line-level cleanups, since there is nothing to
 * re-wrap. Idempotent; a clean PEM comes back unchanged (gaining a final newline if it lacked one).
 */
export function repairPem(text: string): string {
  const clean = normalise(text);
  const blocks = [...clean.matchAll(BLOCKS)].map(([, label, body]) => renderBlock(label, body));
  if (blocks.length > 0) return blocks.join('');
  return clean === '' ? '' : `${clean}\n`;
}
