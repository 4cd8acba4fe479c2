import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, runPython, startTestEngine } from '../helpers/engine.js';

let engine: Engine;
let ddb: DynamoDBClient;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  engine = await startTestEngine();
  ddb = new DynamoDBClient(clientConfig(engine.url));
  doc = DynamoDBDocumentClient.from(ddb);
});
afterAll(async () => {
  ddb.destroy();
  await engine.stop();
});

const createCounterTable = (client: DynamoDBClient, name: string) =>
  client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'Name', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'Name', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );

describe('DynamoDB on the engine port', () => {
  it('creates a table that is ACTIVE at once and updates an item atomically', async () => {
    await createCounterTable(ddb, 'Distance');
    const described = await ddb.send(new DescribeTableCommand({ TableName: 'Distance' }));
    expect(described.Table?.TableStatus).toBe('ACTIVE');
    await doc.send(new PutCommand({ TableName: 'Distance', Item: { Name: 'Distance', Distance: 0 } }));
    await Promise.all(
      Array.from({ length: 20 }, () =>
        doc.send(new UpdateCommand({ TableName: 'Distance', Key: { Name: 'Distance' }, UpdateExpression: 'SET Distance = Distance + :one', ExpressionAttributeValues: { ':one': 1 } })),
      ),
    );
    const item = await doc.send(new GetCommand({ TableName: 'Distance', Key: { Name: 'Distance' } }));
    expect(item.Item?.Distance).toBe(20);
  });

  it('reports a missing table the way AWS does', async () => {
    await expect(ddb.send(new DescribeTableCommand({ TableName: 'Nope' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('rejects SET on a missing attribute with a ValidationException, as AWS does', async () => {
    await doc.send(new PutCommand({ TableName: 'Distance', Item: { Name: 'other' } }));
    await expect(
      doc.send(new UpdateCommand({ TableName: 'Distance', Key: { Name: 'other' }, UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': 1 } })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('survives an aborted request (a dynalite defect that would kill the process)', async () => {
    await new Promise<void>((resolve) => {
      const req = request(engine.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem', 'content-length': '5000', authorization: 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x' },
      });
      req.on('error', () => resolve());
      req.write('{"TableName":');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 20);
    });
    const described = await ddb.send(new DescribeTableCommand({ TableName: 'Distance' }));
    expect(described.Table?.TableName).toBe('Distance');
  });

  it('answers boto3 (independent client)', async () => {
    const script = `
import boto3
c = boto3.client('dynamodb')
c.put_item(TableName='Distance', Item={'Name': {'S': 'boto'}, 'Distance': {'N': '7'}})
print(c.get_item(TableName='Distance', Key={'Name': {'S': 'boto'}})['Item']['Distance']['N'])
`;
    const out = await runPython(script, engine.url);
    expect(out.trim()).toBe('7');
  });

  it('keeps tables across restarts with persist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evlab-ddb-'));
    try {
      const first = await startTestEngine({ persist: dir });
      const c1 = new DynamoDBClient(clientConfig(first.url));
      await createCounterTable(c1, 'Kept');
      await DynamoDBDocumentClient.from(c1).send(new PutCommand({ TableName: 'Kept', Item: { Name: 'a', v: 1 } }));
      c1.destroy();
      await first.stop();
      const second = await startTestEngine({ persist: dir });
      const c2 = new DynamoDBClient(clientConfig(second.url));
      const item = await DynamoDBDocumentClient.from(c2).send(new GetCommand({ TableName: 'Kept', Key: { Name: 'a' } }));
      expect(item.Item?.v).toBe(1);
      c2.destroy();
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
