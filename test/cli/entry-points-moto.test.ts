// Cross-check on moto, an independent emulator, read back with boto3: setup's buckets (seed objects,
// notification configuration), HTTP API (routes, integrations, stage, access log) and function URL are what
// AWS's APIs report, a second setup has no changes, `call` refuses moto's AWS-named invoke URL, teardown
// removes it all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from '../../src/commands/setup.js';
import { teardown } from '../../src/commands/teardown.js';
import { runCall } from '../../src/commands/call.js';
import { runPython } from '../helpers/engine.js';
import { startMoto, type MotoServer } from '../helpers/moto.js';
import { captureContext, copyStack } from '../fixtures/stacks/project.js';

let moto: MotoServer;
let project: ReturnType<typeof copyStack>;

beforeAll(async () => {
  moto = await startMoto();
  project = copyStack('entry-points');
}, 60_000);
afterAll(async () => {
  await moto?.stop();
  project?.remove();
});

const ctx = () => captureContext(project.dir, { endpoint: moto.url }).ctx;

const READ_BACK = String.raw`
import json, boto3
s3 = boto3.client('s3')
v2 = boto3.client('apigatewayv2')
lam = boto3.client('lambda')
notif = s3.get_bucket_notification_configuration(Bucket='entry-uploads')
keys = [o['Key'] for o in s3.list_objects_v2(Bucket='entry-uploads').get('Contents', [])]
api = [a for a in v2.get_apis()['Items'] if a['Name'] == 'entry-api']
out = {'keys': keys, 'lambda': notif.get('LambdaFunctionConfigurations', []), 'queue': notif.get('QueueConfigurations', []), 'apis': len(api)}
if api:
  i = api[0]['ApiId']
  integrations = {x['IntegrationId']: x for x in v2.get_integrations(ApiId=i)['Items']}
  out['routes'] = sorted((r['RouteKey'], integrations[r['Target'].split('/')[1]].get('PayloadFormatVersion'), integrations[r['Target'].split('/')[1]].get('RequestParameters', {}).get('overwrite:path')) for r in v2.get_routes(ApiId=i)['Items'])
  out['stages'] = [(s['StageName'], s.get('AutoDeploy'), s.get('AccessLogSettings', {}).get('DestinationArn')) for s in v2.get_stages(ApiId=i)['Items']]
out['url'] = lam.get_function_url_config(FunctionName='api')['AuthType']
print(json.dumps(out))
`;

describe('buckets, APIs and function URLs on moto', () => {
  it('setup creates what boto3 then reads back; a second setup has no changes', async () => {
    const first = await setup({}, ctx());
    expect(first.applied).toBe(true);
    expect(first.changes.filter((c) => c.action === 'create').map((c) => c.resource.type)).toEqual(
      expect.arrayContaining(['bucket', 'api', 'notification', 'function-url', 'permission']),
    );
    const read = JSON.parse(await runPython(READ_BACK, moto.url)) as Record<string, any>;
    expect(read.keys).toEqual(['job_offers/seed.csv']);
    expect(read.lambda).toEqual([
      expect.objectContaining({
        LambdaFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:worker',
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'job_offers/' }, { Name: 'suffix', Value: '.csv' }] } },
      }),
    ]);
    expect(read.queue).toEqual([expect.objectContaining({ QueueArn: 'arn:aws:sqs:us-east-1:000000000000:uploads' })]);
    expect(read.routes).toEqual([
      ['ANY /{proxy+}', '2.0', '$request.path'],
      ['GET /items/{id}', '1.0', null],
    ]);
    expect(read.stages).toEqual([['dev', true, 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/apigateway/entry-api']]);
    expect(read.url).toBe('NONE');

    const second = await setup({}, ctx());
    expect(second.changes.filter((c) => c.action !== 'noop')).toEqual([]);
  }, 60_000);

  it('call refuses the AWS host name moto reports, sending nothing', async () => {
    await expect(runCall({ method: 'GET', path: '/x', api: 'entry-api' }, ctx())).rejects.toMatchObject({ code: 'RemoteInvokeUrl' });
  });

  it('teardown empties and deletes the bucket, deletes the API', async () => {
    const down = await teardown(ctx());
    expect(down.deletions.map((c) => c.resource.type)).toEqual(expect.arrayContaining(['bucket', 'api', 'function-url']));
    const gone = JSON.parse(
      await runPython(
        "import json, boto3\nb=[x['Name'] for x in boto3.client('s3').list_buckets()['Buckets']]\na=boto3.client('apigatewayv2').get_apis()['Items']\nprint(json.dumps({'buckets': b, 'apis': len(a)}))",
        moto.url,
      ),
    );
    expect(gone).toEqual({ buckets: [], apis: 0 });
  }, 60_000);
});
