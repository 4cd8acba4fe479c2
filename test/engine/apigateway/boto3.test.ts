import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { Engine } from '../../../src/engine/index.js';
import { BOTO3_PRELUDE, clientConfig, runAws, runPython, startTestEngine } from '../../helpers/engine.js';
import { createActive, requirePython3, zipFixture } from '../../fixtures/lambda/helpers.js';

// boto3 (botocore's own REST-JSON serializers for apigatewayv2, apigateway and lambda) and the aws CLI as
// independent clients of the control planes, and Python's urllib as an independent client of the invoke URLs.
let engine: Engine;
let functionArn: string;
beforeAll(async () => {
  requirePython3();
  engine = await startTestEngine();
  const lambda = new LambdaClient(clientConfig(engine.url));
  functionArn = (await createActive(lambda, { FunctionName: 'py-echo', Code: { ZipFile: await zipFixture('http-echo') } })).FunctionArn!;
});
afterAll(() => engine?.stop());

const SCRIPT = (fnArn: string) => String.raw`${BOTO3_PRELUDE}
import urllib.request, urllib.error, os
ENDPOINT = os.environ['AWS_ENDPOINT_URL']
FN = '${fnArn}'
v2 = boto3.client('apigatewayv2')
v1 = boto3.client('apigateway')
lam = boto3.client('lambda')
out = {}
def http(url, method='GET'):
  try:
    with urllib.request.urlopen(urllib.request.Request(url, method=method)) as r:
      return {'status': r.status, 'body': json.loads(r.read() or b'null')}
  except urllib.error.HTTPError as e:
    return {'status': e.code, 'body': json.loads(e.read() or b'null')}

api = v2.create_api(Name='py-api', ProtocolType='HTTP')
out['api'] = pick(api, 'Name', 'ProtocolType', 'RouteSelectionExpression', 'ApiKeySelectionExpression', 'DisableExecuteApiEndpoint')
out['endpoint_ok'] = api['ApiEndpoint'] == ENDPOINT + '/_aws/execute-api/' + api['ApiId']
integ = v2.create_integration(ApiId=api['ApiId'], IntegrationType='AWS_PROXY', IntegrationUri=FN, PayloadFormatVersion='2.0',
                              RequestParameters={'append:header.x-from': 'mapping'})
out['integration'] = pick(integ, 'IntegrationType', 'PayloadFormatVersion', 'TimeoutInMillis', 'ConnectionType', 'IntegrationMethod', 'RequestParameters')
route = v2.create_route(ApiId=api['ApiId'], RouteKey='GET /items/{id}', Target='integrations/' + integ['IntegrationId'])
out['route'] = pick(route, 'RouteKey', 'AuthorizationType', 'ApiKeyRequired')
stage = v2.create_stage(ApiId=api['ApiId'], StageName='$default', AutoDeploy=True)
out['stage'] = pick(stage, 'StageName', 'AutoDeploy')
out['lists'] = {
  'apis': [a['Name'] for a in v2.get_apis()['Items']],
  'routes': [r['RouteKey'] for r in v2.get_routes(ApiId=api['ApiId'])['Items']],
  'stages': [s['StageName'] for s in v2.get_stages(ApiId=api['ApiId'])['Items']],
  'integrations': len(v2.get_integrations(ApiId=api['ApiId'])['Items']),
}
out['errors'] = {
  'get_api': error(lambda: v2.get_api(ApiId='nope000000')),
  'bad_route': error(lambda: v2.create_route(ApiId=api['ApiId'], RouteKey='GET no-slash')),
  'dup_route': error(lambda: v2.create_route(ApiId=api['ApiId'], RouteKey='GET /items/{id}')),
  'integration_in_use': error(lambda: v2.delete_integration(ApiId=api['ApiId'], IntegrationId=integ['IntegrationId'])),
  'websocket': error(lambda: v2.create_api(Name='ws', ProtocolType='WEBSOCKET')),
}
got = http(api['ApiEndpoint'] + '/items/abc')
out['invoke'] = {'status': got['status'], 'routeKey': got['body']['routeKey'], 'pathParameters': got['body']['pathParameters'], 'x-from': got['body']['headers'].get('x-from')}
out['invoke_404'] = http(api['ApiEndpoint'] + '/nothing')

rest = v1.create_rest_api(name='py-rest')
root = [r for r in v1.get_resources(restApiId=rest['id'])['items'] if r['path'] == '/'][0]
res = v1.create_resource(restApiId=rest['id'], parentId=root['id'], pathPart='{proxy+}')
v1.put_method(restApiId=rest['id'], resourceId=res['id'], httpMethod='ANY', authorizationType='NONE')
v1.put_integration(restApiId=rest['id'], resourceId=res['id'], httpMethod='ANY', type='AWS_PROXY', integrationHttpMethod='POST',
                   uri='arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/' + FN + '/invocations')
dep = v1.create_deployment(restApiId=rest['id'], stageName='v1')
out['rest'] = {
  'resource': pick(res, 'path', 'pathPart'),
  'stages': [s['stageName'] for s in v1.get_stages(restApiId=rest['id'])['item']],
  'deployment_has_id': bool(dep['id']),
  'missing': error(lambda: v1.get_rest_api(restApiId='nope000000')),
  'no_methods': error(lambda: v1.create_deployment(restApiId=v1.create_rest_api(name='empty')['id'], stageName='x')),
}
got = http(ENDPOINT + '/_aws/execute-api/' + rest['id'] + '/v1/a/b', 'DELETE')
out['rest_invoke'] = {'status': got['status'], 'resource': got['body']['resource'], 'path': got['body']['path'], 'proxy': got['body']['pathParameters']['proxy']}

url = lam.create_function_url_config(FunctionName='py-echo', AuthType='NONE')
out['url'] = {'auth': url['AuthType'], 'listed': [c['FunctionUrl'] for c in lam.list_function_url_configs(FunctionName='py-echo')['FunctionUrlConfigs']] == [url['FunctionUrl']]}
got = http(url['FunctionUrl'] + 'hello')
out['url_invoke'] = {'status': got['status'], 'rawPath': got['body']['rawPath']}
print(json.dumps(out))
`;

describe('API Gateway and function URLs, cross-checked with boto3 and the aws CLI', () => {
  it('boto3 drives both control planes and reaches the invoke URLs', async () => {
    const out = JSON.parse(await runPython(SCRIPT(functionArn), engine.url));
    expect(out.api).toEqual({
      Name: 'py-api',
      ProtocolType: 'HTTP',
      RouteSelectionExpression: '$request.method $request.path',
      ApiKeySelectionExpression: '$request.header.x-api-key',
      DisableExecuteApiEndpoint: false,
    });
    expect(out.endpoint_ok).toBe(true);
    expect(out.integration).toEqual({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      TimeoutInMillis: 30000,
      ConnectionType: 'INTERNET',
      IntegrationMethod: 'POST',
      RequestParameters: { 'append:header.x-from': 'mapping' },
    });
    expect(out.route).toEqual({ RouteKey: 'GET /items/{id}', AuthorizationType: 'NONE', ApiKeyRequired: false });
    expect(out.stage).toEqual({ StageName: '$default', AutoDeploy: true });
    expect(out.lists).toEqual({ apis: ['py-api'], routes: ['GET /items/{id}'], stages: ['$default'], integrations: 1 });
    expect(out.errors.get_api).toMatchObject({ code: 'NotFoundException', status: 404, message: 'Invalid API identifier specified 000000000000:nope000000' });
    expect(out.errors.bad_route).toMatchObject({ code: 'BadRequestException', status: 400 });
    expect(out.errors.dup_route).toMatchObject({ code: 'ConflictException', status: 409 });
    expect(out.errors.integration_in_use).toMatchObject({ code: 'ConflictException', status: 409 });
    expect(out.errors.websocket).toMatchObject({ code: 'BadRequestException', status: 400 });
    expect(out.invoke).toEqual({ status: 200, routeKey: 'GET /items/{id}', pathParameters: { id: 'abc' }, 'x-from': 'mapping' });
    expect(out.invoke_404).toEqual({ status: 404, body: { message: 'Not Found' } });
    expect(out.rest).toEqual({
      resource: { path: '/{proxy+}', pathPart: '{proxy+}' },
      stages: ['v1'],
      deployment_has_id: true,
      missing: { code: 'NotFoundException', status: 404, message: 'Invalid API identifier specified 000000000000:nope000000' },
      no_methods: { code: 'BadRequestException', status: 400, message: "The REST API doesn't contain any methods" },
    });
    expect(out.rest_invoke).toEqual({ status: 200, resource: '/{proxy+}', path: '/a/b', proxy: 'a/b' });
    expect(out.url).toEqual({ auth: 'NONE', listed: true });
    expect(out.url_invoke).toEqual({ status: 200, rawPath: '/hello' });
  });

  it('the aws CLI lists HTTP APIs and gets an AWS-shaped error from the REST API plane', async () => {
    const apis = await runAws(['apigatewayv2', 'get-apis', '--output', 'json'], engine.url);
    const missing = await runAws(['apigateway', 'get-rest-api', '--rest-api-id', 'nope000000'], engine.url);
    expect(apis.code, apis.stderr).toBe(0);
    expect(JSON.parse(apis.stdout).Items.map((a: { Name: string }) => a.Name)).toEqual(['py-api']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('NotFoundException');
    expect(missing.stderr).toContain('Invalid API identifier specified 000000000000:nope000000');
  });
});
