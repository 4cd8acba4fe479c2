// ReportBatchItemFailures on SQS event source mappings, as AWS documents it: only the reported messages go back
// to the queue; an empty or null answer is a full success; an invalid answer or a function error fails the batch;
// without the response type the answer is ignored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateEventSourceMappingCommand, GetEventSourceMappingCommand, LambdaClient, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { createActive, waitFor } from '../fixtures/lambda/helpers.js';
import { makeZip } from '../fixtures/lambda/zip.js';

// Answers by the first body of the batch: "report:<body>" fails the items with that body; "bogus" names a message
// that is not in the batch; "nothing" returns undefined (null on the wire); "throw" fails the invocation.
const HANDLER = `
exports.handler = async (event) => {
  console.log('BATCH ' + JSON.stringify(event.Records.map((r) => r.body)));
  const first = event.Records[0].body;
  if (first === 'throw') throw new Error('the whole batch failed');
  if (first === 'nothing') return undefined;
  if (first === 'bogus') return { batchItemFailures: [{ itemIdentifier: 'not-a-message-of-this-batch' }] };
  if (first === 'empty') return { batchItemFailures: [] };
  const failing = first.startsWith('report:') ? first.slice('report:'.length) : undefined;
  return { batchItemFailures: event.Records.filter((r) => r.body === failing).map((r) => ({ itemIdentifier: r.messageId })) };
};`;

let engine: Engine;
let lambda: LambdaClient;
let sqs: SQSClient;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  engine = await startTestEngine();
  lambda = new LambdaClient(clientConfig(engine.url));
  sqs = new SQSClient(clientConfig(engine.url));
  logs = new CloudWatchLogsClient(clientConfig(engine.url));
  await createActive(lambda, { FunctionName: 'partial', Code: { ZipFile: await makeZip({ 'index.js': HANDLER }) } });
});
afterAll(() => engine?.stop());

interface Setup {
  url: string;
  dlqUrl: string;
  uuid: string;
}

/** A queue whose messages go to a DLQ after one failed receive, filled with `bodies` before the mapping starts (one batch). */
async function mapped(name: string, bodies: string[], functionResponseTypes?: string[]): Promise<Setup> {
  const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl!;
  const dlqArn = await arnOf(dlqUrl);
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) } }))).QueueUrl!;
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: bodies.map((MessageBody, i) => ({ Id: String(i), MessageBody })) }));
  const { UUID } = await lambda.send(
    new CreateEventSourceMappingCommand({ EventSourceArn: await arnOf(url), FunctionName: 'partial', BatchSize: 10, ...(functionResponseTypes ? { FunctionResponseTypes: functionResponseTypes } : {}) }),
  );
  return { url, dlqUrl, uuid: UUID! };
}

async function arnOf(url: string): Promise<string> {
  return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
}

async function idle(): Promise<void> {
  const res = await fetch(`${engine.url}/_evlab/idle?timeout=15000`);
  expect(((await res.json()) as { idle: boolean }).idle).toBe(true);
}

async function depth(url: string): Promise<number> {
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
  return Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible);
}

/** Receives from the DLQ until `count` messages came (they arrive after the visibility timeout), returns their bodies. */
async function deadLettered(dlqUrl: string, count: number): Promise<string[]> {
  const bodies: string[] = [];
  while (bodies.length < count) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 10 }));
    if (Messages.length === 0) break;
    bodies.push(...Messages.map((m) => m.Body!));
  }
  return bodies.sort();
}

async function batchesOf(queueBodies: string[]): Promise<string[][]> {
  const out = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/partial', filterPattern: '"BATCH"' }));
  return (out.events ?? []).map((e) => JSON.parse(e.message!.slice(e.message!.indexOf('BATCH ') + 6)) as string[]).filter((b) => b.some((body) => queueBodies.includes(body)));
}

describe('ReportBatchItemFailures (SQS event source mapping)', () => {
  it('returns only the reported messages to the queue and deletes the others', async () => {
    const bodies = ['report:b', 'a', 'b', 'c'];
    const { url, dlqUrl } = await mapped('rbif-partial', bodies, ['ReportBatchItemFailures']);
    expect(await deadLettered(dlqUrl, 1)).toEqual(['b']);
    await idle();
    expect(await depth(url)).toBe(0);
    // One invocation with all four; 'b' alone came back once more (and was then moved to the DLQ on its second receive).
    expect((await batchesOf(bodies))[0]).toEqual(bodies);
  });

  it('counts a null answer and an empty list as success', async () => {
    for (const first of ['nothing', 'empty']) {
      const { url, dlqUrl } = await mapped(`rbif-${first}`, [first, 'x', 'y'], ['ReportBatchItemFailures']);
      await idle();
      expect(await depth(url)).toBe(0);
      expect(await depth(dlqUrl)).toBe(0);
    }
  });

  it('fails the whole batch on an identifier that is not in it, and on a function error', async () => {
    for (const first of ['bogus', 'throw']) {
      const { dlqUrl } = await mapped(`rbif-${first}`, [first, 'x'], ['ReportBatchItemFailures']);
      expect(await deadLettered(dlqUrl, 2)).toEqual([first, 'x'].sort());
      await idle();
    }
  });

  it('ignores the answer without the response type, and honours it once UpdateEventSourceMapping sets it', async () => {
    const { url, dlqUrl, uuid } = await mapped('rbif-off', ['report:a', 'a'], undefined);
    await idle();
    expect(await depth(url)).toBe(0);
    expect(await depth(dlqUrl)).toBe(0);
    expect((await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).FunctionResponseTypes).toEqual([]);

    const updated = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, FunctionResponseTypes: ['ReportBatchItemFailures'] }));
    expect(updated.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    await waitFor('the mapping to be enabled again', async () => (await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State === 'Enabled');
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ['report:z', 'z', 'w'].map((MessageBody, i) => ({ Id: String(i), MessageBody })) }));
    expect(await deadLettered(dlqUrl, 1)).toEqual(['z']);
    await expect(lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, FunctionResponseTypes: ['Everything'] }))).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
