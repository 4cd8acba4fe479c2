import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { runPython, startTestEngine, BOTO3_PRELUDE } from '../helpers/engine.js';

// boto3 (botocore's JSON 1.0 serializer, its CRC32 check, waiters and paginators) over the DynamoDB item and table
// operations, in one python process.
let engine: Engine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine?.stop());

const SCRIPT = String.raw`${BOTO3_PRELUDE}
import json, time, boto3
from decimal import Decimal
from botocore.exceptions import ClientError
c = boto3.client('dynamodb')

ERROR_EXTRAS = {'item': lambda r: r.get('Item')}

out = {}
out['tablesBefore'] = c.list_tables()['TableNames']  # also loads dynalite, so the timing below is CreateTable's own
t0 = time.time()
created = c.create_table(TableName='Orders', BillingMode='PAY_PER_REQUEST',
  AttributeDefinitions=[{'AttributeName': 'pk', 'AttributeType': 'S'}, {'AttributeName': 'sk', 'AttributeType': 'N'}],
  KeySchema=[{'AttributeName': 'pk', 'KeyType': 'HASH'}, {'AttributeName': 'sk', 'KeyType': 'RANGE'}])['TableDescription']
out['createSeconds'] = time.time() - t0
out['created'] = {k: created.get(k) for k in ('TableName', 'TableArn', 'KeySchema')}
c.get_waiter('table_exists').wait(TableName='Orders', WaiterConfig={'Delay': 1, 'MaxAttempts': 10})
desc = c.describe_table(TableName='Orders')['Table']
out['described'] = {'status': desc['TableStatus'], 'billing': desc.get('BillingModeSummary', {}).get('BillingMode'), 'count': desc['ItemCount'],
                    'attrs': sorted([a['AttributeName'], a['AttributeType']] for a in desc['AttributeDefinitions'])}
out['tables'] = c.list_tables()['TableNames']

c.put_item(TableName='Orders', Item={'pk': {'S': 'u1'}, 'sk': {'N': '1'}, 'spent': {'N': '10'}, 'tags': {'SS': ['a']}})
old = c.put_item(TableName='Orders', Item={'pk': {'S': 'u1'}, 'sk': {'N': '1'}, 'spent': {'N': '12'}, 'tags': {'SS': ['a']}}, ReturnValues='ALL_OLD')
out['putOld'] = old['Attributes']['spent']
out['got'] = c.get_item(TableName='Orders', Key={'pk': {'S': 'u1'}, 'sk': {'N': '1'}}, ConsistentRead=True)['Item']
out['gotMissing'] = 'Item' in c.get_item(TableName='Orders', Key={'pk': {'S': 'u1'}, 'sk': {'N': '99'}})
out['projected'] = c.get_item(TableName='Orders', Key={'pk': {'S': 'u1'}, 'sk': {'N': '1'}}, ProjectionExpression='#t', ExpressionAttributeNames={'#t': 'spent'})['Item']

# UpdateItem: SET with if_not_exists (first on a missing attribute, then an existing one), ADD to a number and a set
upd = lambda: c.update_item(TableName='Orders', Key={'pk': {'S': 'u1'}, 'sk': {'N': '1'}},
  UpdateExpression='SET created = if_not_exists(created, :now), visits = if_not_exists(visits, :zero) + :one ADD spent :five, tags :more',
  ExpressionAttributeValues={':now': {'S': '2024-01-01'}, ':zero': {'N': '0'}, ':one': {'N': '1'}, ':five': {'N': '5'}, ':more': {'SS': ['b']}},
  ReturnValues='UPDATED_NEW')['Attributes']
out['update1'] = upd()
c.update_item(TableName='Orders', Key={'pk': {'S': 'u1'}, 'sk': {'N': '1'}}, UpdateExpression='SET created = :later', ExpressionAttributeValues={':later': {'S': '2025-06-01'}})
out['update2'] = upd()
out['upsert'] = c.update_item(TableName='Orders', Key={'pk': {'S': 'u9'}, 'sk': {'N': '1'}}, UpdateExpression='ADD hits :one',
  ExpressionAttributeValues={':one': {'N': '1'}}, ReturnValues='ALL_NEW')['Attributes']

# BatchWriteItem: puts and a delete
c.batch_write_item(RequestItems={'Orders': [{'PutRequest': {'Item': {'pk': {'S': 'u2'}, 'sk': {'N': str(i)}, 'spent': {'N': str(i * 10)}}}} for i in range(1, 8)]
  + [{'DeleteRequest': {'Key': {'pk': {'S': 'u9'}, 'sk': {'N': '1'}}}}]})
bg = c.batch_get_item(RequestItems={'Orders': {'Keys': [{'pk': {'S': 'u2'}, 'sk': {'N': '3'}}, {'pk': {'S': 'u9'}, 'sk': {'N': '1'}}]}})
out['batchGet'] = [i['spent']['N'] for i in bg['Responses']['Orders']]

# Query: key condition with a range, descending, a filter, and paging by Limit / LastEvaluatedKey
q = c.query(TableName='Orders', KeyConditionExpression='pk = :p AND sk BETWEEN :a AND :b', ExpressionAttributeValues={':p': {'S': 'u2'}, ':a': {'N': '2'}, ':b': {'N': '5'}}, ScanIndexForward=False)
out['query'] = {'sks': [i['sk']['N'] for i in q['Items']], 'count': q['Count'], 'scanned': q['ScannedCount']}
qf = c.query(TableName='Orders', KeyConditionExpression='pk = :p', FilterExpression='#t > :min', ExpressionAttributeNames={'#t': 'spent'}, ExpressionAttributeValues={':p': {'S': 'u2'}, ':min': {'N': '40'}})
out['queryFiltered'] = {'sks': [i['sk']['N'] for i in qf['Items']], 'count': qf['Count'], 'scanned': qf['ScannedCount']}
pages, key = [], None
while True:
  kw = {'TableName': 'Orders', 'KeyConditionExpression': 'pk = :p', 'ExpressionAttributeValues': {':p': {'S': 'u2'}}, 'Limit': 3}
  if key: kw['ExclusiveStartKey'] = key
  r = c.query(**kw)
  pages.append([i['sk']['N'] for i in r['Items']])
  key = r.get('LastEvaluatedKey')
  if not key: break
out['queryPages'] = pages
out['queryCount'] = c.query(TableName='Orders', KeyConditionExpression='pk = :p', ExpressionAttributeValues={':p': {'S': 'u2'}}, Select='COUNT')['Count']

# Scan: all, filtered, paginator
s = c.scan(TableName='Orders')
out['scan'] = {'count': s['Count'], 'scanned': s['ScannedCount']}
sf = c.scan(TableName='Orders', FilterExpression='attribute_exists(tags)')
out['scanFiltered'] = [[i['pk']['S'], i['sk']['N'], sorted(i['tags']['SS'])] for i in sf['Items']]
out['scanPages'] = [len(p['Items']) for p in c.get_paginator('scan').paginate(TableName='Orders', PaginationConfig={'PageSize': 3})]

# Conditions: ConditionalCheckFailedException (with the old item when asked), then a condition that holds
out['condPut'] = error(lambda: c.put_item(TableName='Orders', Item={'pk': {'S': 'u1'}, 'sk': {'N': '1'}}, ConditionExpression='attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure='ALL_OLD'))
out['condUpdate'] = error(lambda: c.update_item(TableName='Orders', Key={'pk': {'S': 'u2'}, 'sk': {'N': '1'}}, UpdateExpression='SET spent = :z',
  ConditionExpression='spent > :big', ExpressionAttributeValues={':z': {'N': '0'}, ':big': {'N': '1000'}}, ReturnValuesOnConditionCheckFailure='ALL_OLD'))
out['condMissing'] = error(lambda: c.update_item(TableName='Orders', Key={'pk': {'S': 'zz'}, 'sk': {'N': '1'}}, UpdateExpression='SET a = :z',
  ConditionExpression='attribute_exists(pk)', ExpressionAttributeValues={':z': {'N': '0'}}, ReturnValuesOnConditionCheckFailure='ALL_OLD'))
out['condDelete'] = error(lambda: c.delete_item(TableName='Orders', Key={'pk': {'S': 'u2'}, 'sk': {'N': '2'}}, ConditionExpression='spent = :x', ExpressionAttributeValues={':x': {'N': '1'}}))
deleted = c.delete_item(TableName='Orders', Key={'pk': {'S': 'u2'}, 'sk': {'N': '2'}}, ConditionExpression='spent = :x', ExpressionAttributeValues={':x': {'N': '20'}}, ReturnValues='ALL_OLD')
out['deleted'] = deleted['Attributes']
out['afterDelete'] = c.query(TableName='Orders', KeyConditionExpression='pk = :p', ExpressionAttributeValues={':p': {'S': 'u2'}}, Select='COUNT')['Count']

# Errors on a missing table, a wrong key, and DeleteTable
out['errors'] = {
  'describe': error(lambda: c.describe_table(TableName='Nope')),
  'get': error(lambda: c.get_item(TableName='Nope', Key={'pk': {'S': 'x'}})),
  'put': error(lambda: c.put_item(TableName='Nope', Item={'pk': {'S': 'x'}})),
  'query': error(lambda: c.query(TableName='Nope', KeyConditionExpression='pk = :p', ExpressionAttributeValues={':p': {'S': 'x'}})),
  'wrongKey': error(lambda: c.get_item(TableName='Orders', Key={'pk': {'S': 'u1'}})),
  'badUpdate': error(lambda: c.update_item(TableName='Orders', Key={'pk': {'S': 'u1'}, 'sk': {'N': '1'}}, UpdateExpression='SET pk = :x', ExpressionAttributeValues={':x': {'S': 'y'}})),
  'reservedWord': error(lambda: c.update_item(TableName='Orders', Key={'pk': {'S': 'u1'}, 'sk': {'N': '1'}}, UpdateExpression='SET total = :x', ExpressionAttributeValues={':x': {'N': '1'}})),
  'dupTable': error(lambda: c.create_table(TableName='Orders', BillingMode='PAY_PER_REQUEST', AttributeDefinitions=[{'AttributeName': 'pk', 'AttributeType': 'S'}], KeySchema=[{'AttributeName': 'pk', 'KeyType': 'HASH'}])),
}
dt = c.delete_table(TableName='Orders')['TableDescription']
out['deleteTable'] = {'name': dt['TableName'], 'status': dt['TableStatus']}
c.get_waiter('table_not_exists').wait(TableName='Orders', WaiterConfig={'Delay': 0.05, 'MaxAttempts': 100})
out['tablesAfter'] = c.list_tables()['TableNames']
out['errors']['deleteAgain'] = error(lambda: c.delete_table(TableName='Orders'))
print(json.dumps(out))
`;

const conditionFailed = (item: unknown = null) => ({ code: 'ConditionalCheckFailedException', message: 'The conditional request failed', status: 400, item });
const notFound = (message = 'Requested resource not found') => ({ code: 'ResourceNotFoundException', message, status: 400, item: null });
const validation = (message: string) => ({ code: 'ValidationException', message, status: 400, item: null });

describe('DynamoDB operations through boto3', () => {
  it('creates, writes, updates, queries, scans, batches, conditions and deletes as AWS answers', async () => {
    const out = JSON.parse(await runPython(SCRIPT, engine.url));
    // CreateTable answers once the table is ACTIVE (how fast is bench/'s business: figure 2, setup).
    expect(out.tablesBefore).toEqual([]);
    expect(out.created).toEqual({
      TableName: 'Orders',
      TableArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/Orders',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    expect(out.described).toEqual({ status: 'ACTIVE', billing: 'PAY_PER_REQUEST', count: 0, attrs: [['pk', 'S'], ['sk', 'N']] });
    expect(out.tables).toEqual(['Orders']);

    expect(out.putOld).toEqual({ N: '10' });
    expect(out.got).toEqual({ pk: { S: 'u1' }, sk: { N: '1' }, spent: { N: '12' }, tags: { SS: ['a'] } });
    expect(out.gotMissing).toBe(false);
    expect(out.projected).toEqual({ spent: { N: '12' } });
    // if_not_exists sets only what is missing; ADD increments a number and extends a set.
    expect(out.update1).toEqual({ created: { S: '2024-01-01' }, visits: { N: '1' }, spent: { N: '17' }, tags: { SS: ['a', 'b'] } });
    expect(out.update2).toEqual({ created: { S: '2025-06-01' }, visits: { N: '2' }, spent: { N: '22' }, tags: { SS: ['a', 'b'] } });
    expect(out.upsert).toEqual({ pk: { S: 'u9' }, sk: { N: '1' }, hits: { N: '1' } });
    // BatchWriteItem's delete took u9 away; its puts are readable.
    expect(out.batchGet).toEqual(['30']);

    expect(out.query).toEqual({ sks: ['5', '4', '3', '2'], count: 4, scanned: 4 });
    expect(out.queryFiltered).toEqual({ sks: ['5', '6', '7'], count: 3, scanned: 7 });
    expect(out.queryPages).toEqual([['1', '2', '3'], ['4', '5', '6'], ['7']]);
    expect(out.queryCount).toBe(7);
    expect(out.scan).toEqual({ count: 8, scanned: 8 });
    expect(out.scanFiltered).toEqual([['u1', '1', ['a', 'b']]]);
    expect(out.scanPages).toEqual([3, 3, 2]);

    // ConditionalCheckFailedException; with ReturnValuesOnConditionCheckFailure=ALL_OLD it carries the item as it was
    // (for PutItem, UpdateItem; none when there is no item, or when not asked).
    expect(out.condPut).toEqual(
      conditionFailed({ pk: { S: 'u1' }, sk: { N: '1' }, spent: { N: '22' }, tags: { SS: ['a', 'b'] }, created: { S: '2025-06-01' }, visits: { N: '2' } }),
    );
    expect(out.condUpdate).toEqual(conditionFailed({ pk: { S: 'u2' }, sk: { N: '1' }, spent: { N: '10' } }));
    expect(out.condMissing).toEqual(conditionFailed());
    expect(out.condDelete).toEqual(conditionFailed());
    expect(out.deleted).toEqual({ pk: { S: 'u2' }, sk: { N: '2' }, spent: { N: '20' } });
    expect(out.afterDelete).toBe(6);

    const e = out.errors;
    expect(e.describe).toEqual(notFound('Requested resource not found: Table: Nope not found'));
    expect(e.get).toEqual(notFound());
    expect(e.put).toEqual(notFound());
    expect(e.query).toEqual(notFound());
    expect(e.wrongKey).toEqual(validation('The provided key element does not match the schema'));
    expect(e.badUpdate).toEqual(validation('One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key'));
    expect(e.reservedWord).toEqual(validation('Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: total'));
    // dynalite left this message empty; AWS names the table.
    expect(e.dupTable).toEqual({ code: 'ResourceInUseException', message: 'Table already exists: Orders', status: 400, item: null });
    expect(out.deleteTable).toEqual({ name: 'Orders', status: 'DELETING' });
    expect(out.tablesAfter).toEqual([]);
    expect(e.deleteAgain).toEqual(notFound('Requested resource not found: Table: Orders not found'));
  });
});
