import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportStack } from '../../src/commands/export.js';
import { desiredState } from '../../src/stack/desired.js';
import { loadStack } from '../../src/stack/load.js';
import { captureContext } from '../fixtures/stacks/project.js';
import { runAws } from '../helpers/engine.js';
import { startMoto, type MotoServer } from '../helpers/moto.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, '../fixtures/templates/sam-app');
const STARTERS = ['distance-counter', 'order-invoice', 'store-events'];
const ENDPOINT = 'http://127.0.0.1:4566';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'evlab-export-'));
  cpSync(fixture, join(work, 'sam-app'), { recursive: true });
  for (const name of STARTERS) cpSync(join(here, '../../templates', name), join(work, name), { recursive: true });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const flags = { endpoint: ENDPOINT, stackName: 'sam-app' };

function run(command: string, args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }));
  });
}

describe('evlab export', () => {
  it('writes a template that reads back as the same desired state (round trip)', async () => {
    const dir = join(work, 'sam-app');
    const { ctx } = captureContext(dir, flags);
    const { result } = await exportStack({ out: 'exported.yaml' }, ctx);
    expect(result.notes).toContain('function sam-app-WorkerFunction-20786C145099: AWS no longer creates python3.9 functions; exported with python3.12');
    const template = parse(readFileSync(join(dir, 'exported.yaml'), 'utf8'));
    // Roles with least privilege for the wiring, and SAM's policy templates written out.
    const invokeRole = template.Resources.InvoiceFunctionRole.Properties;
    expect(JSON.stringify(invokeRole.Policies)).toContain('dynamodb:PutItem');
    expect(invokeRole.Policies[0].PolicyDocument.Statement[0]).toEqual({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: [{ 'Fn::GetAtt': ['InvoiceDLQ', 'Arn'] }] });
    expect(JSON.stringify(template.Resources.WorkerFunctionRole.Properties.Policies)).toContain('sqs:ReceiveMessage');
    // A local queue URL in the environment is a Ref on AWS; code is a local path for `package`; inline code stays inline.
    expect(template.Resources.InvoiceFunction.Properties.Environment.Variables.QUEUE_URL).toEqual({ Ref: 'WorkQueue' });
    expect(template.Resources.InvoiceFunction.Properties.Code).toBe('src/invoice');
    expect(template.Resources.HelloFunction.Properties.Code.ZipFile).toContain("body: 'hello'");

    const original = await loadStack(captureContext(dir, flags).ctx);
    const back = await loadStack(captureContext(dir, { ...flags, template: 'exported.yaml' }).ctx);
    expect(back.template?.unsupported).toEqual([]);
    const desired = (s: typeof original) => desiredState(s.stack, { codeSha256: {}, ensureRole: false });
    const want = desired(original);
    // The one difference the export makes on purpose: a runtime AWS no longer creates.
    want.functions['sam-app-WorkerFunction-20786C145099']!.runtime = 'python3.12';
    expect(desired(back)).toEqual(want);
  });

  it('--format sam: functions as AWS::Serverless::Function with CodeUri / InlineCode under the transform, reading back as the same desired state', async () => {
    const dir = join(work, 'sam-app');
    const { result } = await exportStack({ format: 'sam', syntax: 'json', out: 'exported-sam.txt' }, captureContext(dir, flags).ctx);
    expect([result.kind, result.format]).toEqual(['sam', 'json']);
    const template = JSON.parse(readFileSync(join(dir, 'exported-sam.txt'), 'utf8'));
    expect(template.Transform).toBe('AWS::Serverless-2016-10-31');
    const invoice = template.Resources.InvoiceFunction;
    expect(invoice.Type).toBe('AWS::Serverless::Function');
    expect(invoice.Properties).toMatchObject({ CodeUri: 'src/invoice', Role: { 'Fn::GetAtt': ['InvoiceFunctionRole', 'Arn'] } });
    expect(invoice.Properties.Code).toBeUndefined();
    expect(invoice.Properties.DeadLetterQueue).toEqual({ Type: 'SQS', TargetArn: { 'Fn::GetAtt': ['InvoiceDLQ', 'Arn'] } });
    expect(template.Resources.HelloFunction.Properties.InlineCode).toContain("body: 'hello'");
    // No AWS::Lambda::Function is left; roles, rules and queues stay plain CloudFormation.
    expect(Object.values(template.Resources).filter((r) => (r as { Type: string }).Type === 'AWS::Lambda::Function')).toEqual([]);
    expect(template.Resources.InvoiceFunctionRole.Type).toBe('AWS::IAM::Role');

    const desired = async (extra: Record<string, unknown>) => desiredState((await loadStack(captureContext(dir, { ...flags, ...extra }).ctx)).stack, { codeSha256: {}, ensureRole: false });
    writeFileSync(join(dir, 'exported-sam.json'), readFileSync(join(dir, 'exported-sam.txt')));
    await exportStack({ out: 'exported-cfn.yaml' }, captureContext(dir, flags).ctx);
    expect(await desired({ template: 'exported-sam.json' })).toEqual(await desired({ template: 'exported-cfn.yaml' }));
    // The older spelling still works: --format json is a CloudFormation export in JSON.
    expect((await exportStack({ format: 'json' }, captureContext(dir, flags).ctx)).result).toMatchObject({ kind: 'cloudformation', format: 'json' });
  });

  it('passes cfn-lint with no errors, for the SAM fixture and every starter template, as CloudFormation and as SAM', async () => {
    const files: string[] = [];
    for (const name of ['sam-app', ...STARTERS]) {
      const dir = join(work, name);
      await exportStack({ out: 'exported.yaml' }, captureContext(dir, flags).ctx);
      await exportStack({ format: 'sam', out: 'exported-sam.yaml' }, captureContext(dir, flags).ctx);
      files.push(join(dir, 'exported.yaml'), join(dir, 'exported-sam.yaml'));
    }
    const lint = await run('cfn-lint', ['--format', 'parseable', ...files], work);
    // cfn-lint's exit code is a bit field: 2 errors, 4 warnings (W3002: local code paths need `package`, as intended).
    expect(lint.code & 2, lint.out).toBe(0);
    expect(lint.out.split('\n').filter((l) => /:E\d{4}:/.test(l))).toEqual([]);
  }, 120_000);
});

describe('evlab export deploys on moto\'s CloudFormation', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(async () => moto?.stop());

  it('aws cloudformation package, then create-stack: the functions, queues, table, bus and rules exist', async () => {
    const dir = join(work, 'sam-app');
    await exportStack({ out: 'deploy.yaml' }, captureContext(dir, flags).ctx);
    expect((await runAws(['s3', 'mb', 's3://artifacts'], moto.url)).code).toBe(0);
    const packaged = await runAws(['cloudformation', 'package', '--template-file', join(dir, 'deploy.yaml'), '--s3-bucket', 'artifacts', '--output-template-file', join(dir, 'packaged.yaml')], moto.url);
    expect(packaged.code, packaged.stderr).toBe(0);
    // moto's CloudFormation has no model for some types (function URLs, HTTP APIs) and fails on Outputs that read
    // their attributes; those outputs are left out here, and moto skips the resources themselves.
    const supported = (await run('python3', ['-c', 'import json; from moto.cloudformation.parsing import get_model_map; print(json.dumps(sorted(get_model_map())))'], dir)).out;
    const types = new Set(JSON.parse(supported) as string[]);
    const template = parse(readFileSync(join(dir, 'packaged.yaml'), 'utf8'));
    for (const [name, output] of Object.entries(template.Outputs as Record<string, { Value: unknown }>)) {
      const refs = JSON.stringify(output.Value).match(/"Fn::GetAtt":\["([A-Za-z0-9]+)"|\$\{([A-Za-z0-9]+)\}/g) ?? [];
      const ids = refs.map((r) => r.replace(/^"Fn::GetAtt":\["|^\$\{|["}]$/g, ''));
      if (ids.some((id) => template.Resources[id] && !types.has(template.Resources[id].Type))) delete template.Outputs[name];
    }
    writeFileSync(join(dir, 'moto.json'), JSON.stringify(template));
    const created = await runAws(['cloudformation', 'create-stack', '--stack-name', 'sam-app', '--template-body', `file://${join(dir, 'moto.json')}`, '--capabilities', 'CAPABILITY_IAM'], moto.url);
    expect(created.code, created.stderr).toBe(0);
    const listed = await runAws(['cloudformation', 'list-stack-resources', '--stack-name', 'sam-app', '--output', 'json'], moto.url);
    expect(listed.code, listed.stderr).toBe(0);
    const resources = (JSON.parse(listed.stdout).StackResourceSummaries as { LogicalResourceId: string; ResourceStatus: string }[]).map((r) => r.LogicalResourceId);
    for (const id of ['InvoiceFunction', 'WorkerFunction', 'HelloFunction', 'WorkQueue', 'InvoiceDLQ', 'InvoicesTable', 'OrdersBus', 'InvoiceFunctionOrderPlaced', 'InvoiceFunctionRole']) {
      expect(resources).toContain(id);
    }
    const functions = JSON.parse((await runAws(['lambda', 'list-functions', '--output', 'json'], moto.url)).stdout).Functions.map((f: { FunctionName: string }) => f.FunctionName);
    expect(functions.sort()).toEqual(['sam-app-HelloFunction-3CD4E48908AB', 'sam-app-InvoiceFunction-941D78740B79', 'sam-app-WorkerFunction-20786C145099']);
    const queues = JSON.parse((await runAws(['sqs', 'list-queues', '--output', 'json'], moto.url)).stdout).QueueUrls as string[];
    expect(queues.some((u) => u.endsWith('/sam-app-invoice-dlq'))).toBe(true);
    const rules = JSON.parse((await runAws(['events', 'list-rules', '--event-bus-name', 'sam-app-orders', '--output', 'json'], moto.url)).stdout).Rules;
    expect(rules.map((r: { Name: string }) => r.Name)).toEqual(['sam-app-InvoiceFunctionOrderPlaced-42F080C14521']);
  }, 120_000);
});
