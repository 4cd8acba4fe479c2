import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFunctionRef } from '../../src/engine/lambda/arn.js';
import { LogTail, reportLine } from '../../src/engine/lambda/logs.js';
import { LineSplitter, lineToMessage } from '../../src/engine/lambda/output-lines.js';
import { batchItemFailures } from '../../src/engine/lambda/sqs-event.js';
import { unzipTo } from '../../src/engine/lambda/zip.js';
import { makeZip } from '../fixtures/lambda/zip.js';

const scratch = mkdtempSync(join(tmpdir(), 'evlab-lambda-units-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('Lambda building blocks', () => {
  it('reads every form of FunctionName', () => {
    expect(parseFunctionRef('fn')).toEqual({ name: 'fn', qualifier: undefined });
    expect(parseFunctionRef('fn:$LATEST')).toEqual({ name: 'fn', qualifier: '$LATEST' });
    expect(parseFunctionRef('123456789012:function:fn:prod')).toEqual({ account: '123456789012', name: 'fn', qualifier: 'prod' });
    expect(parseFunctionRef('arn:aws:lambda:eu-west-1:123456789012:function:fn')).toEqual({ region: 'eu-west-1', account: '123456789012', name: 'fn', qualifier: undefined });
    expect(() => parseFunctionRef('no spaces')).toThrow(/failed to satisfy constraint: Member must satisfy regular expression pattern/);
    expect(() => parseFunctionRef(undefined)).toThrow(/Value null at 'functionName'/);
  });

  it('unpacks with permissions and stops at the unzipped size limit', async () => {
    const zip = Buffer.from(await makeZip({ 'bootstrap': { content: '#!/bin/sh\n', mode: 0o755 }, 'dir/data.txt': 'hello' }));
    const target = join(scratch, 'ok');
    await unzipTo(zip, target);
    expect(statSync(join(target, 'bootstrap')).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(target, 'dir/data.txt'), 'utf8')).toBe('hello');
    const big = Buffer.from(await makeZip({ 'big.txt': 'x'.repeat(5000) }));
    await expect(unzipTo(big, join(scratch, 'big'), 4096)).rejects.toMatchObject({ code: 'InvalidParameterValueException', message: 'Unzipped size must be smaller than 4096 bytes' });
  });

  it('splits output into lines and sees the flush mark, even after a partial line', () => {
    const lines: string[] = [];
    let marks = 0;
    const splitter = new LineSplitter('MARK', (l) => lines.push(l), () => marks++);
    splitter.push(Buffer.from('one\ntw'));
    splitter.push(Buffer.from('o\npartialMARK\n'));
    splitter.push(Buffer.from([0xe2, 0x82]));
    splitter.push(Buffer.from([0xac, 0x0a]));
    splitter.end();
    expect(lines).toEqual(['one', 'two', 'partial', '€']);
    expect(marks).toBe(1);
    expect(lineToMessage('a\rb\r')).toBe('a\nb\n');
  });

  it('keeps the last 4 KB of a log for the tail', () => {
    const tail = new LogTail();
    for (let i = 0; i < 1000; i++) tail.push(`line ${i}\n`);
    const text = Buffer.from(tail.encode(), 'base64').toString('utf8');
    expect(Buffer.byteLength(text)).toBe(4096);
    expect(text.endsWith('line 999\n')).toBe(true);
  });

  it('formats REPORT as Lambda does', () => {
    expect(reportLine('id', 12.345, 128, 40, 150.5)).toBe('REPORT RequestId: id\tDuration: 12.35 ms\tBilled Duration: 163 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 150.50 ms\t\n');
  });

  it('reads partial batch responses', () => {
    const ids = new Set(['a', 'b']);
    expect(batchItemFailures(Buffer.from('null'), ids)).toEqual(new Set());
    expect(batchItemFailures(Buffer.from('{"batchItemFailures":[]}'), ids)).toEqual(new Set());
    expect(batchItemFailures(Buffer.from('{"batchItemFailures":[{"itemIdentifier":"b"}]}'), ids)).toEqual(new Set(['b']));
    expect(batchItemFailures(Buffer.from('{"batchItemFailures":[{"itemIdentifier":"zzz"}]}'), ids)).toBeUndefined();
    expect(batchItemFailures(Buffer.from('"oops"'), ids)).toBeUndefined();
    // AWS: an empty response and an empty object succeed; an empty, null or misnamed identifier fails the batch.
    expect(batchItemFailures(Buffer.from(''), ids)).toEqual(new Set());
    expect(batchItemFailures(Buffer.from('{}'), ids)).toEqual(new Set());
    for (const item of ['{"itemIdentifier":""}', '{"itemIdentifier":null}', '{"id":"a"}']) {
      expect(batchItemFailures(Buffer.from(`{"batchItemFailures":[${item}]}`), ids)).toBeUndefined();
    }
  });
});
