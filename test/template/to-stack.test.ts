import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../../src/errors.js';
import { loadStack } from '../../src/stack/load.js';
import { generatedName } from '../../src/template/names.js';
import { currentRuntime } from '../../src/template/runtimes.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A project folder with these files (a handler file for the functions the tests declare). */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'evlab-template-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries({ 'src/app.py': 'def handler(e, c):\n    return e\n', ...files })) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const load = (dir: string, flags: Record<string, unknown> = {}) => loadStack({ cwd: dir, flags: { stackName: 'shop', ...flags }, env: {} });

async function failure(promise: Promise<unknown>): Promise<ConfigError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

const FN = `
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: src/
      Role: arn:aws:iam::000000000000:role/x`;

describe('intrinsics, parameters, conditions and mappings', () => {
  it('resolves Ref, GetAtt (both forms), Sub (both forms), Join, Split, Select, GetAZs, FindInMap, If and AWS::NoValue', async () => {
    const dir = project({
      'template.yaml': `
Parameters:
  Env: { Type: String, Default: dev }
  Size: { Type: Number, Default: 256 }
Conditions:
  Big: !Not [!Equals [!Ref Size, 128]]
  Prod: !And [!Equals [!Ref Env, prod], !Condition Big]
Mappings:
  Zones: { us-east-1: { Tier: gold } }
Resources:${FN}
      MemorySize: !If [Big, !Ref Size, !Ref AWS::NoValue]
      Timeout: !If [Prod, 30, !Ref AWS::NoValue]
      Environment:
        Variables:
          ARN: !GetAtt [Jobs, Arn]
          NAME: !GetAtt Jobs.QueueName
          SUB: !Sub '\${AWS::StackName}/\${Env}/\${Jobs.QueueName}/\${!Literal}'
          SUB2: !Sub ['\${A}-\${AWS::Region}', { A: !Select [1, !Split [',', 'x,y,z']] }]
          JOIN: !Join ['+', [!Select [0, !GetAZs ''], !FindInMap [Zones, !Ref 'AWS::Region', Tier]]]
          PARTITION: !Sub '\${AWS::Partition}.\${AWS::URLSuffix}.\${AWS::AccountId}'
  Jobs:
    Type: AWS::SQS::Queue
    Properties: { QueueName: !Sub '\${Env}-jobs' }
`,
    });
    const loaded = await load(dir);
    const fn = Object.values(loaded.stack.functions!)[0]!;
    expect(fn.memorySize).toBe(256);
    expect(fn.timeout).toBeUndefined();
    expect(fn.environment).toEqual({
      ARN: 'arn:aws:sqs:us-east-1:000000000000:dev-jobs',
      NAME: 'dev-jobs',
      SUB: 'shop/dev/dev-jobs/${Literal}',
      SUB2: 'y-us-east-1',
      JOIN: 'us-east-1a+gold',
      PARTITION: 'aws.amazonaws.com.000000000000',
    });
    const prod = await load(dir, { parameterOverrides: ['Env=prod', 'Size=512'] });
    expect(Object.values(prod.stack.functions!)[0]).toMatchObject({ memorySize: 512, timeout: 30 });
    expect(Object.keys(prod.stack.queues!)).toEqual(['prod-jobs']);
    expect(prod.template?.parameters).toEqual({ Env: 'prod', Size: '512' });
  });

  it('gives unnamed resources stable CloudFormation-style names within AWS limits', async () => {
    expect(generatedName('shop', 'Fn', 'AWS::Lambda::Function')).toBe(generatedName('shop', 'Fn', 'AWS::Lambda::Function'));
    expect(generatedName('shop', 'Fn', 'AWS::Lambda::Function')).toMatch(/^shop-Fn-[0-9A-F]{12}$/);
    expect(generatedName('a'.repeat(100), 'B'.repeat(100), 'AWS::Lambda::Function')).toHaveLength(64);
    expect(generatedName('shop', 'Orders', 'AWS::SQS::Queue', true)).toMatch(/^shop-Orders-[0-9A-F]{12}\.fifo$/);
    expect(generatedName('Shop', 'Uploads', 'AWS::S3::Bucket')).toMatch(/^shop-uploads-[0-9a-f]{12}$/);
    const loaded = await load(project({ 'template.yaml': `Resources:${FN}` }));
    expect(Object.keys(loaded.stack.functions!)).toEqual([generatedName('shop', 'Fn', 'AWS::Lambda::Function')]);
    expect(loaded.template?.resources.Fn).toMatchObject({ type: 'AWS::Lambda::Function', kind: 'function', line: 2 });
  });

  it('runs a retired runtime on the nearest current one and accepts the newest', () => {
    expect(currentRuntime('python3.6')).toBe('python3.9');
    expect(currentRuntime('nodejs12.x')).toBe('nodejs18.x');
    expect(currentRuntime('nodejs24.x')).toBe('nodejs24.x');
    expect(currentRuntime('python3.14')).toBe('python3.14');
  });
});

describe('template errors name the file, the line and the logical ID; exit 2', () => {
  it('a dangling Ref, with a did-you-mean', async () => {
    const dir = project({ 'template.yaml': `Resources:${FN}\n      Environment: { Variables: { Q: !Ref Jbos } }\n  Jobs: { Type: AWS::SQS::Queue }\n` });
    const err = await failure(load(dir));
    expect(err.code).toBe('TemplateError');
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe('template.yaml:9 (Fn): Ref names "Jbos", which is neither a parameter nor a resource of this template');
    expect(err.hint).toBe('did you mean "Jobs"?');
  });

  it('a circular dependency, with the cycle', async () => {
    const dir = project({
      'template.json': JSON.stringify(
        {
          Resources: {
            A: { Type: 'AWS::SQS::Queue', Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['B', 'Arn'] }, maxReceiveCount: 1 } } },
            B: { Type: 'AWS::SQS::Queue', Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['A', 'Arn'] }, maxReceiveCount: 1 } } },
          },
        },
        null,
        2,
      ),
    });
    const err = await failure(load(dir));
    expect(err.message).toBe('template.json:3 (A): circular dependency: A → B → A');
  });

  it('a bad intrinsic, an import from another stack, an unknown tag, a YAML error', async () => {
    const select = await failure(load(project({ 'template.yaml': `Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Select [4, [a, b]]\n` })));
    expect(select.message).toBe('template.yaml:5 (Q): Fn::Select index 4 is outside the list of 2');
    const imported = await failure(load(project({ 'template.yaml': `Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !ImportValue shared-queue\n` })));
    expect(imported.message).toContain('template.yaml:5 (Q): Fn::ImportValue imports "shared-queue"');
    expect(imported.hint).toContain('--parameter-overrides');
    const tag = await failure(load(project({ 'template.yaml': `Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Reff x\n` })));
    expect(tag.code).toBe('TemplateSyntaxError');
    expect(tag.message).toMatch(/^template\.yaml:5:\d+: !Reff is not a CloudFormation intrinsic function tag$/);
    const yaml = await failure(load(project({ 'template.yaml': `Resources:\n  Q:\n    Type: [AWS::SQS::Queue\n` })));
    expect(yaml.code).toBe('TemplateSyntaxError');
    expect(yaml.message).toMatch(/^template\.yaml:\d+:\d+: /);
  });

  it('a JSON syntax error, an attribute a type does not have, a SAM type without the transform', async () => {
    const json = await failure(load(project({ 'template.json': '{\n  "Resources": {\n    "Q": { "Type": "AWS::SQS::Queue", }\n  }\n}\n' })));
    expect(json.code).toBe('TemplateSyntaxError');
    expect(json.message).toMatch(/^template\.json:3:\d+: JSON syntax error: /);
    const attr = await failure(load(project({ 'template.yaml': `Resources:${FN}\n      Description: !GetAtt Jobs.Url\n  Jobs: { Type: AWS::SQS::Queue }\n` })));
    expect(attr.message).toBe('template.yaml:9 (Fn): Jobs (AWS::SQS::Queue) has no attribute "Url"');
    expect(attr.hint).toBe('attributes evlab knows for AWS::SQS::Queue: Arn, QueueName, QueueUrl');
    const sam = await failure(load(project({ 'template.yaml': 'Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties: { CodeUri: src/, Handler: app.handler, Runtime: python3.12 }\n' })));
    expect(sam.message).toBe('template.yaml:3 (F): F is AWS::Serverless::Function, which needs the SAM transform');
  });

  it('a parameter without a value, an unknown override, a value outside AllowedValues', async () => {
    const text = `Parameters:\n  Env:\n    Type: String\n    AllowedValues: [dev, prod]\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: { QueueName: !Ref Env }\n`;
    const missing = await failure(load(project({ 'template.yaml': text })));
    expect(missing.message).toBe('template.yaml:2: parameter Env has no Default and no value');
    expect(missing.hint).toBe('pass it: --parameter-overrides Env=<value>');
    expect((await failure(load(project({ 'template.yaml': text }), { parameterOverrides: ['Stage=dev'] }))).message).toContain('"Stage", which is not a parameter');
    expect((await failure(load(project({ 'template.yaml': text }), { parameterOverrides: ['Env=test'] }))).hint).toBe('allowed: dev, prod');
    expect(Object.keys((await load(project({ 'template.yaml': text }), { parameterOverrides: ['Env=prod'] })).stack.queues!)).toEqual(['prod']);
  });

  it('a stack problem found by validation is placed at the template resource', async () => {
    const dir = project({ 'template.yaml': `Resources:${FN.replace('app.handler', 'main.handler')}\n` });
    const err = await failure(load(dir));
    expect(err).toBeInstanceOf(ValidationError);
    const problem = (err as ValidationError).problems[0]!;
    expect(problem.path).toMatch(/^template\.yaml:2 \(Fn\) functions\.shop-Fn-[0-9A-F]{12}\.handler$/);
  });

  it('--strict makes unsupported resources and properties errors', async () => {
    const dir = project({ 'template.yaml': `Resources:${FN}\n      Layers: [arn:aws:lambda:us-east-1:000000000000:layer:x:1]\n  Topic: { Type: AWS::SNS::Topic }\n` });
    const loaded = await load(dir);
    expect(loaded.template?.unsupported.map((u) => `${u.location} ${u.logicalId} ${u.property ?? '-'}`)).toEqual(['template.yaml:9 Fn Layers', 'template.yaml:10 Topic -']);
    const err = await failure(load(dir, { strict: true }));
    expect(err.code).toBe('UnsupportedInTemplate');
    expect((err as ValidationError).problems.map((p) => p.path)).toEqual(['template.yaml:9 (Fn.Layers)', 'template.yaml:10 (Topic)']);
  });
});

describe('CloudFormation JSON, inline code, CDK output, discovery', () => {
  it('maps rules with targets (Input, InputPath, InputTransformer, DLQ, RetryPolicy), mappings, invoke configs and FIFO queues', async () => {
    const template = {
      Resources: {
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs12.x', Handler: 'index.handler', Code: { ZipFile: 'exports.handler = async (e) => e;' }, Role: 'r' } },
        Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'orders' } },
        Dlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'dlq' } },
        Fifo: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'jobs.fifo', FifoQueue: true } },
        Rule: {
          Type: 'AWS::Events::Rule',
          Properties: {
            Name: 'to-fn',
            EventBusName: { 'Fn::GetAtt': ['Bus', 'Arn'] },
            EventPattern: '{"source": ["shop"]}',
            State: 'DISABLED',
            Targets: [
              { Id: 'a', Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Input: '{"x": 1}', DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } }, RetryPolicy: { MaximumRetryAttempts: 2 } },
              { Id: 'b', Arn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, InputPath: '$.detail' },
              { Id: 'c', Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] }, InputTransformer: { InputPathsMap: { id: '$.id' }, InputTemplate: '{"id": <id>}' } },
            ],
          },
        },
        Mapping: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { EventSourceArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, FunctionName: { Ref: 'Fn' }, BatchSize: 3, FunctionResponseTypes: ['ReportBatchItemFailures'] } },
        Invoke: { Type: 'AWS::Lambda::EventInvokeConfig', Properties: { FunctionName: { Ref: 'Fn' }, Qualifier: '$LATEST', MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } } } },
        Perm: { Type: 'AWS::Lambda::Permission', Properties: { FunctionName: { Ref: 'Fn' }, Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com' } },
      },
      Outputs: { Rule: { Value: { 'Fn::GetAtt': ['Rule', 'Arn'] }, Export: { Name: 'rule-arn' } } },
    };
    const dir = project({ 'template.json': JSON.stringify(template, null, 2) });
    const loaded = await load(dir);
    const fnName = generatedName('shop', 'Fn', 'AWS::Lambda::Function');
    expect(loaded.template?.kind).toBe('cloudformation');
    expect(loaded.stack.functions![fnName]).toMatchObject({ runtime: 'nodejs18.x', source: `.evlab/inline/${fnName}`, maxRetryAttempts: 1, onFailure: { queue: 'dlq' } });
    expect(readFileSync(join(dir, '.evlab/inline', fnName, 'index.js'), 'utf8')).toBe('exports.handler = async (e) => e;');
    expect(loaded.template?.warnings.map((w) => w.message)).toEqual([`Fn: runtime nodejs12.x is retired by AWS; it runs on nodejs18.x locally`]);
    expect(loaded.stack.queues).toEqual({ dlq: {}, 'jobs.fifo': { fifo: true } });
    expect(loaded.stack.rules).toEqual({
      'to-fn': {
        bus: 'orders',
        pattern: { source: ['shop'] },
        enabled: false,
        targets: [
          { function: fnName, id: 'a', input: { x: 1 }, deadLetterQueue: 'dlq', retryPolicy: { maximumRetryAttempts: 2 } },
          { queue: 'dlq', id: 'b', inputPath: '$.detail' },
          { function: fnName, id: 'c', inputTransformer: { inputPathsMap: { id: '$.id' }, inputTemplate: '{"id": <id>}' } },
        ],
      },
    });
    expect(loaded.stack.subscriptions).toEqual([{ queue: 'dlq', function: fnName, batchSize: 3, reportBatchItemFailures: true }]);
    expect(loaded.template?.outputs).toEqual([{ name: 'Rule', value: 'arn:aws:events:us-east-1:000000000000:rule/to-fn', exportName: 'rule-arn', line: expect.any(Number) }]);
    expect(loaded.template?.unsupported).toEqual([]);
  });

  it('reads cdk.out: the manifest picks the stack, assets are the code; several stacks need --stack-name', async () => {
    const stack = (name: string) =>
      JSON.stringify({
        Resources: {
          Handler886CB40B: {
            Type: 'AWS::Lambda::Function',
            Properties: { Code: { S3Bucket: { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' }, S3Key: 'abc.zip' }, Handler: 'app.handler', Runtime: 'python3.12', Role: 'r' },
            Metadata: { 'aws:cdk:path': `${name}/Handler/Resource`, 'aws:asset:path': 'asset.abc', 'aws:asset:property': 'Code' },
          },
          CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:x' } },
        },
        Parameters: { BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' } },
        Rules: { CheckBootstrapVersion: { Assertions: [] } },
      });
    const manifest = (names: string[]) =>
      JSON.stringify({ version: '36.0.0', artifacts: Object.fromEntries(names.map((n) => [n, { type: 'aws:cloudformation:stack', properties: { templateFile: `${n}.template.json` } }])) });
    const dir = project({ 'cdk.out/manifest.json': manifest(['StoreStack']), 'cdk.out/StoreStack.template.json': stack('StoreStack'), 'cdk.out/asset.abc/app.py': 'def handler(e, c):\n    return 1\n' });
    const loaded = await loadStack({ cwd: dir, flags: {}, env: {} });
    expect(loaded.template).toMatchObject({ kind: 'cdk', stackName: 'StoreStack', unsupported: [] });
    expect(Object.values(loaded.stack.functions!)[0]!.source).toBe('asset.abc');
    expect(loaded.dir).toBe(join(dir, 'cdk.out'));

    writeFileSync(join(dir, 'cdk.out/manifest.json'), manifest(['StoreStack', 'OtherStack']));
    writeFileSync(join(dir, 'cdk.out/OtherStack.template.json'), stack('OtherStack'));
    const several = await failure(loadStack({ cwd: dir, flags: {}, env: {} }));
    expect(several.code).toBe('SeveralCdkStacks');
    expect(several.hint).toBe('pick one with --stack-name StoreStack');
    expect((await loadStack({ cwd: dir, flags: { stackName: 'OtherStack' }, env: {} })).template?.stackName).toBe('OtherStack');
  });

  it('evlab.json wins over a template beside it, and says so; --template picks the template', async () => {
    const dir = project({ 'evlab.json': '{"queues": {"jobs": {}}}', 'template.yaml': 'Resources:\n  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: tq } }\n' });
    const fromJson = await load(dir);
    expect(fromJson.stack.queues).toEqual({ jobs: {} });
    expect(fromJson.shadowedTemplate).toBe(join(dir, 'template.yaml'));
    const fromTemplate = await load(dir, { template: 'template.yaml' });
    expect(fromTemplate.stack.queues).toEqual({ tq: {} });
    expect((await failure(load(dir, { template: 'nope.yaml' }))).code).toBe('TemplateNotFound');
  });
});
