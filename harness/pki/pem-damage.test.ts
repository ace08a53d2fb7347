import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { detectPemDamage, HARMLESS, Mangling, MANGLINGS, PemDamage, repairPem } from './pem-damage';

const pair = generateKeyPairSync('rsa', {
  modulusLength: 1024,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const pem = pair.privateKey;
/** Two blocks with different labels, as a certificate-plus-key file has. */
const keyAndPublic = pem + pair.publicKey;
/** Two blocks with the same label, as a certificate chain has. */
const sameLabelChain = pair.publicKey + pair.publicKey;

/** Number of the last line of the clean PEM (it ends with '\n', so the split has an empty tail). */
const lastLine = pem.split('\n').length - 1;

/** The exact report for each mangling of the single-block key. */
const EXPECTED: Record<Mangling, PemDamage> = {
  'literal-newlines': {
    kind: 'literal-newlines',
    line: 1,
    message: 'literal "\\n" escapes instead of line breaks (line 1)',
  },
  crlf: { kind: 'crlf', line: 1, message: 'CRLF line endings (line 1)' },
  indented: { kind: 'indented', line: 1, message: 'line 1 is indented by 2 spaces' },
  'spaces-for-newlines': { kind: 'spaces-for-newlines', line: 1, message: 'newlines replaced by spaces (line 1)' },
  'newlines-removed': {
    kind: 'newlines-removed',
    line: 1,
    message: 'no line break between a marker and the base64 (line 1)',
  },
  'joined-body': { kind: 'joined-body', line: 2, message: 'base64 body joined onto one line (line 2)' },
  quoted: { kind: 'quoted', line: 1, message: 'surrounded by double quotes' },
  'trailing-spaces': { kind: 'trailing-spaces', line: 1, message: 'trailing spaces (line 1)' },
  'no-final-newline': {
    kind: 'no-final-newline',
    line: lastLine,
    message: `no line break after the last line (line ${lastLine})`,
  },
  'leading-blank-lines': { kind: 'leading-blank-lines', line: 1, message: 'starts with 2 blank lines (line 1)' },
  bom: { kind: 'bom', line: 1, message: 'UTF-8 byte order mark at the start' },
};

const ALL_MANGLINGS = Object.keys(EXPECTED) as Mangling[];

const kindsOf = (text: string) => detectPemDamage(text).map((damage) => damage.kind);

describe('the test key', () => {
  it('is a clean multi-line PKCS#8 PEM, so the manglings have something to damage', () => {
    expect(pem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    expect(pem.endsWith('\n-----END PRIVATE KEY-----\n')).toBe(true);
    expect(lastLine).toBeGreaterThan(4);
  });
});

describe('MANGLINGS', () => {
  it('has exactly the eleven manglings, each described', () => {
    expect(Object.keys(MANGLINGS).sort()).toEqual([...ALL_MANGLINGS].sort());
    expect(ALL_MANGLINGS).toHaveLength(11);
    for (const mangling of ALL_MANGLINGS) expect(MANGLINGS[mangling].describe).not.toBe('');
  });

  it('damages the text the way the real pipeline does', () => {
    const short = '-----BEGIN X-----\nAAAA\nBBBB\n-----END X-----\n';
    const apply = (mangling: Mangling) => MANGLINGS[mangling].apply(short);
    expect(apply('literal-newlines')).toBe('-----BEGIN X-----\\nAAAA\\nBBBB\\n-----END X-----\\n');
    expect(apply('crlf')).toBe('-----BEGIN X-----\r\nAAAA\r\nBBBB\r\n-----END X-----\r\n');
    expect(apply('indented')).toBe('  -----BEGIN X-----\n  AAAA\n  BBBB\n  -----END X-----\n');
    expect(apply('spaces-for-newlines')).toBe('-----BEGIN X----- AAAA BBBB -----END X----- ');
    expect(apply('newlines-removed')).toBe('-----BEGIN X-----AAAABBBB-----END X-----');
    expect(apply('joined-body')).toBe('-----BEGIN X-----\nAAAABBBB\n-----END X-----\n');
    expect(apply('quoted')).toBe('"-----BEGIN X-----\nAAAA\nBBBB\n-----END X-----\n"');
    expect(apply('trailing-spaces')).toBe('-----BEGIN X-----   \nAAAA   \nBBBB   \n-----END X-----   \n');
    expect(apply('no-final-newline')).toBe('-----BEGIN X-----\nAAAA\nBBBB\n-----END X-----');
    expect(apply('leading-blank-lines')).toBe('\n\n-----BEGIN X-----\nAAAA\nBBBB\n-----END X-----\n');
    expect(apply('bom')).toBe('\uFEFF-----BEGIN X-----\nAAAA\nBBBB\n-----END X-----\n');
  });

  it('joins the body of every block of a chain', () => {
    const joined = MANGLINGS['joined-body'].apply(keyAndPublic);
    expect(joined.split('\n')).toHaveLength(7);
  });
});

describe.each(ALL_MANGLINGS)('mangling %s', (mangling) => {
  const mangled = MANGLINGS[mangling].apply(pem);

  it('is reported as exactly that damage, at its line', () => {
    expect(detectPemDamage(mangled)).toEqual([EXPECTED[mangling]]);
  });

  it('is repaired to the original PEM', () => {
    expect(repairPem(mangled)).toBe(pem);
  });

  it('is repaired to a key Node can load', () => {
    expect(createPrivateKey(repairPem(mangled)).asymmetricKeyType).toBe('rsa');
  });

  it('is repaired idempotently', () => {
    expect(repairPem(repairPem(mangled))).toBe(repairPem(mangled));
  });

  it.each([
    ['a key followed by its public key', keyAndPublic],
    ['a chain of two same-label blocks', sameLabelChain],
  ])('keeps both blocks of %s, in order', (_name, twoBlocks) => {
    expect(repairPem(MANGLINGS[mangling].apply(twoBlocks))).toBe(twoBlocks);
  });

  it('applied to a chain is still reported', () => {
    expect(kindsOf(MANGLINGS[mangling].apply(keyAndPublic))).toEqual([mangling]);
  });
});

describe('detectPemDamage', () => {
  it('finds nothing wrong with a clean PEM or a clean chain', () => {
    expect(detectPemDamage(pem)).toEqual([]);
    expect(detectPemDamage(keyAndPublic)).toEqual([]);
  });

  it('reports indentation and CRLF together', () => {
    const damaged = MANGLINGS.crlf.apply(MANGLINGS.indented.apply(pem));
    expect(detectPemDamage(damaged)).toEqual([EXPECTED.crlf, EXPECTED.indented]);
  });

  it('orders findings by line', () => {
    const damaged = MANGLINGS['leading-blank-lines'].apply(MANGLINGS['no-final-newline'].apply(pem));
    expect(detectPemDamage(damaged)).toEqual([
      EXPECTED['leading-blank-lines'],
      {
        kind: 'no-final-newline',
        line: lastLine + 2,
        message: `no line break after the last line (line ${lastLine + 2})`,
      },
    ]);
  });

  it('reports a quoted .env value with escaped newlines as both', () => {
    const damaged = MANGLINGS.quoted.apply(MANGLINGS['literal-newlines'].apply(pem));
    expect(kindsOf(damaged)).toEqual(['literal-newlines', 'quoted']);
  });

  it('reports echo "$VAR" of an escaped secret (real final newline) as literal newlines only', () => {
    expect(kindsOf(`${MANGLINGS['literal-newlines'].apply(pem)}\n`)).toEqual(['literal-newlines']);
  });

  it('reports an unquoted $(cat key.pem) (no trailing space) as spaces for newlines only', () => {
    expect(kindsOf(pem.trimEnd().replace(/\n/g, ' '))).toEqual(['spaces-for-newlines']);
  });

  it('names the line of indentation that starts further down, and its width', () => {
    const lines = pem.split('\n');
    lines[2] = `    ${lines[2]}`;
    expect(detectPemDamage(lines.join('\n'))).toEqual([
      { kind: 'indented', line: 3, message: 'line 3 is indented by 4 spaces' },
    ]);
  });

  it('names single quotes', () => {
    expect(detectPemDamage(`'${pem}'`)).toEqual([{ kind: 'quoted', line: 1, message: 'surrounded by single quotes' }]);
  });

  it('ignores explanatory text outside the blocks, as openssl pkcs12 writes it', () => {
    const bagAttributes = 'Bag Attributes\n    localKeyID: 01 00 00 00 \nsubject=CN = harness-client\n';
    expect(detectPemDamage(bagAttributes + pem)).toEqual([]);
  });

  it('reports empty and whitespace-only input as empty', () => {
    const empty: PemDamage[] = [{ kind: 'empty', line: 1, message: 'empty or whitespace only' }];
    expect(detectPemDamage('')).toEqual(empty);
    expect(detectPemDamage(' \n\t\r\n')).toEqual(empty);
    expect(detectPemDamage('\uFEFF')).toEqual(empty);
  });

  it('reports a base64 body without markers as missing markers', () => {
    const body = pem.split('\n').slice(1, lastLine - 1).join('\n');
    expect(detectPemDamage(`\n${body}\n`)).toEqual([
      { kind: 'missing-markers', line: 2, message: 'base64 without -----BEGIN/-----END markers (line 2)' },
    ]);
  });

  it('recognises a whole PEM encoded as base64 once more', () => {
    expect(detectPemDamage(Buffer.from(pem).toString('base64'))).toEqual([
      { kind: 'missing-markers', line: 1, message: 'a whole PEM encoded as base64, decode it first (line 1)' },
    ]);
  });

  it('reports a truncated PEM (no END marker) as missing markers at its BEGIN', () => {
    const truncated = pem.split('\n').slice(0, 4).join('\n') + '\n';
    expect(detectPemDamage(truncated)).toEqual([
      { kind: 'missing-markers', line: 1, message: '-----BEGIN PRIVATE KEY----- has no matching END marker (line 1)' },
    ]);
  });

  it('reports an END marker without its BEGIN as missing markers', () => {
    const headless = pem.split('\n').slice(1).join('\n');
    expect(detectPemDamage(headless)).toEqual([
      {
        kind: 'missing-markers',
        line: lastLine - 1,
        message: `-----END PRIVATE KEY----- has no BEGIN marker (line ${lastLine - 1})`,
      },
    ]);
  });

  it('reports prose as not PEM', () => {
    expect(detectPemDamage('\nhello, world\n')).toEqual([
      { kind: 'not-pem', line: 2, message: 'not PEM: no -----BEGIN marker and not base64 (line 2)' },
    ]);
  });

  it('reports binary garbage as not PEM without throwing', () => {
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, byte) => byte)).toString('utf8');
    expect(kindsOf(everyByte)).toEqual(['not-pem']);
    expect(kindsOf(everyByte.repeat(8))).toEqual(['not-pem']);
  });
});

describe('HARMLESS', () => {
  it('is the set both Node/OpenSSL and rustls were found to tolerate', () => {
    expect([...HARMLESS].sort()).toEqual(
      ['crlf', 'joined-body', 'leading-blank-lines', 'no-final-newline', 'trailing-spaces'].sort(),
    );
  });
});

describe('repairPem', () => {
  it('returns a clean PEM unchanged, adding only a missing final newline', () => {
    expect(repairPem(pem)).toBe(pem);
    expect(repairPem(keyAndPublic)).toBe(keyAndPublic);
    expect(repairPem(pem.trimEnd())).toBe(pem);
  });

  it('undoes several kinds of damage at once', () => {
    const damaged = MANGLINGS.bom.apply(
      MANGLINGS.quoted.apply(MANGLINGS.crlf.apply(MANGLINGS.indented.apply(MANGLINGS['trailing-spaces'].apply(keyAndPublic)))),
    );
    expect(repairPem(damaged)).toBe(keyAndPublic);
  });

  it('turns escaped CRLFs into line breaks', () => {
    expect(repairPem(pem.replace(/\n/g, '\\r\\n'))).toBe(pem);
  });

  it('extracts the blocks from a JSON-escaped value and drops text around them', () => {
    const json = JSON.stringify({ key: pem });
    expect(repairPem(json)).toBe(pem);
    expect(repairPem(`Bag Attributes\n    localKeyID: 01\n${pem}`)).toBe(pem);
  });

  it('leaves empty input empty', () => {
    expect(repairPem('')).toBe('');
    expect(repairPem(' \n\uFEFF\n')).toBe('');
  });

  it('only cleans up lines of text with no complete block, idempotently', () => {
    expect(repairPem('\uFEFF"  hello \r\n\r\n world  "')).toBe('hello\nworld\n');
    expect(repairPem('\\n"\'"nested"\'"')).toBe('nested\n');
    expect(repairPem('hello\nworld\n')).toBe('hello\nworld\n');
  });

  it('does not throw on binary garbage and is idempotent on it', () => {
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, byte) => byte)).toString('utf8');
    const once = repairPem(everyByte);
    expect(repairPem(once)).toBe(once);
  });
});
