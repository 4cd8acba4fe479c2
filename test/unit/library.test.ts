// The package's public entry points, imported by name as a user's project would (built dist/, which `npm test` builds first).
import { describe, expect, it } from 'vitest';
import { SQSClient, CreateQueueCommand, SendMessageCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('package exports', () => {
  it("'evlab/engine' starts isolated engines on free ports, waits for idle and stops", async () => {
    const { startEngine } = await import('evlab/engine');
    await using a = await startEngine({ port: 0 });
    await using b = await startEngine({ port: 0 });
    expect(a.port).not.toBe(b.port);
    expect(a.url).toBe(`http://127.0.0.1:${a.port}`);

    const sqs = new SQSClient({ endpoint: a.url, region: 'us-east-1', credentials });
    const other = new SQSClient({ endpoint: b.url, region: 'us-east-1', credentials });
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'lib' }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }));
      const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
      expect(attrs.Attributes?.ApproximateNumberOfMessages).toBe('1');
      await expect(other.send(new GetQueueAttributesCommand({ QueueUrl: `${b.url}/000000000000/lib`, AttributeNames: ['All'] }))).rejects.toMatchObject({
        name: 'QueueDoesNotExist',
      });
      expect(await a.waitForIdle(1000)).toBe(true);
    } finally {
      sqs.destroy();
      other.destroy();
    }
  });

  it("'evlab' exposes the engine, its version and the error types with their exit codes", async () => {
    const lib = await import('evlab');
    expect(typeof lib.startEngine).toBe('function');
    expect(lib.ENGINE_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(lib.ExitCode).toMatchObject({ ok: 0, failed: 1, usage: 2, unreachable: 3, interrupted: 130 });
    const err = new lib.UnreachableError('http://127.0.0.1:1');
    expect(lib.isEvlabError(err)).toBe(true);
    expect(err.exitCode).toBe(3);
    expect(err.message).toBe('nothing answers at http://127.0.0.1:1');
    // The hint's commands start something on the port that was tried, so they can be pasted as they are.
    expect(err.hint).toContain('`evlab up --detach --port 1`');
    expect(err.hint).toContain('MOTO_ACCOUNT_ID=000000000000 python3 -m moto.server -p 1');
    expect(new lib.UnreachableError('http://127.0.0.1:4566').hint).toContain('`evlab up --detach`');
  });
});
