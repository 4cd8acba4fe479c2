import { isNotAwsResponse } from '../aws/resources/errors.js';
import type { StatusProblem, StatusResult } from './types.js';

/**
 * What `evlab status` flags: missing resources, messages in dead-letter queues, resources that could not
 * be read, functions in a failed state, rule targets that drifted from the stack.
 */
export function statusProblems(status: Omit<StatusResult, 'ok' | 'problems'>, endpoint: string): StatusProblem[] {
  const problems: StatusProblem[] = [];
  const region = status.endpoint.region ?? 'us-east-1';
  const absent = (type: StatusProblem['resource']['type'], r: { name: string; presence: string; error?: string; errorCode?: string }) => {
    if (r.presence === 'missing') problems.push({ kind: 'missing', resource: { type, name: r.name }, message: `${type} ${r.name} is missing`, hint: 'run evlab setup' });
    if (r.presence === 'error') {
      problems.push({ kind: 'unreadable', resource: { type, name: r.name }, message: `${type} ${r.name} could not be read: ${r.error}`, hint: unreadableHint(r.errorCode, endpoint) });
    }
    return r.presence !== 'present';
  };
  for (const f of status.functions) {
    if (absent('function', f)) continue;
    if (f.state === 'Failed' || f.lastUpdateStatus === 'Failed') {
      problems.push({
        kind: 'failed',
        resource: { type: 'function', name: f.name },
        message: `function ${f.name} is ${f.state === 'Failed' ? 'in state Failed' : 'after a failed update'}: ${f.stateReason ?? f.lastUpdateStatusReason ?? 'no reason given'}`,
        hint: 'fix the cause, then evlab relambda --force (code) or evlab setup (configuration)',
      });
    }
    const declared = f.declaredDeadLetterQueue;
    if (declared && f.deadLetterQueue !== declared) problems.push(deadLetterDrift(f.name, declared, f.deadLetterQueue, status.endpoint));
  }
  for (const b of status.buckets ?? []) absent('bucket', b);
  for (const a of status.apis ?? []) absent('api', a);
  for (const u of status.functionUrls ?? []) absent('function URL', { ...u, name: u.function });
  for (const q of status.queues) {
    if (absent('queue', q)) continue;
    const held = (q.visible ?? 0) + (q.inFlight ?? 0) + (q.delayed ?? 0);
    if (q.deadLetter && held > 0) {
      const functions = q.deadLetterOf.filter((of) => of.startsWith('function ')).map((of) => of.split(' ')[1]);
      problems.push({
        kind: 'dead-letters',
        resource: { type: 'queue', name: q.name },
        message: `dead-letter queue ${q.name} holds ${held} message${held === 1 ? '' : 's'} (dead letters of ${q.deadLetterOf.join(', ')})`,
        hint: [
          functions.length ? `see why: evlab tail ${[...new Set(functions)].join(' ')} --since 1h` : undefined,
          ...readDeadLetters(status.endpoint, q.url ?? q.name, region),
        ]
          .filter(Boolean)
          .join('; '),
      });
    }
  }
  for (const t of status.tables) absent('table', t);
  for (const b of status.buses) absent('bus', b);
  for (const r of status.rules) {
    if (absent('rule', r)) continue;
    if (r.missingTargets.length > 0) {
      problems.push({ kind: 'drift', resource: { type: 'rule', name: r.name }, message: `rule ${r.name} lacks its target${r.missingTargets.length === 1 ? '' : 's'} ${r.missingTargets.join(', ')}`, hint: 'run evlab setup' });
    }
  }
  return problems;
}

/**
 * A declared function DLQ the endpoint does not hold. moto accepts DeadLetterConfig and drops it: setup cannot
 * repair that, so it is named as a limit of moto rather than as drift that `evlab setup` would fix.
 */
function deadLetterDrift(fn: string, declared: string, deployed: string | undefined, endpoint: StatusResult['endpoint']): StatusProblem {
  const resource = { type: 'function' as const, name: fn };
  if (endpoint.kind === 'moto' && deployed === undefined) {
    return {
      kind: 'not-kept',
      resource,
      message: `function ${fn} declares dead-letter queue ${declared}, but moto does not keep DeadLetterConfig: its failed asynchronous invocations go nowhere`,
      hint: 'test dead-letter queues on the evlab engine (evlab up) or LocalStack',
    };
  }
  return {
    kind: 'drift',
    resource,
    message: `function ${fn} should send its failures to ${declared}, but the endpoint has ${deployed ? `${deployed}` : 'no dead-letter queue'} for it`,
    hint: 'run evlab setup',
  };
}

/** Problems that make `evlab status --check` exit 1: dead letters, missing or unreadable resources. */
export function failsCheck(problems: readonly StatusProblem[]): boolean {
  return problems.some((p) => p.kind === 'dead-letters' || p.kind === 'missing' || p.kind === 'unreadable');
}

/**
 * How to read a dead-letter queue's messages. On the evlab engine and LocalStack the peek endpoint comes
 * first: it lists them without receiving them (no visibility change, no receive count). The aws CLI line
 * works on a clean machine: a region and the dummy credentials local endpoints accept.
 */
export function readDeadLetters(endpoint: StatusResult['endpoint'], queueUrl: string, region: string): string[] {
  const url = endpoint.url;
  const aws =
    `AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws --endpoint-url ${url} --region ${region} sqs receive-message --queue-url ${queueUrl} ` +
    '--max-number-of-messages 10 --attribute-names All --message-attribute-names All';
  if (endpoint.kind !== 'evlab' && endpoint.kind !== 'localstack') return [`read them: ${aws}`];
  return [`peek at them (they stay in the queue): curl -H 'Accept: application/json' '${peekUrl(url, queueUrl, region)}'`, `or receive them: ${aws}`];
}

/**
 * The peek URL of a queue. Path-style queue URLs carry no region, and the peek endpoint then looks in the
 * endpoint's default region (us-east-1): another region is named in the path form instead.
 */
export function peekUrl(endpoint: string, queueUrl: string, region: string): string {
  const path = /^[a-z]+:\/\/[^/]+\/(\d{12})\/([^/?#]+)$/i.exec(queueUrl);
  if (region !== 'us-east-1' && path) return `${endpoint}/_aws/sqs/messages/${region}/${path[1]}/${path[2]}`;
  return `${endpoint}/_aws/sqs/messages?QueueUrl=${encodeURIComponent(queueUrl)}`;
}

/** A read failed: when the endpoint's answer was not an AWS response, say what to point evlab at. */
function unreadableHint(errorCode: string | undefined, endpoint: string): string | undefined {
  if (isNotAwsResponse(errorCode)) {
    return `${endpoint} does not answer like an AWS endpoint: point --endpoint (or $EVLAB_ENDPOINT) at LocalStack, moto or the embedded engine (\`evlab up --detach\`)`;
  }
  if (errorCode === 'UnknownOperationException') return 'the endpoint lacks this service: use the embedded engine (`evlab up --detach`) or LocalStack';
  return undefined;
}
