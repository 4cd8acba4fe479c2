// DynamoDB transactions (built over dynalite) and the request checks AWS makes that dynalite did not, through the
// SDK v3, the document client, boto3, and side by side with moto where moto implements the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  TagResourceCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactGetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Engine } from '../../src/engine/index.js';
import { BOTO3_PRELUDE, clientConfig, runPython, startTestEngine } from '../helpers/engine.js';
import { startMoto, type MotoServer } from '../helpers/moto.js';

let engine: Engine;
let ddb: DynamoDBClient;

beforeAll(async () => {
  engine = await startTestEngine();
  ddb = new DynamoDBClient(clientConfig(engine.url));
  await createTables(ddb);
});
afterAll(async () => {
  ddb?.destroy();
  await engine?.stop();
});

async function createTables(client: DynamoDBClient): Promise<void> {
  await client.send(new CreateTableCommand({ TableName: 'Accounts', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }));
  await client.send(
    new CreateTableCommand({
      TableName: 'Orders',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'customer', AttributeType: 'S' },
        { AttributeName: 'order', AttributeType: 'S' },
        { AttributeName: 'placed', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'customer', KeyType: 'HASH' }, { AttributeName: 'order', KeyType: 'RANGE' }],
      LocalSecondaryIndexes: [{ IndexName: 'byPlaced', KeySchema: [{ AttributeName: 'customer', KeyType: 'HASH' }, { AttributeName: 'placed', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
    }),
  );
}

const account = (id: string) => ({ TableName: 'Accounts', Key: { id: { S: id } } });
async function balance(id: string): Promise<number | undefined> {
  const { Item } = await ddb.send(new GetItemCommand({ ...account(id), ConsistentRead: true }));
  return Item?.balance ? Number(Item.balance.N) : undefined;
}
async function put(id: string, fields: Record<string, { N: string } | { S: string }>): Promise<void> {
  await ddb.send(new PutItemCommand({ TableName: 'Accounts', Item: { id: { S: id }, ...fields } }));
}
function transfer(from: string, to: string, amount: number): TransactWriteItem[] {
  return [
    { Update: { ...account(from), UpdateExpression: 'SET balance = balance - :a', ConditionExpression: 'balance >= :a', ExpressionAttributeValues: { ':a': { N: String(amount) } } } },
    { Update: { ...account(to), UpdateExpression: 'SET balance = balance + :a', ExpressionAttributeValues: { ':a': { N: String(amount) } } } },
  ];
}

describe('TransactWriteItems', () => {
  it('applies Put, Update, Delete and ConditionCheck together', async () => {
    await put('alice', { balance: { N: '100' } });
    await put('gone', { balance: { N: '1' } });
    await put('flag', { open: { S: 'yes' } });
    const result = await ddb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          ...transfer('alice', 'bob-new', 0).slice(0, 1),
          { Put: { TableName: 'Accounts', Item: { id: { S: 'bob' }, balance: { N: '5' } }, ConditionExpression: 'attribute_not_exists(id)' } },
          { Delete: { ...account('gone'), ConditionExpression: 'balance = :one', ExpressionAttributeValues: { ':one': { N: '1' } } } },
          { ConditionCheck: { ...account('flag'), ConditionExpression: '#o = :y', ExpressionAttributeNames: { '#o': 'open' }, ExpressionAttributeValues: { ':y': { S: 'yes' } } } },
        ],
      }),
    );
    expect(result.$metadata.httpStatusCode).toBe(200);
    expect([await balance('alice'), await balance('bob'), await balance('gone')]).toEqual([100, 5, undefined]);
  });

  it('writes nothing when one condition fails, and names every item in CancellationReasons', async () => {
    await put('carol', { balance: { N: '10' } });
    await put('dave', { balance: { N: '0' } });
    const error = await ddb
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 'Accounts', Item: { id: { S: 'erin' }, balance: { N: '1' } } } },
            { Update: { ...transfer('carol', 'dave', 50)[0]!.Update!, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
            transfer('carol', 'dave', 50)[1]!,
            { ConditionCheck: { ...account('nobody'), ConditionExpression: 'attribute_exists(id)' } },
          ],
        }),
      )
      .catch((e: unknown) => e as Record<string, any>);
    expect(error).toMatchObject({
      name: 'TransactionCanceledException',
      message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None, ConditionalCheckFailed]',
      CancellationReasons: [
        { Code: 'None' },
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { id: { S: 'carol' }, balance: { N: '10' } } },
        { Code: 'None' },
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
      ],
    });
    expect(error.CancellationReasons[3]).not.toHaveProperty('Item');
    expect([await balance('erin'), await balance('carol'), await balance('dave')]).toEqual([undefined, 10, 0]);
  });

  it('undoes the writes before one that fails while applying (ValidationError), and keeps the table consistent', async () => {
    await put('frank', { balance: { N: '7' } });
    await put('text', { balance: { S: 'not a number' } });
    const error = await ddb
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 'Accounts', Item: { id: { S: 'grace' }, balance: { N: '3' } } } },
            { Update: { ...account('frank'), UpdateExpression: 'SET balance = balance + :one', ExpressionAttributeValues: { ':one': { N: '1' } } } },
            { Update: { ...account('text'), UpdateExpression: 'SET balance = balance + :one', ExpressionAttributeValues: { ':one': { N: '1' } } } },
          ],
        }),
      )
      .catch((e: unknown) => e as Record<string, any>);
    expect(error.name).toBe('TransactionCanceledException');
    expect(error.CancellationReasons).toEqual([{ Code: 'None' }, { Code: 'None' }, { Code: 'ValidationError', Message: 'An operand in the update expression has an incorrect data type' }]);
    expect([await balance('grace'), await balance('frank')]).toEqual([undefined, 7]);
  });

  it('refuses two actions on one item, more than 100 actions, and malformed actions, before touching anything', async () => {
    const duplicate = ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ ConditionCheck: { ...account('alice'), ConditionExpression: 'attribute_exists(id)' } }, { Delete: account('alice') }] }));
    await expect(duplicate).rejects.toMatchObject({ name: 'ValidationException', message: 'Transaction request cannot include multiple operations on one item' });
    const tooMany = Array.from({ length: 101 }, (_, i): TransactWriteItem => ({ Put: { TableName: 'Accounts', Item: { id: { S: `bulk-${i}` } } } }));
    await expect(ddb.send(new TransactWriteItemsCommand({ TransactItems: tooMany }))).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('Member must have length less than or equal to 100') });
    expect(await ddb.send(new GetItemCommand({ TableName: 'Accounts', Key: { id: { S: 'bulk-0' } } })).then((r) => r.Item)).toBeUndefined();
    const twoKinds = { Put: { TableName: 'Accounts', Item: { id: { S: 'x' } } }, Delete: account('x') };
    await expect(ddb.send(new TransactWriteItemsCommand({ TransactItems: [twoKinds] }))).rejects.toMatchObject({ name: 'ValidationException', message: 'TransactItems can only contain one of Check, Put, Update or Delete' });
    await expect(ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ ConditionCheck: { ...account('x'), ConditionExpression: 'attribute_exists(' } }] }))).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('Invalid ConditionExpression') });
    await expect(ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ Delete: { TableName: 'NoSuchTable', Key: { id: { S: 'x' } } } }] }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('honours ClientRequestToken: a replay changes nothing; another request with the token is a mismatch', async () => {
    await put('counter', { n: { N: '0' } });
    const add = (token: string, by: string) =>
      new TransactWriteItemsCommand({ ClientRequestToken: token, TransactItems: [{ Update: { ...account('counter'), UpdateExpression: 'ADD n :by', ExpressionAttributeValues: { ':by': { N: by } } } }] });
    await ddb.send(add('token-1', '1'));
    await ddb.send(add('token-1', '1'));
    const { Item } = await ddb.send(new GetItemCommand({ ...account('counter'), ConsistentRead: true }));
    expect(Item?.n).toEqual({ N: '1' });
    await expect(ddb.send(add('token-1', '2'))).rejects.toMatchObject({ name: 'IdempotentParameterMismatchException' });
    // The remembered tokens are a bounded store, reported with the engine's others (the SDK sends a token with
    // every TransactWriteItems of its own, so only the growth is known here).
    const tokens = async () => ((await (await fetch(`${engine.url}/_evlab/health`)).json()) as { stores: { dynamodb: Record<string, number> } }).stores.dynamodb;
    const before = await tokens();
    await ddb.send(add('token-2', '2'));
    expect((await ddb.send(new GetItemCommand({ ...account('counter'), ConsistentRead: true }))).Item?.n).toEqual({ N: '3' });
    expect(await tokens()).toEqual({ transactionTokens: before.transactionTokens! + 1, transactionTokensDropped: 0 });
  });

  it('is serializable: concurrent claims of one lock let exactly one win, and concurrent transfers never show a wrong total', async () => {
    await put('lock', { free: { S: 'yes' } });
    const claims = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        ddb.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Update: { ...account('lock'), UpdateExpression: 'SET holder = :me', ConditionExpression: 'attribute_not_exists(holder)', ExpressionAttributeValues: { ':me': { S: `w${i}` } } } },
              { Put: { TableName: 'Accounts', Item: { id: { S: `claim-${i}` } } } },
            ],
          }),
        ),
      ),
    );
    expect(claims.filter((c) => c.status === 'fulfilled')).toHaveLength(1);
    const scanned = await ddb.send(new ScanCommand({ TableName: 'Accounts', FilterExpression: 'begins_with(id, :c)', ExpressionAttributeValues: { ':c': { S: 'claim-' } }, ConsistentRead: true }));
    expect(scanned.Count).toBe(1);

    await put('left', { balance: { N: '50' } });
    await put('right', { balance: { N: '50' } });
    const totals: number[] = [];
    const read = async () => {
      const { Responses = [] } = await ddb.send(new TransactGetItemsCommand({ TransactItems: [{ Get: account('left') }, { Get: account('right') }] }));
      totals.push(Responses.reduce((sum, r) => sum + Number(r.Item?.balance?.N), 0));
    };
    await Promise.all([...Array.from({ length: 10 }, (_, i) => ddb.send(new TransactWriteItemsCommand({ TransactItems: i % 2 ? transfer('left', 'right', 3) : transfer('right', 'left', 2) }))), ...Array.from({ length: 10 }, read)]);
    expect(new Set(totals)).toEqual(new Set([100]));
    expect((await balance('left'))! + (await balance('right'))!).toBe(100);
  });

  it('works through the document client (lib-dynamodb)', async () => {
    const doc = DynamoDBDocumentClient.from(ddb);
    await doc.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: 'Accounts', Item: { id: 'doc', balance: 12, tags: new Set(['a']) } } }] }));
    const { Responses } = await doc.send(new TransactGetCommand({ TransactItems: [{ Get: { TableName: 'Accounts', Key: { id: 'doc' }, ProjectionExpression: 'balance' } }, { Get: { TableName: 'Accounts', Key: { id: 'nobody' } } }] }));
    expect(Responses).toEqual([{ Item: { balance: 12 } }, {}]);
  });

  it('returns ItemCollectionMetrics for a table with a local secondary index', async () => {
    const result = await ddb.send(
      new TransactWriteItemsCommand({
        ReturnItemCollectionMetrics: 'SIZE',
        TransactItems: [{ Put: { TableName: 'Orders', Item: { customer: { S: 'c1' }, order: { S: 'o1' }, placed: { S: '2026-01-01' } } } }, { Put: { TableName: 'Accounts', Item: { id: { S: 'metrics' } } } }],
      }),
    );
    expect(result.ItemCollectionMetrics).toEqual({ Orders: [{ ItemCollectionKey: { customer: { S: 'c1' } }, SizeEstimateRangeGB: [0, 1] }] });
  });
});

describe('TransactGetItems', () => {
  it('reads items in order, {} for a missing one, and refuses one item twice', async () => {
    await put('heidi', { balance: { N: '4' } });
    const { Responses } = await ddb.send(new TransactGetItemsCommand({ TransactItems: [{ Get: account('nobody') }, { Get: { ...account('heidi'), ProjectionExpression: 'balance' } }] }));
    expect(Responses).toEqual([{}, { Item: { balance: { N: '4' } } }]);
    await expect(ddb.send(new TransactGetItemsCommand({ TransactItems: [{ Get: account('heidi') }, { Get: account('heidi') }] }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Transaction request cannot include multiple operations on one item',
    });
  });
});

describe('request checks AWS makes before it looks for the table', () => {
  it('Scan: Segment without TotalSegments', async () => {
    await expect(ddb.send(new ScanCommand({ TableName: 'Accounts', Segment: 0 }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'The TotalSegments parameter is required but was not present in the request when Segment parameter is present',
    });
    await expect(ddb.send(new ScanCommand({ TableName: 'Accounts', TotalSegments: 2 }))).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('The Segment parameter is required') });
    const half = await ddb.send(new ScanCommand({ TableName: 'Accounts', Segment: 0, TotalSegments: 2 }));
    expect(half.$metadata.httpStatusCode).toBe(200);
  });

  it('DeleteItem: an invalid ReturnValues on a missing table', async () => {
    await expect(ddb.send(new DeleteItemCommand({ TableName: 'NoSuchTable', Key: { id: { S: 'x' } }, ReturnValues: 'ALL_NEW' }))).rejects.toMatchObject({ name: 'ValidationException', message: 'ReturnValues can only be ALL_OLD or NONE' });
    await expect(ddb.send(new DeleteItemCommand({ TableName: 'NoSuchTable', Key: { id: { S: 'x' } }, ReturnValues: 'ALL_OLD' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('TagResource: a malformed ARN', async () => {
    await expect(ddb.send(new TagResourceCommand({ ResourceArn: 'not-an-arn', Tags: [{ Key: 'k', Value: 'v' }] }))).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('Invalid TableArn') });
    await ddb.send(new TagResourceCommand({ ResourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/Accounts', Tags: [{ Key: 'k', Value: 'v' }] }));
  });

  it('ReturnItemCollectionMetrics SIZE: metrics on a table with an LSI, none without', async () => {
    const written = await ddb.send(new PutItemCommand({ TableName: 'Orders', Item: { customer: { S: 'c2' }, order: { S: 'o1' }, placed: { S: '2026-02-01' } }, ReturnItemCollectionMetrics: 'SIZE' }));
    expect(written.ItemCollectionMetrics).toEqual({ ItemCollectionKey: { customer: { S: 'c2' } }, SizeEstimateRangeGB: [0, 1] });
    const updated = await ddb.send(new UpdateItemCommand({ TableName: 'Orders', Key: { customer: { S: 'c2' }, order: { S: 'o1' } }, UpdateExpression: 'SET note = :n', ExpressionAttributeValues: { ':n': { S: 'x' } }, ReturnItemCollectionMetrics: 'SIZE' }));
    expect(updated.ItemCollectionMetrics?.ItemCollectionKey).toEqual({ customer: { S: 'c2' } });
    const plain = await ddb.send(new PutItemCommand({ TableName: 'Accounts', Item: { id: { S: 'no-lsi' } }, ReturnItemCollectionMetrics: 'SIZE' }));
    expect(plain.ItemCollectionMetrics).toBeUndefined();
  });
});

describe('independent clients and emulators', () => {
  it('boto3 reads the cancellation reasons and the transactional reads', async () => {
    const out = await runPython(
      String.raw`${BOTO3_PRELUDE}
ERROR_EXTRAS = {'reasons': lambda r: r.get('CancellationReasons')}
c = boto3.client('dynamodb')
c.put_item(TableName='Accounts', Item={'id': {'S': 'py'}, 'balance': {'N': '1'}})
failed = error(lambda: c.transact_write_items(TransactItems=[
  {'Put': {'TableName': 'Accounts', 'Item': {'id': {'S': 'py-new'}}}},
  {'ConditionCheck': {'TableName': 'Accounts', 'Key': {'id': {'S': 'py'}}, 'ConditionExpression': 'balance > :b',
                      'ExpressionAttributeValues': {':b': {'N': '5'}}, 'ReturnValuesOnConditionCheckFailure': 'ALL_OLD'}}]))
got = c.transact_get_items(TransactItems=[{'Get': {'TableName': 'Accounts', 'Key': {'id': {'S': 'py'}}}}, {'Get': {'TableName': 'Accounts', 'Key': {'id': {'S': 'py-new'}}}}])['Responses']
print(json.dumps({'failed': failed, 'got': got}))
`,
      engine.url,
    );
    expect(JSON.parse(out)).toEqual({
      failed: {
        code: 'TransactionCanceledException',
        status: 400,
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]',
        reasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { id: { S: 'py' }, balance: { N: '1' } } }],
      },
      got: [{ Item: { id: { S: 'py' }, balance: { N: '1' } } }, {}],
    });
  });

  describe('the same transactions on moto', () => {
    let moto: MotoServer;
    let motoDdb: DynamoDBClient;
    beforeAll(async () => {
      moto = await startMoto();
      motoDdb = new DynamoDBClient(clientConfig(moto.url));
      await createTables(motoDdb);
    });
    afterAll(async () => {
      motoDdb?.destroy();
      await moto?.stop();
    });

    it('cancel and refuse alike', async () => {
      const scenario = async (client: DynamoDBClient) => {
        await client.send(new PutItemCommand({ TableName: 'Accounts', Item: { id: { S: 'm1' }, balance: { N: '1' } } }));
        const cancelled = await client
          .send(
            new TransactWriteItemsCommand({
              TransactItems: [
                { Put: { TableName: 'Accounts', Item: { id: { S: 'm2' } } } },
                { ConditionCheck: { TableName: 'Accounts', Key: { id: { S: 'm1' } }, ConditionExpression: 'balance > :b', ExpressionAttributeValues: { ':b': { N: '5' } } } },
              ],
            }),
          )
          .catch((e: Record<string, any>) => ({ name: e.name, message: e.message, codes: e.CancellationReasons?.map((r: { Code: string }) => r.Code) }));
        const written = (await client.send(new GetItemCommand({ TableName: 'Accounts', Key: { id: { S: 'm2' } }, ConsistentRead: true }))).Item;
        const duplicate = await client
          .send(new TransactWriteItemsCommand({ TransactItems: [{ Delete: { TableName: 'Accounts', Key: { id: { S: 'm1' } } } }, { Put: { TableName: 'Accounts', Item: { id: { S: 'm1' } } } }] }))
          .catch((e: Record<string, any>) => ({ name: e.name, message: e.message }));
        return { cancelled, written, duplicate };
      };
      const [ours, theirs] = [await scenario(ddb), await scenario(motoDdb)];
      expect(ours).toEqual(theirs);
      expect(ours.cancelled).toMatchObject({ name: 'TransactionCanceledException', codes: ['None', 'ConditionalCheckFailed'] });
    });
  });
});
