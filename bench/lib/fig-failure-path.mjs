// Figure 7 — failure path: from firing a poison event (its function always throws) to the event's
// arrival in the function's dead-letter queue, with the engine's default retry settings
// (2 retries, retry n after n × 1 s: ~3 s). On AWS the retries wait ~1 and ~2 minutes.
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { targets } from './report.mjs';
import { summarize, nowEpochMs } from './stats.mjs';
import { clientsFor } from './clients.mjs';
import { deployFunction, ensureRole, zipFixture, allowEventBridge } from './lambda.mjs';
import { engineFor } from './event-flow.mjs';

export const id = 'failure-path';
export const title = '7. Failure path';

const ROW = 'poison event → DLQ';

export async function measure(fig, ctx) {
  const { cfg } = ctx;
  fig.declare(ROW, { target: targets.below(5000, 'ms') });
  const { engine, shared, release } = await engineFor(ctx);
  const c = clientsFor(engine.url);
  try {
    const health = await (await fetch(`${engine.url}/_evlab/health`)).json().catch(() => ({}));
    const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: 'bench-poison-dlq' }));
    const { Attributes } = await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await ensureRole(c);
    const arn = await deployFunction(c, { name: 'bench-poison', runtime: 'nodejs20.x', handler: 'index.handler', zip: await zipFixture('poison-node'), deadLetterArn: Attributes.QueueArn });
    const rule = await c.events.send(new PutRuleCommand({ Name: 'bench-poison', EventPattern: JSON.stringify({ source: ['bench.poison'] }) }));
    await c.events.send(new PutTargetsCommand({ Rule: 'bench-poison', Targets: [{ Id: 'function', Arn: arn }] }));
    await allowEventBridge(c, 'bench-poison', rule.RuleArn);

    const once = async (i) => {
      const id = `poison-${i}`;
      const out = await c.events.send(new PutEventsCommand({ Entries: [{ Source: 'bench.poison', DetailType: 'bench', Detail: JSON.stringify({ id }) }] }));
      const accepted = nowEpochMs();
      if (out.FailedEntryCount) throw new Error(`PutEvents refused the poison event: ${out.Entries?.[0]?.ErrorCode}`);
      // Long polls: the engine answers a waiting ReceiveMessage the moment a message arrives, so the
      // arrival is awaited, not sampled.
      const deadline = performance.now() + 30_000;
      let message;
      while (!message) {
        if (performance.now() > deadline) throw new Error(`the poison event ${id} did not reach the DLQ within 30 s`);
        const wait = Math.max(1, Math.min(20, Math.ceil((deadline - performance.now()) / 1000)));
        const { Messages } = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: wait, MessageAttributeNames: ['All'] }));
        message = (Messages ?? []).find((m) => m.Body?.includes(`"${id}"`));
        for (const m of Messages ?? []) await c.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
      return { ms: nowEpochMs() - accepted, attributes: Object.keys(message.MessageAttributes ?? {}).sort() };
    };

    const results = [];
    for (let i = 0; i < cfg.failure.warmup; i++) await once(`warmup-${i}`);
    for (let i = 0; i < cfg.failure.runs; i++) results.push(await once(i));
    fig.set(ROW, {
      evlab: summarize(results.map((r) => r.ms), 'ms'),
      peerMissing: 'moto runs no Lambda code without Docker; LocalStack (not run here) retries after attempt × 60 s by default: ~3 min',
      note: `engine retry base delay ${health.lambdaRetryBaseDelayMs ?? '?'} ms (the default); DLQ message attributes: ${results[0].attributes.join(', ') || 'none'}.${shared ? ' (--quick: on the event-flow engine.)' : ''}`,
    });
  } finally {
    c.destroy();
    await release();
  }
}
