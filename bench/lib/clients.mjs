// AWS SDK v3 clients for a local endpoint: dummy credentials, one attempt (a retry would hide a
// failure inside a timing), keep-alive connections as any SDK user gets by default.
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';

export function clientsFor(endpoint, region = 'us-east-1') {
  const config = { endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  const clients = {
    sqs: new SQSClient(config),
    dynamodb: new DynamoDBClient(config),
    logs: new CloudWatchLogsClient(config),
    events: new EventBridgeClient(config),
    lambda: new LambdaClient(config),
    iam: new IAMClient(config),
  };
  return {
    ...clients,
    destroy() {
      for (const c of Object.values(clients)) c.destroy();
    },
  };
}

/** Polls `check` (async, truthy when done) every `intervalMs` until it passes or `timeoutMs` ends. */
export async function waitFor(what, check, { timeoutMs = 30_000, intervalMs = 25 } = {}) {
  const deadline = performance.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
