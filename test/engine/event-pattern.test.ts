import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compilePattern, InvalidPatternError, testEventPattern } from '../../src/engine/events/pattern.js';

// ---------------------------------------------------------------------------------------------------------
// AWS conformance corpus (recorded answers of the real TestEventPattern API)
// ---------------------------------------------------------------------------------------------------------

// The team's corpus in ../shared/conformance (beside the repository, as in CI) is the reference; the copy in
// test/fixtures/conformance (same licence and provenance, see its README) lets a plain clone run every case.
const SHARED_CORPUS = fileURLToPath(new URL('../../../shared/conformance/eventbridge-patterns.json', import.meta.url));
const VENDORED_CORPUS = fileURLToPath(new URL('../fixtures/conformance/eventbridge-patterns.json', import.meta.url));
const CORPUS_PATH = existsSync(SHARED_CORPUS) ? SHARED_CORPUS : VENDORED_CORPUS;

interface CorpusCase {
  name: string;
  expect: 'match' | 'no-match' | 'invalid';
  errorContains?: string;
  /** Pattern and event exactly as written in the corpus file (so `300.0` stays `300.0`). */
  patternText: string;
  eventText: string;
}

function loadCorpus(): CorpusCase[] {
  const raw = readFileSync(CORPUS_PATH, 'utf8');
  type RecordedCase = Omit<CorpusCase, 'patternText' | 'eventText'> & { patternText?: string };
  const parsed = JSON.parse(raw) as { cases: RecordedCase[] };
  const spans = rawCaseSpans(raw);
  if (spans.length !== parsed.cases.length) throw new Error('could not locate every case in the raw corpus text');
  return parsed.cases.map((c, i) => {
    const span = spans[i]!;
    const patternText = c.patternText ?? span.pattern;
    if (patternText === undefined || span.event === undefined) {
      throw new Error(`case ${c.name} lacks a pattern or event`);
    }
    return { name: c.name, expect: c.expect, errorContains: c.errorContains, patternText, eventText: span.event };
  });
}

/**
 * The raw text of each case's "pattern" and "event" values. Re-serialising parsed JSON would turn `300.0`
 * into `300`; AWS was sent the literal text, so the tests send it too.
 */
function rawCaseSpans(raw: string): Array<{ pattern?: string; event?: string }> {
  let pos = 0;
  const ws = () => {
    while (/\s/.test(raw[pos] ?? '')) pos++;
  };
  const str = (): string => {
    const start = pos++;
    while (raw[pos] !== '"') pos += raw[pos] === '\\' ? 2 : 1;
    pos++;
    return JSON.parse(raw.slice(start, pos)) as string;
  };
  const skip = (): string => {
    ws();
    const start = pos;
    if (raw[pos] === '"') str();
    else if (raw[pos] === '{' || raw[pos] === '[') {
      let depth = 0;
      do {
        if (raw[pos] === '"') {
          str();
          continue;
        }
        if (raw[pos] === '{' || raw[pos] === '[') depth++;
        if (raw[pos] === '}' || raw[pos] === ']') depth--;
        pos++;
      } while (depth > 0);
    } else while (!/[\s,\]}]/.test(raw[pos] ?? ',')) pos++;
    return raw.slice(start, pos);
  };
  const members = (visit: (key: string) => void) => {
    ws();
    pos++; // {
    for (ws(); raw[pos] !== '}'; ws()) {
      if (raw[pos] === ',') pos++;
      ws();
      const key = str();
      ws();
      pos++; // :
      visit(key);
      ws();
    }
    pos++;
  };
  const spans: Array<{ pattern?: string; event?: string }> = [];
  members((key) => {
    if (key !== 'cases') return void skip();
    ws();
    pos++; // [
    for (ws(); raw[pos] !== ']'; ws()) {
      if (raw[pos] === ',') pos++;
      const span: { pattern?: string; event?: string } = {};
      members((caseKey) => {
        const text = skip();
        if (caseKey === 'pattern' || caseKey === 'event') span[caseKey] = text;
      });
      spans.push(span);
    }
    pos++;
  });
  return spans;
}

function outcome(c: CorpusCase): { result: 'match' | 'no-match' | 'invalid'; message?: string } {
  try {
    return { result: testEventPattern(c.patternText, c.eventText) ? 'match' : 'no-match' };
  } catch (error) {
    if (error instanceof InvalidPatternError) return { result: 'invalid', message: error.message };
    throw error;
  }
}

describe('EventBridge conformance corpus', () => {
  if (!existsSync(CORPUS_PATH)) {
    it('needs the conformance corpus', () => {
      throw new Error(
        `EventBridge conformance corpus is missing: expected ${SHARED_CORPUS} or ${VENDORED_CORPUS}`,
      );
    });
    return;
  }
  const corpus = loadCorpus();

  it.runIf(existsSync(SHARED_CORPUS))('keeps its copy in test/fixtures identical to ../shared/conformance', () => {
    expect(readFileSync(VENDORED_CORPUS, 'utf8')).toBe(readFileSync(SHARED_CORPUS, 'utf8'));
  });

  it('has all 156 recorded cases', () => {
    expect(corpus).toHaveLength(156);
  });

  it.each(corpus.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const actual = outcome(c);
    expect(actual.result, actual.message).toBe(c.expect);
  });

  // AWS's wording can change, so this is kept apart from the per-case verdicts above; it lists every
  // invalid case whose message lacks the recorded text.
  it('errorContains: error messages carry the text AWS recorded', () => {
    const mismatches = corpus
      .filter((c) => c.expect === 'invalid' && c.errorContains !== undefined)
      .map((c) => ({ name: c.name, expected: c.errorContains!, actual: outcome(c).message ?? '(no error)' }))
      .filter((m) => !m.actual.includes(m.expected));
    expect(mismatches).toEqual([]);
  });

  it('sends the corpus numbers as written (300.0 stays 300.0)', () => {
    const c = corpus.find((k) => k.name === 'number_comparison_float')!;
    expect(c.eventText).toContain('300.0');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Own unit tests, one group per operator
// ---------------------------------------------------------------------------------------------------------

const matches = (pattern: object | string, event: object) =>
  compilePattern(typeof pattern === 'string' ? pattern : JSON.stringify(pattern)).matches(event);

const rejection = (pattern: object | string): string => {
  try {
    compilePattern(typeof pattern === 'string' ? pattern : JSON.stringify(pattern));
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPatternError);
    expect((error as Error).name).toBe('InvalidEventPatternException');
    return (error as Error).message;
  }
  throw new Error('pattern was accepted');
};

describe('exact values and structure', () => {
  it('matches strings, numbers, booleans and null exactly', () => {
    expect(matches({ a: ['x'] }, { a: 'x' })).toBe(true);
    expect(matches({ a: ['x'] }, { a: 'X' })).toBe(false);
    expect(matches({ a: [5] }, { a: 5 })).toBe(true);
    expect(matches({ a: [5] }, { a: '5' })).toBe(false);
    expect(matches({ a: ['5'] }, { a: 5 })).toBe(false);
    expect(matches({ a: [true] }, { a: true })).toBe(true);
    expect(matches({ a: [null] }, { a: null })).toBe(true);
    expect(matches({ a: [null] }, {})).toBe(false);
    expect(matches({ a: [''] }, { a: '' })).toBe(true);
  });

  it('compares numbers by value', () => {
    expect(matches('{"a": [300.0]}', { a: 300 })).toBe(true);
    expect(matches('{"a": [3e2]}', { a: 300 })).toBe(true);
    expect(matches({ a: [123456789012] }, { a: 123456789012 })).toBe(true);
  });

  it('treats a pattern array as OR and an event array as "any element"', () => {
    expect(matches({ a: ['x', 'y'] }, { a: 'y' })).toBe(true);
    expect(matches({ a: ['x'] }, { a: ['z', 'x'] })).toBe(true);
    expect(matches({ a: ['x'] }, { a: [] })).toBe(false);
    expect(matches({ a: ['x'] }, { a: [['x']] })).toBe(true);
  });

  it('ANDs fields and nests objects', () => {
    const pattern = { source: ['s'], detail: { state: ['on'] } };
    expect(matches(pattern, { source: 's', detail: { state: 'on' } })).toBe(true);
    expect(matches(pattern, { source: 's', detail: { state: 'off' } })).toBe(false);
    expect(matches(pattern, { source: 's' })).toBe(false);
    expect(matches(pattern, { source: 's', detail: '{"state": "on"}' })).toBe(false);
  });

  it('joins keys with dots, in the pattern and in the event', () => {
    expect(matches({ 'a.b': ['x'] }, { a: { b: 'x' } })).toBe(true);
    expect(matches({ a: { b: ['x'] } }, { 'a.b': 'x' })).toBe(true);
  });

  it('descends into arrays of objects', () => {
    expect(matches({ list: { id: ['2'] } }, { list: [{ id: '1' }, { id: '2' }] })).toBe(true);
  });

  it('keeps fields of different array elements apart (array consistency)', () => {
    const event = { people: [{ first: 'Ann', last: 'Doe' }, { first: 'Bob', last: 'Roe' }] };
    expect(matches({ people: { first: ['Ann'], last: ['Doe'] } }, event)).toBe(true);
    expect(matches({ people: { first: ['Ann'], last: ['Roe'] } }, event)).toBe(false);
  });

  it('lets the last of repeated keys win', () => {
    const pattern = '{"a": ["x"], "a": ["y"]}';
    expect(matches(pattern, { a: 'y' })).toBe(true);
    expect(matches(pattern, { a: 'x' })).toBe(false);
  });

  it('never matches a non-object event', () => {
    expect(matches({ a: ['x'] }, ['x'] as unknown as object)).toBe(false);
    expect(compilePattern('{"a": ["x"]}').matches(null)).toBe(false);
  });

  it('accepts the event as JSON text in testEventPattern', () => {
    expect(testEventPattern('{"a": [1]}', '{"a": 1.0}')).toBe(true);
    expect(testEventPattern('{"a": [1]}', { a: 2 })).toBe(false);
  });
});

describe('prefix and suffix', () => {
  it('matches string starts and ends only', () => {
    expect(matches({ a: [{ prefix: 'ab' }] }, { a: 'abc' })).toBe(true);
    expect(matches({ a: [{ prefix: 'ab' }] }, { a: 'cab' })).toBe(false);
    expect(matches({ a: [{ prefix: '1' }] }, { a: 12 })).toBe(false);
    expect(matches({ a: [{ suffix: '.png' }] }, { a: 'x.png' })).toBe(true);
    expect(matches({ a: [{ suffix: '.png' }] }, { a: 'x.PNG' })).toBe(false);
  });

  it('treats an empty prefix or suffix as "any string"', () => {
    expect(matches({ a: [{ prefix: '' }] }, { a: '' })).toBe(true);
    expect(matches({ a: [{ prefix: '' }] }, { a: null })).toBe(false);
    expect(matches({ a: [{ suffix: '' }] }, { a: 'x' })).toBe(true);
  });

  it('supports the equals-ignore-case forms', () => {
    expect(matches({ a: [{ prefix: { 'equals-ignore-case': 'EvB' } }] }, { a: 'evbus' })).toBe(true);
    expect(matches({ a: [{ suffix: { 'equals-ignore-case': '.png' } }] }, { a: 'X.PnG' })).toBe(true);
    expect(matches({ a: [{ suffix: { 'equals-ignore-case': '.png' } }] }, { a: 'x.jpg' })).toBe(false);
  });

  it('rejects non-string operands and other nested operators', () => {
    expect(rejection({ a: [{ prefix: 1 }] })).toContain('prefix match pattern must be a string');
    expect(rejection({ a: [{ suffix: null }] })).toContain('suffix match pattern must be a string');
    expect(rejection({ a: [{ prefix: { wildcard: 'x' } }] })).toContain('Unsupported prefix pattern: wildcard');
    expect(rejection({ a: [{ suffix: {} }] })).toContain('Suffix expression name not found');
    expect(rejection({ a: [{ prefix: { 'equals-ignore-case': 1 } }] })).toContain(
      'equals-ignore-case match pattern must be a string',
    );
    expect(rejection({ a: [{ prefix: 'x', suffix: 'y' }] })).toContain('Only one key allowed in match expression');
  });
});

describe('equals-ignore-case', () => {
  it('compares strings without case', () => {
    expect(matches({ a: [{ 'equals-ignore-case': 'alice' }] }, { a: 'ALICE' })).toBe(true);
    expect(matches({ a: [{ 'equals-ignore-case': 'alice' }] }, { a: 'alice2' })).toBe(false);
    expect(rejection({ a: [{ 'equals-ignore-case': 5 }] })).toContain(
      'equals-ignore-case match pattern must be a string',
    );
  });
});

describe('anything-but', () => {
  it('excludes single values and lists', () => {
    expect(matches({ a: [{ 'anything-but': 'x' }] }, { a: 'y' })).toBe(true);
    expect(matches({ a: [{ 'anything-but': 'x' }] }, { a: 'x' })).toBe(false);
    expect(matches({ a: [{ 'anything-but': [1, 2] }] }, { a: 2 })).toBe(false);
    expect(matches({ a: [{ 'anything-but': [1, 2] }] }, { a: 2.5 })).toBe(true);
  });

  it('requires the field, but accepts null and values of another type', () => {
    expect(matches({ a: [{ 'anything-but': 'x' }] }, {})).toBe(false);
    expect(matches({ a: [{ 'anything-but': 'x' }] }, { a: null })).toBe(true);
    expect(matches({ a: [{ 'anything-but': '5' }] }, { a: 5 })).toBe(true);
    expect(matches({ a: [{ 'anything-but': 5 }] }, { a: '5' })).toBe(true);
  });

  it('supports prefix, suffix, equals-ignore-case and wildcard, single or listed', () => {
    expect(matches({ a: [{ 'anything-but': { prefix: 'us-' } }] }, { a: 'eu-west-1' })).toBe(true);
    expect(matches({ a: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }] }, { a: 'eu-west-1' })).toBe(false);
    expect(matches({ a: [{ 'anything-but': { suffix: '.png' } }] }, { a: 'x.png' })).toBe(false);
    expect(matches({ a: [{ 'anything-but': { 'equals-ignore-case': ['a', 'b'] } }] }, { a: 'B' })).toBe(false);
    expect(matches({ a: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { a: 'x/lib/y' })).toBe(false);
    expect(matches({ a: [{ 'anything-but': { wildcard: ['*/lib/*', '*.tmp'] } }] }, { a: 'x/bin/y' })).toBe(true);
    expect(matches({ a: [{ 'anything-but': { prefix: 'x' } }] }, { a: 7 })).toBe(true);
  });

  it('rejects what AWS rejects', () => {
    expect(rejection({ a: [{ 'anything-but': true }] })).toContain(
      'Value of anything-but must be an array or single string/number value.',
    );
    expect(rejection({ a: [{ 'anything-but': ['x', 1] }] })).toContain('mixed type is not supported');
    expect(rejection({ a: [{ 'anything-but': [] }] })).toContain('mixed type is not supported');
    expect(rejection({ a: [{ 'anything-but': ['x', false] }] })).toContain(
      'Inside anything but list, start|null|boolean is not supported.',
    );
    expect(rejection({ a: [{ 'anything-but': { numeric: ['>', 1] } }] })).toContain(
      'Unsupported anything-but pattern: numeric',
    );
    expect(rejection({ a: [{ 'anything-but': { prefix: '' } }] })).toContain('Null prefix/suffix not allowed');
    expect(rejection({ a: [{ 'anything-but': { suffix: ['x', ''] } }] })).toContain('Null prefix/suffix not allowed');
    expect(rejection({ a: [{ 'anything-but': { wildcard: 'a**' } }] })).toContain('Consecutive wildcard characters');
    expect(rejection({ a: [{ 'anything-but': 'x', prefix: 'y' }] })).toContain(
      'Too many elements in numeric expression',
    );
  });
});

describe('numeric', () => {
  it('compares with =, <, <=, >, >= and two-sided ranges', () => {
    expect(matches({ a: [{ numeric: ['=', 301.8] }] }, { a: 301.8 })).toBe(true);
    expect(matches({ a: [{ numeric: ['<', 10] }] }, { a: 10 })).toBe(false);
    expect(matches({ a: [{ numeric: ['<=', 10] }] }, { a: 10 })).toBe(true);
    expect(matches({ a: [{ numeric: ['>', 0, '<=', 5] }] }, { a: 5 })).toBe(true);
    expect(matches({ a: [{ numeric: ['>', 0, '<=', 5] }] }, { a: 0 })).toBe(false);
    expect(matches({ a: [{ numeric: ['>=', 0, '<', 5] }] }, { a: 0 })).toBe(true);
    expect(matches({ a: [{ numeric: ['>', 100] }] }, { a: '300' })).toBe(false);
    expect(matches({ a: [{ numeric: ['>', 100] }] }, { a: 101.0 })).toBe(true);
  });

  it('only compares numbers within ±5e9', () => {
    expect(matches({ a: [{ numeric: ['>', 0] }] }, { a: 5e9 })).toBe(true);
    expect(matches({ a: [{ numeric: ['>', 0] }] }, { a: 6e9 })).toBe(false);
    expect(rejection({ a: [{ numeric: ['<', 6e9] }] })).toContain('Value must be between -5.0E9 and 5.0E9, inclusive');
    expect(rejection({ a: [{ numeric: ['>', 5e9] }] })).toContain('Bottom must be less than top');
  });

  it('rejects malformed expressions with AWS messages', () => {
    expect(rejection({ a: [{ numeric: 5 }] })).toContain('Value of numeric must be an array.');
    expect(rejection({ a: [{ numeric: [5] }] })).toContain('Invalid member in numeric match: 5');
    expect(rejection({ a: [{ numeric: ['!=', 5] }] })).toContain('Unrecognized numeric range operator: !=');
    expect(rejection({ a: [{ numeric: ['=', 'x'] }] })).toContain('Value of equals must be numeric');
    expect(rejection({ a: [{ numeric: ['=', 1, 2] }] })).toContain('Too many elements in numeric expression');
    expect(rejection({ a: [{ numeric: ['<', 10, '>', 0] }] })).toContain('Too many elements in numeric expression');
    expect(rejection({ a: [{ numeric: ['>', 0, '>', 0] }] })).toContain('Bad numeric range operator: >');
    expect(rejection({ a: [{ numeric: ['>', 0, 5] }] })).toContain('Bad value in numeric range: 5');
    expect(rejection({ a: [{ numeric: ['>', 0, '<'] }] })).toContain('Value of < must be numeric');
    expect(rejection({ a: [{ numeric: ['>', 0, '<', 5, 6] }] })).toContain(
      'Too many terms in numeric range expression',
    );
    expect(rejection({ a: [{ numeric: ['>', 5, '<', 1] }] })).toContain('Bottom must be less than top');
    expect(rejection({ a: [{ NUMERIC: ['>', 5] }] })).toContain('Unrecognized match type NUMERIC');
  });
});

describe('exists', () => {
  it('exists: true needs a leaf value (null counts, objects and empty arrays do not)', () => {
    expect(matches({ a: [{ exists: true }] }, { a: null })).toBe(true);
    expect(matches({ a: [{ exists: true }] }, { a: { b: 1 } })).toBe(false);
    expect(matches({ a: [{ exists: true }] }, { a: [] })).toBe(false);
    expect(matches({ a: [{ exists: true }] }, {})).toBe(false);
  });

  it('exists: false matches a missing leaf, including under a non-object parent', () => {
    expect(matches({ a: [{ exists: false }] }, {})).toBe(true);
    expect(matches({ a: [{ exists: false }] }, { a: [] })).toBe(true);
    expect(matches({ a: [{ exists: false }] }, { a: { b: 1 } })).toBe(true);
    expect(matches({ a: { b: [{ exists: false }] } }, { a: 'text' })).toBe(true);
    expect(matches({ a: [{ exists: false }] }, { a: 0 })).toBe(false);
  });

  it('can be ORed with value conditions', () => {
    const pattern = { s: [{ 'anything-but': ['roses'] }, { exists: false }] };
    expect(matches(pattern, {})).toBe(true);
    expect(matches(pattern, { s: 'tulips' })).toBe(true);
    expect(matches(pattern, { s: 'roses' })).toBe(false);
  });

  it('judges absence within the array element chosen by earlier fields', () => {
    const pattern = { items: { a: ['1'], b: [{ exists: false }] } };
    expect(matches(pattern, { items: [{ a: '1' }, { b: 'x' }] })).toBe(true);
    expect(matches(pattern, { items: [{ a: '1', b: 'x' }] })).toBe(false);
  });

  it('rejects non-boolean operands and operator case variants', () => {
    expect(rejection({ a: [{ exists: 'yes' }] })).toContain('exists match pattern must be either true or false.');
    expect(rejection({ a: [{ EXISTS: true }] })).toContain('Unrecognized match type EXISTS');
  });
});

describe('cidr', () => {
  it('matches IPv4 and IPv6 addresses inside the block', () => {
    expect(matches({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.0.255' })).toBe(true);
    expect(matches({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.1.0' })).toBe(false);
    expect(matches({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '10.200.3.4' })).toBe(true);
    expect(matches({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:0db8:ffff::1' })).toBe(true);
    expect(matches({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::1' })).toBe(false);
  });

  it('never mixes families and ignores non-addresses', () => {
    expect(matches({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '::1' })).toBe(false);
    expect(matches({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: 'localhost' })).toBe(false);
    expect(matches({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: 167772161 })).toBe(false);
  });

  it('starts the range at the address as written (AWS quirk)', () => {
    expect(matches({ ip: [{ cidr: '10.0.0.5/24' }] }, { ip: '10.0.0.4' })).toBe(false);
    expect(matches({ ip: [{ cidr: '10.0.0.5/24' }] }, { ip: '10.0.0.6' })).toBe(true);
  });

  it('matches a plain IP string against other spellings of the same address', () => {
    expect(matches({ ip: ['2001:db8::1'] }, { ip: '2001:0db8:0000:0000:0000:0000:0000:0001' })).toBe(true);
    expect(matches({ ip: ['10.0.0.1'] }, { ip: '10.0.0.1' })).toBe(true);
  });

  it('rejects malformed blocks', () => {
    expect(rejection({ ip: [{ cidr: '10.0.0.0' }] })).toContain("Malformed CIDR, one '/' required");
    expect(rejection({ ip: [{ cidr: '10.0.0.0/x' }] })).toContain('Malformed CIDR, mask bits must be an integer');
    expect(rejection({ ip: [{ cidr: '10.0.0.0/-1' }] })).toContain('mask bits must not be negative');
    expect(rejection({ ip: [{ cidr: '10.0.0.0/32' }] })).toContain('IPv4 mask bits must be < 32');
    expect(rejection({ ip: [{ cidr: '::/128' }] })).toContain('IPv6 mask bits must be < 128');
    expect(rejection({ ip: [{ cidr: 'host/8' }] })).toContain('Nonstandard IP address: host');
    expect(rejection({ ip: [{ cidr: '10.0.0.300/8' }] })).toContain('Invalid IP address: 10.0.0.300');
    expect(rejection({ ip: [{ cidr: 10 }] })).toContain('prefix match pattern must be a string');
  });
});

describe('wildcard', () => {
  it('matches * as any run of characters', () => {
    expect(matches({ f: [{ wildcard: '*.png' }] }, { f: 'a.png' })).toBe(true);
    expect(matches({ f: [{ wildcard: '*.png' }] }, { f: '.png' })).toBe(true);
    expect(matches({ f: [{ wildcard: 'dir/*/x/*' }] }, { f: 'dir/a/b/x/c' })).toBe(true);
    expect(matches({ f: [{ wildcard: 'dir/*/x/*' }] }, { f: 'dir/x/' })).toBe(false);
    expect(matches({ f: [{ wildcard: 'a*a' }] }, { f: 'a' })).toBe(false);
    expect(matches({ f: [{ wildcard: '*' }] }, { f: 7 })).toBe(false);
    expect(matches({ f: [{ wildcard: '' }] }, { f: '' })).toBe(true);
  });

  it('escapes * and \\ with a backslash', () => {
    expect(matches({ f: [{ wildcard: 'a\\*b' }] }, { f: 'a*b' })).toBe(true);
    expect(matches({ f: [{ wildcard: 'a\\*b' }] }, { f: 'axb' })).toBe(false);
    expect(matches({ f: [{ wildcard: 'a\\\\*' }] }, { f: 'a\\zz' })).toBe(true);
    expect(rejection({ f: [{ wildcard: 'a\\b' }] })).toContain('Invalid escape character at pos 2');
  });

  it('rejects consecutive wildcards and overly complex patterns', () => {
    expect(rejection({ f: [{ wildcard: 'a**' }] })).toContain('Consecutive wildcard characters at pos 2');
    expect(rejection({ f: [{ wildcard: '*a*a*a*a*a*a' }] })).toContain('Rule is too complex');
    expect(() => compilePattern(JSON.stringify({ f: [{ wildcard: '*/lib/*.jar' }] }))).not.toThrow();
    expect(rejection({ f: [{ wildcard: ['x'] }] })).toContain('wildcard match pattern must be a string');
  });
});

describe('$or', () => {
  const pattern = {
    source: ['s'],
    $or: [{ a: ['1'] }, { b: ['2'], $or: [{ c: ['3'] }, { d: ['4'] }] }],
  };

  it('matches when any alternative (nested alternatives included) matches', () => {
    expect(matches(pattern, { source: 's', a: '1' })).toBe(true);
    expect(matches(pattern, { source: 's', b: '2', d: '4' })).toBe(true);
    expect(matches(pattern, { source: 's', b: '2' })).toBe(false);
    expect(matches(pattern, { source: 'x', a: '1' })).toBe(false);
  });

  it('works below the top level', () => {
    const nested = { detail: { $or: [{ x: [1] }, { y: [2] }] } };
    expect(matches(nested, { detail: { y: 2 } })).toBe(true);
    expect(matches(nested, { y: 2 })).toBe(false);
  });

  it('rejects malformed alternatives', () => {
    expect(rejection({ $or: { a: ['1'] } })).toContain('It must be an Array followed with $or.');
    expect(rejection({ $or: [{ a: ['1'] }] })).toContain('There must have at least 2 Objects in $or relationship.');
    expect(rejection({ $or: [{ a: ['1'] }, 'b'] })).toContain(
      'Only JSON object is allowed in array of $or relationship.',
    );
    expect(rejection({ $or: [{ a: ['1'] }, { prefix: ['b'] }] })).toContain(
      'prefix is Ruler reserved fieldName which cannot be used inside $or.',
    );
  });
});

describe('pattern validation', () => {
  it('requires a non-empty object whose leaves are non-empty arrays', () => {
    expect(rejection('[1]')).toContain('Filter is not an object');
    expect(rejection('')).toContain('Filter is not an object');
    expect(rejection('{}')).toContain('Empty objects are not allowed');
    expect(rejection({ a: {} })).toContain('Empty objects are not allowed');
    expect(rejection({ a: [] })).toContain('Empty arrays are not allowed');
    expect(rejection({ a: 'x' })).toContain('"a" must be an object or an array');
    expect(rejection({ a: [['x']] })).toContain('Match value must be String, number, true, false, or null');
    expect(rejection({ a: [{}] })).toContain('Match expression name not found');
    expect(rejection({ a: [{ contains: 'x' }] })).toContain('Unrecognized match type contains');
  });

  it('reports JSON syntax errors with the AWS prefix and a location', () => {
    const message = rejection('{"a": ["x"');
    expect(message).toMatch(/^Event pattern is not valid\. Reason: /);
    expect(message).toContain('line: 1');
    expect(rejection('{"a": ["x"]} trailing')).toContain('expected end of input');
    expect(rejection('{"a": [01]}')).toContain('Invalid numeric value');
  });

  it('reports a semantic error before a later syntax error, like the streaming parser AWS uses', () => {
    expect(rejection('{"a": 1, ')).toContain('"a" must be an object or an array');
  });
});

describe('compile once, match many', () => {
  it('matches thousands of events per second', () => {
    const compiled = compilePattern(
      JSON.stringify({
        source: [{ prefix: 'app.' }],
        detail: {
          amount: [{ numeric: ['>', 10] }],
          ip: [{ cidr: '10.0.0.0/8' }],
          tags: { k: [{ wildcard: 'env-*' }] },
        },
      }),
    );
    const event = {
      source: 'app.orders',
      detail: {
        amount: 42,
        ip: '10.1.2.3',
        tags: [{ k: 'team-a' }, { k: 'env-prod' }],
        other: { big: 'x'.repeat(1000) },
      },
    };
    let matched = 0;
    for (let i = 0; i < 10_000; i++) if (compiled.matches(event)) matched++;
    expect(matched).toBe(10_000);
  });
});
