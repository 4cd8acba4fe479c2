import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { runPython, startTestEngine, BOTO3_PRELUDE } from '../helpers/engine.js';
import { requirePython3 } from '../fixtures/lambda/helpers.js';

// boto3 (botocore's REST-JSON serializer, its waiters and error parsing) over the Lambda operations
// lambda-boto3.test.ts leaves out, in one python process: a python3.12 handler zipped in memory.
let engine: Engine;
beforeAll(async () => {
  requirePython3();
  engine = await startTestEngine();
});
afterAll(() => engine?.stop());

const SCRIPT = String.raw`${BOTO3_PRELUDE}
import base64, io, json, zipfile, boto3
from botocore.exceptions import ClientError
lam = boto3.client('lambda')
sqs = boto3.client('sqs')
ROLE = 'arn:aws:iam::000000000000:role/lambda-role'

ERROR_EXTRAS = {'type': lambda r: r['ResponseMetadata']['HTTPHeaders'].get('x-amzn-errortype')}
def zipped(source):
  buf = io.BytesIO()
  with zipfile.ZipFile(buf, 'w') as z:
    z.writestr('app.py', source)
  return buf.getvalue()
def invoke(**kw):
  r = lam.invoke(FunctionName='ops-fn', **kw)
  body = r['Payload'].read()
  return {'status': r['StatusCode'], 'error': r.get('FunctionError'), 'version': r.get('ExecutedVersion'),
          'payload': json.loads(body) if body else None, 'log': base64.b64decode(r['LogResult']).decode() if 'LogResult' in r else None}

V1 = """import os
def handler(event, context):
    if event.get('fail'):
        raise ValueError('asked to fail')
    print('v1 got', event.get('n'))
    return {'v': 1, 'n': event.get('n'), 'greeting': os.environ.get('GREETING'), 'mem': context.memory_limit_in_mb}
"""
V2 = V1.replace("'v': 1", "'v': 2")
out = {}
created = lam.create_function(FunctionName='ops-fn', Runtime='python3.12', Handler='app.handler', Role=ROLE,
  Code={'ZipFile': zipped(V1)}, Timeout=5, MemorySize=256, Description='first', Environment={'Variables': {'GREETING': 'hi'}})
lam.get_waiter('function_active_v2').wait(FunctionName='ops-fn', WaiterConfig={'Delay': 1, 'MaxAttempts': 10})
conf = lam.get_function_configuration(FunctionName='ops-fn')
out['config'] = pick(conf, 'FunctionName', 'FunctionArn', 'Runtime', 'Handler', 'Role', 'Timeout', 'MemorySize', 'Description', 'State', 'LastUpdateStatus', 'Version', 'PackageType')
out['config']['env'] = conf['Environment']['Variables']
out['sameSha'] = conf['CodeSha256'] == created['CodeSha256']
out['byArn'] = lam.get_function_configuration(FunctionName=conf['FunctionArn'])['FunctionName']
out['listed'] = [pick(f, 'FunctionName', 'Runtime', 'MemorySize') for f in lam.list_functions()['Functions']]

# Invoke: RequestResponse with a tail, a handled error, DryRun and Event
out['ok'] = invoke(Payload=json.dumps({'n': 1}), LogType='Tail')
out['failed'] = invoke(Payload=json.dumps({'fail': True}))
out['dryRun'] = invoke(InvocationType='DryRun')
out['event'] = invoke(InvocationType='Event', Payload=b'{"n": 2}')

# UpdateFunctionConfiguration, then UpdateFunctionCode, each awaited with function_updated_v2
upd = lam.update_function_configuration(FunctionName='ops-fn', Timeout=10, MemorySize=512, Description='second', Environment={'Variables': {'GREETING': 'hello'}})
out['updConfig'] = pick(upd, 'Timeout', 'MemorySize', 'Description', 'LastUpdateStatus')
lam.get_waiter('function_updated_v2').wait(FunctionName='ops-fn', WaiterConfig={'Delay': 1, 'MaxAttempts': 10})
out['afterConfig'] = invoke(Payload=json.dumps({'n': 3}))['payload']
code = lam.update_function_code(FunctionName='ops-fn', ZipFile=zipped(V2))
out['updCode'] = {'changedSha': code['CodeSha256'] != created['CodeSha256'], 'status': code.get('LastUpdateStatus')}
lam.get_waiter('function_updated_v2').wait(FunctionName='ops-fn', WaiterConfig={'Delay': 1, 'MaxAttempts': 10})
got = lam.get_function(FunctionName='ops-fn')
out['afterCode'] = {'sha': got['Configuration']['CodeSha256'] == code['CodeSha256'], 'status': got['Configuration']['LastUpdateStatus'],
                    'payload': invoke(Payload=json.dumps({'n': 4}))['payload']}

# Resource policy
fn_arn = conf['FunctionArn']
perm = lam.add_permission(FunctionName='ops-fn', StatementId='from-events', Action='lambda:InvokeFunction', Principal='events.amazonaws.com',
  SourceArn='arn:aws:events:us-east-1:000000000000:rule/r')
out['statement'] = json.loads(perm['Statement'])
lam.add_permission(FunctionName='ops-fn', StatementId='from-s3', Action='lambda:InvokeFunction', Principal='s3.amazonaws.com')
policy = lam.get_policy(FunctionName='ops-fn')
out['policy'] = {'sids': [s['Sid'] for s in json.loads(policy['Policy'])['Statement']], 'hasRevision': bool(policy.get('RevisionId'))}
out['dupPermission'] = error(lambda: lam.add_permission(FunctionName='ops-fn', StatementId='from-s3', Action='lambda:InvokeFunction', Principal='s3.amazonaws.com'))
lam.remove_permission(FunctionName='ops-fn', StatementId='from-s3')
out['policyAfterRemove'] = [s['Sid'] for s in json.loads(lam.get_policy(FunctionName='ops-fn')['Policy'])['Statement']]
out['removeMissingSid'] = error(lambda: lam.remove_permission(FunctionName='ops-fn', StatementId='from-s3'))
lam.remove_permission(FunctionName='ops-fn', StatementId='from-events')
out['noPolicy'] = error(lambda: lam.get_policy(FunctionName='ops-fn'))

# Event invoke config
dlq = sqs.create_queue(QueueName='fn-failures')['QueueUrl']
dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
put = lam.put_function_event_invoke_config(FunctionName='ops-fn', MaximumRetryAttempts=0, MaximumEventAgeInSeconds=120,
  DestinationConfig={'OnFailure': {'Destination': dlq_arn}})
out['eic'] = pick(put, 'FunctionArn', 'MaximumRetryAttempts', 'MaximumEventAgeInSeconds', 'DestinationConfig')
got_eic = lam.get_function_event_invoke_config(FunctionName='ops-fn')
out['eicGot'] = pick(got_eic, 'FunctionArn', 'MaximumRetryAttempts', 'MaximumEventAgeInSeconds', 'DestinationConfig')
out['eicHasTime'] = 'LastModified' in got_eic
# A failing Event invocation, with no retries, lands on the OnFailure queue.
lam.invoke(FunctionName='ops-fn', InvocationType='Event', Payload=json.dumps({'fail': True}))
msgs = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=10).get('Messages', [])
record = json.loads(msgs[0]['Body']) if msgs else {}
out['onFailure'] = {'condition': record.get('requestContext', {}).get('condition'), 'function': record.get('requestContext', {}).get('functionArn'),
                    'payload': record.get('requestPayload'), 'errorType': record.get('responsePayload', {}).get('errorType')}
lam.delete_function_event_invoke_config(FunctionName='ops-fn')
out['eicDeleted'] = error(lambda: lam.get_function_event_invoke_config(FunctionName='ops-fn'))

# Event source mappings (SQS)
src = sqs.create_queue(QueueName='fn-source')['QueueUrl']
src_arn = sqs.get_queue_attributes(QueueUrl=src, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
esm = lam.create_event_source_mapping(FunctionName='ops-fn', EventSourceArn=src_arn, BatchSize=5, Enabled=False)
uuid = esm['UUID']
out['esm'] = pick(esm, 'EventSourceArn', 'FunctionArn', 'BatchSize', 'State')
out['esmListed'] = [[m['UUID'] == uuid, m['State']] for m in lam.list_event_source_mappings(FunctionName='ops-fn')['EventSourceMappings']]
out['esmListedBySource'] = len(lam.list_event_source_mappings(EventSourceArn=src_arn)['EventSourceMappings'])
out['esmGot'] = pick(lam.get_event_source_mapping(UUID=uuid), 'UUID', 'State', 'BatchSize')
out['esmGot']['UUID'] = out['esmGot']['UUID'] == uuid
updated = lam.update_event_source_mapping(UUID=uuid, BatchSize=10, Enabled=True)
out['esmUpdated'] = pick(updated, 'BatchSize', 'State')
deleted = lam.delete_event_source_mapping(UUID=uuid)
out['esmDeleted'] = pick(deleted, 'State')
out['esmMissing'] = error(lambda: lam.get_event_source_mapping(UUID='00000000-0000-0000-0000-000000000000'))

# DeleteFunction and not-found errors
lam.delete_function(FunctionName='ops-fn')
out['afterDelete'] = [f['FunctionName'] for f in lam.list_functions()['Functions']]
out['errors'] = {
  'getConfig': error(lambda: lam.get_function_configuration(FunctionName='ops-fn')),
  'invoke': error(lambda: lam.invoke(FunctionName='ops-fn', Payload=b'{}')),
  'updateCode': error(lambda: lam.update_function_code(FunctionName='ops-fn', ZipFile=zipped(V1))),
  'delete': error(lambda: lam.delete_function(FunctionName='ops-fn')),
  'policy': error(lambda: lam.get_policy(FunctionName='ops-fn')),
}
print(json.dumps(out))
`;

const FN_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:ops-fn';
const notFound = (message: string) => ({ code: 'ResourceNotFoundException', message, status: 404, type: 'ResourceNotFoundException' });

describe('Lambda operations through boto3', () => {
  it('configures, invokes every way, updates (waiters), manages policy, invoke config and mappings, and deletes', async () => {
    const out = JSON.parse(await runPython(SCRIPT, engine.url));
    expect(out.config).toEqual({
      FunctionName: 'ops-fn',
      FunctionArn: FN_ARN,
      Runtime: 'python3.12',
      Handler: 'app.handler',
      Role: 'arn:aws:iam::000000000000:role/lambda-role',
      Timeout: 5,
      MemorySize: 256,
      Description: 'first',
      State: 'Active',
      LastUpdateStatus: 'Successful',
      Version: '$LATEST',
      PackageType: 'Zip',
      env: { GREETING: 'hi' },
    });
    expect(out.sameSha).toBe(true);
    expect(out.byArn).toBe('ops-fn');
    expect(out.listed).toEqual([{ FunctionName: 'ops-fn', Runtime: 'python3.12', MemorySize: 256 }]);

    // Invoke: RequestResponse with the log tail, an unhandled error, DryRun, Event.
    expect(out.ok).toMatchObject({ status: 200, error: null, version: '$LATEST', payload: { v: 1, n: 1, greeting: 'hi', mem: 256 } });
    expect(out.ok.log).toMatch(
      /^START RequestId: [0-9a-f-]{36} Version: \$LATEST\nv1 got 1\nEND RequestId: [0-9a-f-]{36}\nREPORT RequestId: [0-9a-f-]{36}\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 256 MB\tMax Memory Used: \d+ MB/,
    );
    expect(out.failed).toMatchObject({ status: 200, error: 'Unhandled', version: '$LATEST', log: null });
    expect(out.failed.payload).toMatchObject({ errorMessage: 'asked to fail', errorType: 'ValueError' });
    expect(out.failed.payload.stackTrace[0]).toContain("raise ValueError('asked to fail')");
    expect(out.dryRun).toMatchObject({ status: 204, error: null, payload: null });
    expect(out.event).toEqual({ status: 202, error: null, version: null, payload: null, log: null });

    // Updates report InProgress; function_updated_v2 waits for Successful, and invocations see the change.
    expect(out.updConfig).toEqual({ Timeout: 10, MemorySize: 512, Description: 'second', LastUpdateStatus: 'InProgress' });
    expect(out.afterConfig).toEqual({ v: 1, n: 3, greeting: 'hello', mem: 512 });
    expect(out.updCode).toEqual({ changedSha: true, status: 'InProgress' });
    expect(out.afterCode).toEqual({ sha: true, status: 'Successful', payload: { v: 2, n: 4, greeting: 'hello', mem: 512 } });

    // Resource policy.
    expect(out.statement).toEqual({
      Sid: 'from-events',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: FN_ARN,
      Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:events:us-east-1:000000000000:rule/r' } },
    });
    expect(out.policy).toEqual({ sids: ['from-events', 'from-s3'], hasRevision: true });
    expect(out.dupPermission).toEqual({
      code: 'ResourceConflictException',
      message: 'The statement id (from-s3) provided already exists. Please provide a new statement id, or remove the existing statement.',
      status: 409,
      type: 'ResourceConflictException',
    });
    expect(out.policyAfterRemove).toEqual(['from-events']);
    expect(out.removeMissingSid).toEqual(notFound('Statement from-s3 is not found in resource policy.'));
    expect(out.noPolicy).toEqual(notFound('The resource you requested does not exist.'));

    // Event invoke config, and the OnFailure destination it names receiving a failed async invocation.
    const config = {
      FunctionArn: `${FN_ARN}:$LATEST`,
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 120,
      DestinationConfig: { OnSuccess: {}, OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:fn-failures' } },
    };
    expect(out.eic).toEqual(config);
    expect(out.eicGot).toEqual(config);
    expect(out.eicHasTime).toBe(true);
    expect(out.onFailure).toEqual({ condition: 'RetriesExhausted', function: `${FN_ARN}:$LATEST`, payload: { fail: true }, errorType: 'ValueError' });
    expect(out.eicDeleted).toEqual(notFound(`The function ${FN_ARN}:$LATEST doesn't have an EventInvokeConfig`));

    // SQS event source mapping lifecycle and its transitional states.
    expect(out.esm).toEqual({ EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:fn-source', FunctionArn: FN_ARN, BatchSize: 5, State: 'Creating' });
    expect(out.esmListed).toEqual([[true, 'Disabled']]);
    expect(out.esmListedBySource).toBe(1);
    expect(out.esmGot).toEqual({ UUID: true, State: 'Disabled', BatchSize: 5 });
    expect(out.esmUpdated).toEqual({ BatchSize: 10, State: 'Enabling' });
    expect(out.esmDeleted).toEqual({ State: 'Deleting' });
    expect(out.esmMissing).toEqual(notFound('The resource you requested does not exist.'));

    // DeleteFunction; afterwards every call names the missing function.
    expect(out.afterDelete).toEqual([]);
    for (const op of ['getConfig', 'invoke', 'updateCode', 'delete', 'policy']) {
      expect(out.errors[op], op).toEqual(notFound(`Function not found: ${FN_ARN}`));
    }
  });
});
