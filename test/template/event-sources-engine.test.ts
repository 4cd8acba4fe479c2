import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { setup } from '../../src/commands/setup.js';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { captureContext } from '../fixtures/stacks/project.js';

// S3 → Lambda and HTTP API → Lambda declared as SAM events (test/fixtures/templates/sam-s3-http), set up
// from template.yaml against the engine, then driven as a user would: `evlab upload`, then real HTTP.

const fixture = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/templates/sam-s3-http');
let engine: Engine;
let dir: string;
let ddb: DynamoDBClient;

beforeAll(async () => {
  engine = await startTestEngine();
  ddb = new DynamoDBClient(clientConfig(engine.url));
  dir = mkdtempSync(join(tmpdir(), 'evlab-sam-s3-http-'));
  cpSync(fixture, dir, { recursive: true });
});
afterAll(async () => {
  ddb?.destroy();
  rmSync(dir, { recursive: true, force: true });
  await engine?.stop();
});

const run = (json = false) => captureContext(dir, { endpoint: engine.url, stackName: 'objects', json });

describe('SAM S3 and HttpApi events against the embedded engine', () => {
  it('an upload under incoming/ reaches the function through the bucket notification; the HTTP API serves the record', async () => {
    const result = await setup({}, run().ctx);
    expect(result.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(result.template?.unsupported).toEqual([]);

    const shown = run(true);
    const { runStatus } = await import('../../src/commands/status.js');
    await runStatus({}, shown.ctx);
    const outputs = Object.fromEntries((JSON.parse(shown.stdout()).outputs as { name: string; value: string }[]).map((o) => [o.name, o.value]));
    const bucket = outputs.BucketName!;
    const api = outputs.ApiUrl!;
    expect(bucket).toMatch(/^objects-uploadsbucket-[0-9a-f]{12}$/);
    expect(api).toMatch(new RegExp(`^${engine.url}/_aws/execute-api/[a-z0-9]+/$`));

    // evlab upload --wait returns once the work the notification caused has settled.
    writeFileSync(join(dir, 'report one.csv'), 'a,b\n1,2\n');
    writeFileSync(join(dir, 'ignored.csv'), 'x\n');
    const { runUpload } = await import('../../src/commands/upload.js');
    expect(await runUpload({ paths: [join(dir, 'report one.csv')], bucket, prefix: 'incoming/', wait: true, timeout: 30 }, run().ctx)).toBe(0);
    expect(await runUpload({ paths: [join(dir, 'ignored.csv')], bucket, prefix: 'other/', wait: true, timeout: 30 }, run().ctx)).toBe(0);

    const table = result.changes.find((c) => c.resource.type === 'table')!.resource.name;
    const item = await ddb.send(new GetItemCommand({ TableName: table, Key: { key: { S: 'incoming/report one.csv' } } }));
    expect(item.Item).toMatchObject({ size: { N: '8' }, bucket: { S: bucket }, event: { S: 'ObjectCreated:Put' } });
    // The prefix filter held: nothing was recorded for other/.
    expect((await ddb.send(new GetItemCommand({ TableName: table, Key: { key: { S: 'other/ignored.csv' } } }))).Item).toBeUndefined();

    const found = await fetch(`${api}objects/${encodeURIComponent('report one.csv')}`);
    expect(found.status).toBe(200);
    expect(found.headers.get('content-type')).toBe('application/json');
    expect(await found.json()).toEqual({ key: 'incoming/report one.csv', size: 8, event: 'ObjectCreated:Put', route: 'GET /objects/{key}' });
    const missing = await fetch(`${api}objects/nothing.csv`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: 'no object incoming/nothing.csv' });
    // A method the route does not declare is not served.
    expect((await fetch(`${api}objects/nothing.csv`, { method: 'POST' })).status).toBe(404);
  }, 60_000);
});
