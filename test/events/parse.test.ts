import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEventFile } from '../../src/events/parse.js';
import { scanJson } from '../../src/events/json-text.js';

const fixtures = join(import.meta.dirname, '../fixtures/events');
const read = (name: string) => parseEventFile(readFileSync(join(fixtures, name), 'utf8'), name);

describe('parseEventFile', () => {
  it('reads a PutEvents entries array with the line where each entry starts', () => {
    const parsed = read('entries.json');
    expect(parsed.problems).toEqual([]);
    expect(parsed.format).toBe('entries');
    expect(parsed.items.map((i) => [i.index, i.line])).toEqual([
      [1, 2],
      [2, 7],
    ]);
  });

  it('reads a PutEvents request {"Entries": [...]}', () => {
    const parsed = read('request.json');
    expect(parsed.format).toBe('put-events-request');
    expect(parsed.items).toHaveLength(1);
    expect(parsed.items[0]!.line).toBe(3);
  });

  it('reads one full event envelope', () => {
    const parsed = read('envelope.json');
    expect(parsed.format).toBe('event');
    expect(parsed.items).toHaveLength(1);
  });

  it('reads NDJSON by extension, skipping blank lines and keeping line numbers', () => {
    const parsed = read('events.ndjson');
    expect(parsed.format).toBe('ndjson');
    expect(parsed.items.map((i) => [i.index, i.line])).toEqual([
      [1, 1],
      [2, 3],
      [3, 4],
    ]);
  });

  it('recognises NDJSON content in a .json file', () => {
    const parsed = parseEventFile('{"source":"a","detail-type":"b","detail":{}}\n{"source":"a","detail-type":"c","detail":{}}\n', 'x.json');
    expect(parsed.format).toBe('ndjson');
    expect(parsed.items).toHaveLength(2);
  });

  it('reports a JSON syntax error with file:line:column', () => {
    const parsed = read('broken.json');
    expect(parsed.items).toEqual([]);
    expect(parsed.problems).toEqual([expect.objectContaining({ path: 'broken.json:3:21', message: expect.stringContaining('missing comma') })]);
  });

  it('reports NDJSON syntax errors per line and keeps the other entries', () => {
    const parsed = parseEventFile('{"source":"a","detail-type":"b","detail":{}}\n{"source": oops}\n', 'e.ndjson');
    expect(parsed.items).toHaveLength(1);
    expect(parsed.problems).toEqual([expect.objectContaining({ path: 'e.ndjson:2:12' })]);
  });

  it('says so when a file has no events or the wrong shape', () => {
    expect(parseEventFile('[]', 'e.json').problems[0]!.message).toMatch(/no events/);
    expect(parseEventFile('{"Entries": []}', 'e.json').problems[0]!.message).toMatch(/no events/);
    expect(parseEventFile('"text"', 'e.json').problems[0]!.message).toMatch(/expected events, found a string/);
    expect(parseEventFile('{"Entries": {}}', 'e.json').problems[0]!.path).toBe('e.json:Entries');
    expect(parseEventFile('   \n', 'e.json').problems[0]!.path).toBe('e.json:2:1');
  });
});

describe('scanJson', () => {
  it('locates common mistakes', () => {
    const at = (text: string) => {
      try {
        scanJson(text);
        return 'ok';
      } catch (err) {
        const e = err as { position: { line: number; column: number }; message: string };
        return `${e.position.line}:${e.position.column} ${e.message}`;
      }
    };
    expect(at('{"a": 1,}')).toBe('1:9 trailing comma before }');
    expect(at("{'a': 1}")).toMatch(/^1:2 unexpected '/);
    expect(at('[1,\n 2\n')).toBe('3:1 unexpected end of file in an array (expected , or ])');
    expect(at('{"a": 1} {"b": 2}')).toMatch(/^1:10 unexpected "{" after the end/);
    expect(at('\ufeff[1]')).toBe('ok');
    expect(at('// hi\n[]')).toMatch(/^1:1 comments/);
    expect(at('[1,]')).toBe('1:4 trailing comma before ]');
    expect(at('{"a" 1}')).toBe('1:6 unexpected "1" after the property name "a" (expected :)');
    expect(at('{"a": 1 "b": 2}')).toBe('1:9 missing comma after the value of "a"');
    expect(at('{"a": 1 x}')).toBe('1:9 unexpected "x" after the value of "a" (expected , or })');
    expect(at('{"a": "ok\\q"}')).toBe('1:10 invalid escape \\q in string');
    expect(at('{"a": "abc')).toBe('1:7 unterminated string');
    expect(at('{"a": tru}')).toBe('1:7 unexpected "t" where a value was expected');
  });
});
