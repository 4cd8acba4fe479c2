// `evlab upload --trace` on the csv-pipeline starter: the upload's S3 trace reaches the messages s3_to_sqs sent
// (children of its invocation, through the X-Amzn-Trace-Id its SDK sent) and their consumption by sqs_to_dynamo.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setup } from '../../src/commands/setup.js';
import { runUpload, type UploadResult } from '../../src/commands/upload.js';
import type { Engine } from '../../src/engine/index.js';
import { startTestEngine } from '../helpers/engine.js';
import { captureContext } from '../fixtures/stacks/project.js';

const TEMPLATE = fileURLToPath(new URL('../../templates/csv-pipeline', import.meta.url));
let engine: Engine;
let dir: string;

beforeAll(async () => {
  engine = await startTestEngine();
  dir = mkdtempSync(join(tmpdir(), 'evlab-upload-trace-'));
  cpSync(TEMPLATE, dir, { recursive: true });
  writeFileSync(join(dir, 'three.csv'), 'id,city,title,salary\nj-1,Paris,Engineer,40000\nj-2,Lyon,Analyst,41000\nj-3,Nice,Designer,42000\n');
  await setup({}, captureContext(dir, { endpoint: engine.url }).ctx);
});
afterAll(async () => {
  await engine?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function upload(json: boolean) {
  const run = captureContext(dir, { endpoint: engine.url, json });
  const code = await runUpload({ paths: ['three.csv'], bucket: 'job-offers-uploads', prefix: 'job_offers/', trace: true }, run.ctx);
  return { code, stdout: run.stdout() };
}

describe('evlab upload --trace', () => {
  it('draws the object change, the function it ran, and the messages that function sent with their consumption', async () => {
    const { code, stdout } = await upload(true);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as UploadResult;
    const [traced] = result.traces!.traces;
    expect(traced.key).toBe('job_offers/three.csv');
    expect(traced.trace).toMatchObject({ kind: 's3', status: 'processed' });
    const invocation = traced.trace!.steps.find((s) => s.type === 'invocation')!;
    expect(invocation).toMatchObject({ function: 's3_to_sqs', ok: true });
    expect(traced.children).toHaveLength(3);
    for (const child of traced.children) {
      expect(child).toMatchObject({ kind: 'message', status: 'processed', parent: traced.trace!.id, causedBy: invocation.requestId });
      expect(child.steps.find((s) => s.type === 'invocation')).toMatchObject({ function: 'sqs_to_dynamo', ok: true });
    }

    const text = await upload(false);
    const lines = text.stdout.split('\n');
    const tree = lines.slice(lines.indexOf('Traces') + 1);
    expect(tree[0]).toMatch(/^ {2}✓ three\.csv → s3 ObjectCreated:Put job-offers-uploads\/job_offers\/three\.csv → s3_to_sqs ✓ {2}\S+$/);
    expect(tree[1]).toMatch(/^ {4}↳ s3_to_sqs \(request [0-9a-f-]{36}\) caused 3 messages:$/);
    for (const line of tree.slice(2, 5)) expect(line).toMatch(/^ {6}✓ message [0-9a-f-]{36} → queue job_offers_queue → sqs_to_dynamo ✓$/);
    expect(tree[5]).toBe('  1 object traced: 1 processed; they caused 3 traces: 3 processed');
  });
});
