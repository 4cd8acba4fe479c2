// Figure 5 — engine API through the SDK: requests per second for the calls a workflow makes most,
// one request in flight at a time (the inner loop's shape), evlab's engine against moto.
import { CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { CreateTableCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { clientsFor } from './clients.mjs';
import { interleave } from './stats.mjs';
import { startMoto } from './servers.mjs';
import { engineFor } from './event-flow.mjs';

export const id = 'engine-api';
export const title = '5. Engine API';

const OPS = {
  'SQS send+receive+delete': {
    unit: 'triples/s',
    async prepare(c) {
      const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: 'bench-api' }));
      return { QueueUrl };
    },
    async once(c, s, i) {
      await c.sqs.send(new SendMessageCommand({ QueueUrl: s.QueueUrl, MessageBody: `message ${i}` }));
      const { Messages } = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: s.QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 }));
      if (!Messages?.length) throw new Error('ReceiveMessage returned no message right after SendMessage');
      await c.sqs.send(new DeleteMessageCommand({ QueueUrl: s.QueueUrl, ReceiptHandle: Messages[0].ReceiptHandle }));
    },
  },
  'DynamoDB UpdateItem': {
    unit: 'ops/s',
    async prepare(c) {
      await c.dynamodb.send(
        new CreateTableCommand({ TableName: 'bench-api', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }),
      );
      return {};
    },
    async once(c, _s, i) {
      await c.dynamodb.send(
        new UpdateItemCommand({ TableName: 'bench-api', Key: { id: { S: `k${i % 100}` } }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } } }),
      );
    },
  },
  'Logs PutLogEvents': {
    unit: 'ops/s',
    async prepare(c) {
      await c.logs.send(new CreateLogGroupCommand({ logGroupName: '/bench/api' }));
      await c.logs.send(new CreateLogStreamCommand({ logGroupName: '/bench/api', logStreamName: 'bench' }));
      return {};
    },
    async once(c, _s, i) {
      await c.logs.send(new PutLogEventsCommand({ logGroupName: '/bench/api', logStreamName: 'bench', logEvents: [{ timestamp: Date.now(), message: `line ${i}` }] }));
    },
  },
};

export async function measure(fig, ctx) {
  const { peers, cfg } = ctx;
  for (const name of Object.keys(OPS)) fig.declare(name, { kind: 'rate', peerName: 'moto' });
  const motoMissing = peers.moto.python ? undefined : `missing: ${peers.moto.missing}`;

  const { engine, shared, release } = await engineFor(ctx);
  const moto = peers.moto.python ? await startMoto(peers).catch(async (err) => (await release(), Promise.reject(err))) : undefined;
  const servers = { evlab: clientsFor(engine.url), ...(moto ? { moto: clientsFor(moto.url) } : {}) };
  try {
    for (const [name, op] of Object.entries(OPS)) {
      await fig.part([name], async () => {
        const subjects = {};
        for (const [who, clients] of Object.entries(servers)) {
          const state = await op.prepare(clients);
          let i = 0;
          subjects[who] = async () => {
            const started = performance.now();
            for (let n = 0; n < cfg.api.ops; n++) await op.once(clients, state, i++);
            return (cfg.api.ops * 1000) / (performance.now() - started);
          };
        }
        const r = await interleave(subjects, { warmup: cfg.api.warmup, runs: cfg.api.runs, unit: op.unit });
        fig.set(name, { evlab: r.evlab, peer: r.moto, peerMissing: motoMissing });
      });
    }
    fig.note(`${cfg.api.ops} sequential requests per run (one in flight, keep-alive), SDK v3 in the bench process, each server in its own process; an SQS "triple" is three requests.${shared ? ' (--quick: on the event-flow engine.)' : ''}`);
  } finally {
    for (const c of Object.values(servers)) c.destroy();
    await release();
    await moto?.stop();
  }
}
