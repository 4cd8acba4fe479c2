// The `aws --endpoint-url …` command sequence a shell script runs to create what a stack file
// declares — the peer of `evlab setup` (figure 2) and of `evlab relambda` (figure 3).
// ARNs are written out as a script author would write them, not looked up with extra calls.
import { join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import { runOk } from './proc.mjs';
import { awsEnv } from './peers.mjs';

const ACCOUNT = '000000000000';
const DEFAULT_ROLE = `arn:aws:iam::${ACCOUNT}:role/lambda-role`;

const queueArn = (region, name) => `arn:aws:sqs:${region}:${ACCOUNT}:${name}`;
const functionArn = (region, name) => `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`;
const ruleArn = (region, bus, name) => `arn:aws:events:${region}:${ACCOUNT}:rule/${bus && bus !== 'default' ? `${bus}/` : ''}${name}`;

/** Steps: { label, kind: 'aws' | 'zip', args, cwd? }. `workDir` receives the zips. */
export function setupSequence(stack, { stackDir, workDir }) {
  const region = stack.region ?? 'us-east-1';
  const steps = [];
  const aws = (label, ...args) => steps.push({ label, kind: 'aws', args });

  // Dead-letter queues first: a redrive policy names a queue that must exist.
  const queues = Object.entries(stack.queues ?? {});
  const isDlq = (name) => queues.some(([, q]) => q.deadLetterQueue === name);
  for (const [name, q] of [...queues.filter(([n]) => isDlq(n)), ...queues.filter(([n]) => !isDlq(n))]) {
    const attributes = {};
    if (q.visibilityTimeout !== undefined) attributes.VisibilityTimeout = String(q.visibilityTimeout);
    if (q.delaySeconds !== undefined) attributes.DelaySeconds = String(q.delaySeconds);
    if (q.messageRetentionPeriod !== undefined) attributes.MessageRetentionPeriod = String(q.messageRetentionPeriod);
    if (q.receiveMessageWaitTimeSeconds !== undefined) attributes.ReceiveMessageWaitTimeSeconds = String(q.receiveMessageWaitTimeSeconds);
    if (q.deadLetterQueue) attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: queueArn(region, q.deadLetterQueue), maxReceiveCount: q.maxReceiveCount ?? 3 });
    aws(`sqs create-queue ${name}`, 'sqs', 'create-queue', '--queue-name', name, ...(Object.keys(attributes).length ? ['--attributes', JSON.stringify(attributes)] : []));
  }

  for (const [name, t] of Object.entries(stack.tables ?? {})) {
    const keys = [t.partitionKey, t.sortKey].filter(Boolean);
    aws(
      `dynamodb create-table ${name}`,
      'dynamodb', 'create-table', '--table-name', name,
      '--attribute-definitions', ...keys.map((k) => `AttributeName=${k.name},AttributeType=${k.type}`),
      '--key-schema', ...keys.map((k, i) => `AttributeName=${k.name},KeyType=${i === 0 ? 'HASH' : 'RANGE'}`),
      '--billing-mode', 'PAY_PER_REQUEST',
    );
    for (const [i, item] of (t.seed ?? []).entries()) {
      aws(`dynamodb put-item ${name} (seed ${i + 1})`, 'dynamodb', 'put-item', '--table-name', name, '--item', JSON.stringify(marshall(item)));
    }
  }

  // evlab setup ensures the functions' role (AWS and moto refuse CreateFunction without it), so the script does too.
  const role = stack.role ?? DEFAULT_ROLE;
  if (Object.keys(stack.functions ?? {}).length && role.startsWith(`arn:aws:iam::${ACCOUNT}:role/`)) {
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    aws(`iam create-role ${role.split('/').pop()}`, 'iam', 'create-role', '--role-name', role.split('/').pop(), '--assume-role-policy-document', JSON.stringify(trust));
  }

  for (const name of Object.keys(stack.buses ?? {})) aws(`events create-event-bus ${name}`, 'events', 'create-event-bus', '--name', name);

  for (const [name, fn] of Object.entries(stack.functions ?? {})) {
    steps.push(zipStep(name, fn, { stackDir, workDir }));
    steps.push(...createFunctionSteps(name, fn, { region, workDir, role }));
  }

  for (const [name, rule] of Object.entries(stack.rules ?? {})) {
    const bus = rule.bus && rule.bus !== 'default' ? ['--event-bus-name', rule.bus] : [];
    aws(`events put-rule ${name}`, 'events', 'put-rule', '--name', name, ...bus, '--event-pattern', JSON.stringify(rule.pattern), ...(rule.enabled === false ? ['--state', 'DISABLED'] : []));
    const awsTargets = rule.targets.map((t, i) => {
      const arn = t.function ? functionArn(region, t.function) : t.queue ? queueArn(region, t.queue) : t.logGroup ? `arn:aws:logs:${region}:${ACCOUNT}:log-group:${t.logGroup}` : `arn:aws:events:${region}:${ACCOUNT}:event-bus/${t.bus}`;
      const target = { Id: t.id ?? `${name}-${i + 1}`, Arn: arn };
      if (t.input !== undefined) target.Input = JSON.stringify(t.input);
      if (t.inputPath) target.InputPath = t.inputPath;
      if (t.inputTransformer) target.InputTransformer = { InputPathsMap: t.inputTransformer.inputPathsMap, InputTemplate: t.inputTransformer.inputTemplate };
      return target;
    });
    aws(`events put-targets ${name}`, 'events', 'put-targets', '--rule', name, ...bus, '--targets', JSON.stringify(awsTargets));
    for (const t of rule.targets.filter((t) => t.function)) {
      aws(
        `lambda add-permission ${t.function}`,
        'lambda', 'add-permission', '--function-name', t.function, '--statement-id', `${name}-events`, '--action', 'lambda:InvokeFunction',
        '--principal', 'events.amazonaws.com', '--source-arn', ruleArn(region, rule.bus, name),
      );
    }
  }

  for (const s of stack.subscriptions ?? []) {
    aws(
      `lambda create-event-source-mapping ${s.queue} → ${s.function}`,
      'lambda', 'create-event-source-mapping', '--function-name', s.function, '--event-source-arn', queueArn(region, s.queue),
      ...(s.batchSize ? ['--batch-size', String(s.batchSize)] : []),
    );
  }
  return steps;
}

/** zip + update-function-code for every function: what a script does to redeploy (it cannot tell unchanged code). */
export function redeploySequence(stack, { stackDir, workDir }) {
  const steps = [];
  for (const [name, fn] of Object.entries(stack.functions ?? {})) {
    steps.push(zipStep(name, fn, { stackDir, workDir }));
    steps.push({ label: `lambda update-function-code ${name}`, kind: 'aws', args: ['lambda', 'update-function-code', '--function-name', name, '--zip-file', `fileb://${join(workDir, `${name}.zip`)}`] });
  }
  return steps;
}

function zipStep(name, fn, { stackDir, workDir }) {
  return { label: `zip ${name}`, kind: 'zip', cwd: join(stackDir, fn.source), out: join(workDir, `${name}.zip`) };
}

function createFunctionSteps(name, fn, { region, workDir, role }) {
  const args = ['lambda', 'create-function', '--function-name', name, '--runtime', fn.runtime, '--handler', fn.handler, '--role', role, '--zip-file', `fileb://${join(workDir, `${name}.zip`)}`];
  if (fn.timeout) args.push('--timeout', String(fn.timeout));
  if (fn.memorySize) args.push('--memory-size', String(fn.memorySize));
  if (fn.description) args.push('--description', fn.description);
  if (fn.environment && Object.keys(fn.environment).length) args.push('--environment', JSON.stringify({ Variables: fn.environment }));
  if (fn.deadLetterQueue) args.push('--dead-letter-config', `TargetArn=${queueArn(region, fn.deadLetterQueue)}`);
  const steps = [{ label: `lambda create-function ${name}`, kind: 'aws', args }];
  if (fn.maxRetryAttempts !== undefined || fn.maxEventAgeSeconds !== undefined || fn.onFailure || fn.onSuccess) {
    const config = ['lambda', 'put-function-event-invoke-config', '--function-name', name];
    if (fn.maxRetryAttempts !== undefined) config.push('--maximum-retry-attempts', String(fn.maxRetryAttempts));
    if (fn.maxEventAgeSeconds !== undefined) config.push('--maximum-event-age-in-seconds', String(fn.maxEventAgeSeconds));
    if (fn.onFailure || fn.onSuccess) {
      const dest = {};
      if (fn.onFailure) dest.OnFailure = { Destination: queueArn(region, fn.onFailure.queue) };
      if (fn.onSuccess) dest.OnSuccess = { Destination: queueArn(region, fn.onSuccess.queue) };
      config.push('--destination-config', JSON.stringify(dest));
    }
    steps.push({ label: `lambda put-function-event-invoke-config ${name}`, kind: 'aws', args: config });
  }
  return steps;
}

/**
 * Runs the steps one after another, as a shell script would; returns { totalMs, steps: [{label, ms}] }.
 * zip: the `zip` tool when installed, else Python's zipfile module (both public, both what a script uses).
 */
export async function runSequence(steps, { peers, endpoint }) {
  const env = awsEnv();
  const timings = [];
  const started = performance.now();
  for (const step of steps) {
    let result;
    if (step.kind === 'zip') {
      result = peers.zip.path
        ? await runOk(peers.zip.path, ['-qr', step.out, '.'], { cwd: step.cwd })
        : await runOk(peers.python.path, ['-m', 'zipfile', '-c', step.out, '.'], { cwd: step.cwd });
    } else {
      result = await runOk(peers.aws.path, ['--endpoint-url', endpoint, ...step.args], { env });
    }
    timings.push({ label: step.label, ms: result.ms });
  }
  return { totalMs: performance.now() - started, steps: timings };
}

/** Shell form of a step, for the notes in results.md. */
export function showStep(step) {
  if (step.kind === 'zip') return `(cd ${step.cwd.split('/').slice(-1)[0]} && zip -qr ${step.out.split('/').slice(-1)[0]} .)`;
  return `aws --endpoint-url $URL ${step.args.map((a) => (/[\s"{}[\]]/.test(a) ? `'${a}'` : a)).join(' ')}`;
}

