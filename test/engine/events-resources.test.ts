import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeClient,
  ListEventBusesCommand,
  ListRuleNamesByTargetCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  TestEventPatternCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-eventbridge';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';

let engine: Engine;
let eb: EventBridgeClient;

beforeAll(async () => {
  engine = await startTestEngine();
  eb = new EventBridgeClient(clientConfig(engine.url));
});
afterAll(() => engine.stop());

const ACCOUNT = '000000000000';
const pattern = (p: unknown) => JSON.stringify(p);

/** The error an SDK call fails with (name and message), for asserting AWS's codes and wording. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('event buses', () => {
  it('has a default bus in every region', async () => {
    const d = await eb.send(new DescribeEventBusCommand({}));
    expect(d).toMatchObject({ Name: 'default', Arn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default` });
    expect(d.CreationTime).toBeInstanceOf(Date);
    const west = new EventBridgeClient(clientConfig(engine.url, 'eu-west-1'));
    expect((await west.send(new DescribeEventBusCommand({ Name: 'default' }))).Arn).toBe(`arn:aws:events:eu-west-1:${ACCOUNT}:event-bus/default`);
  });

  it('creates, describes (by name or ARN), lists and deletes custom buses', async () => {
    const created = await eb.send(new CreateEventBusCommand({ Name: 'orders', Description: 'order events' }));
    expect(created.EventBusArn).toBe(`arn:aws:events:us-east-1:${ACCOUNT}:event-bus/orders`);
    expect(created.Description).toBe('order events');
    const byArn = await eb.send(new DescribeEventBusCommand({ Name: created.EventBusArn }));
    expect(byArn).toMatchObject({ Name: 'orders', Description: 'order events' });

    await eb.send(new CreateEventBusCommand({ Name: 'orders-archive' }));
    const all = await eb.send(new ListEventBusesCommand({}));
    expect(all.EventBuses!.map((b) => b.Name)).toEqual(expect.arrayContaining(['default', 'orders', 'orders-archive']));
    const prefixed = await eb.send(new ListEventBusesCommand({ NamePrefix: 'orders' }));
    expect(prefixed.EventBuses!.map((b) => b.Name)).toEqual(['orders', 'orders-archive']);
    const page = await eb.send(new ListEventBusesCommand({ NamePrefix: 'orders', Limit: 1 }));
    expect(page.EventBuses!.map((b) => b.Name)).toEqual(['orders']);
    const next = await eb.send(new ListEventBusesCommand({ NamePrefix: 'orders', Limit: 1, NextToken: page.NextToken }));
    expect(next.EventBuses!.map((b) => b.Name)).toEqual(['orders-archive']);
    expect(next.NextToken).toBeUndefined();

    await eb.send(new DeleteEventBusCommand({ Name: 'orders-archive' }));
    // Deleting again is not an error (AWS models no not-found error for DeleteEventBus).
    await eb.send(new DeleteEventBusCommand({ Name: 'orders-archive' }));
    expect(await failure(eb.send(new DescribeEventBusCommand({ Name: 'orders-archive' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Event bus orders-archive does not exist.',
      status: 400,
    });
  });

  it('refuses duplicates, the default bus, slashes and deleting default', async () => {
    await eb.send(new CreateEventBusCommand({ Name: 'dup' }));
    expect(await failure(eb.send(new CreateEventBusCommand({ Name: 'dup' })))).toMatchObject({
      name: 'ResourceAlreadyExistsException',
      message: 'Event bus dup already exists.',
    });
    expect(await failure(eb.send(new CreateEventBusCommand({ Name: 'default' })))).toMatchObject({ name: 'ResourceAlreadyExistsException' });
    expect(await failure(eb.send(new CreateEventBusCommand({ Name: 'a/b' })))).toMatchObject({ name: 'ValidationException' });
    expect(await failure(eb.send(new CreateEventBusCommand({ Name: 'bad name' })))).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern"),
    });
    expect(await failure(eb.send(new DeleteEventBusCommand({ Name: 'default' })))).toMatchObject({
      name: 'ValidationException',
      message: 'Cannot delete event bus default.',
    });
  });

  it('deletes a bus together with its rules', async () => {
    await eb.send(new CreateEventBusCommand({ Name: 'short-lived' }));
    await eb.send(new PutRuleCommand({ Name: 'r', EventBusName: 'short-lived', EventPattern: pattern({ source: ['x'] }) }));
    await eb.send(new DeleteEventBusCommand({ Name: 'short-lived' }));
    await eb.send(new CreateEventBusCommand({ Name: 'short-lived' }));
    expect((await eb.send(new ListRulesCommand({ EventBusName: 'short-lived' }))).Rules).toEqual([]);
  });
});

describe('rules', () => {
  it('puts, describes and lists rules with AWS ARNs on default and custom buses', async () => {
    const onDefault = await eb.send(new PutRuleCommand({ Name: 'orders-placed', EventPattern: pattern({ source: ['shop'] }), Description: 'placed' }));
    expect(onDefault.RuleArn).toBe(`arn:aws:events:us-east-1:${ACCOUNT}:rule/orders-placed`);
    await eb.send(new CreateEventBusCommand({ Name: 'rules-bus' }));
    const busArn = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/rules-bus`;
    const onCustom = await eb.send(new PutRuleCommand({ Name: 'on-custom', EventBusName: busArn, EventPattern: pattern({ source: ['shop'] }), State: 'DISABLED' }));
    expect(onCustom.RuleArn).toBe(`arn:aws:events:us-east-1:${ACCOUNT}:rule/rules-bus/on-custom`);

    const described = await eb.send(new DescribeRuleCommand({ Name: 'orders-placed' }));
    expect(described).toMatchObject({
      Name: 'orders-placed',
      Arn: onDefault.RuleArn,
      EventPattern: pattern({ source: ['shop'] }),
      State: 'ENABLED',
      Description: 'placed',
      EventBusName: 'default',
      CreatedBy: ACCOUNT,
    });
    const custom = await eb.send(new DescribeRuleCommand({ Name: 'on-custom', EventBusName: 'rules-bus' }));
    expect(custom).toMatchObject({ State: 'DISABLED', EventBusName: 'rules-bus' });

    const listed = await eb.send(new ListRulesCommand({ EventBusName: 'rules-bus' }));
    expect(listed.Rules).toEqual([
      { Name: 'on-custom', Arn: onCustom.RuleArn, EventPattern: pattern({ source: ['shop'] }), State: 'DISABLED', EventBusName: 'rules-bus' },
    ]);
  });

  it('replaces a rule on a second PutRule, keeping targets but not omitted settings', async () => {
    await eb.send(new PutRuleCommand({ Name: 'replaced', EventPattern: pattern({ source: ['a'] }), Description: 'first', State: 'DISABLED' }));
    await eb.send(new PutTargetsCommand({ Rule: 'replaced', Targets: [{ Id: 't', Arn: 'arn:aws:sqs:us-east-1:000000000000:nowhere' }] }));
    await eb.send(new PutRuleCommand({ Name: 'replaced', EventPattern: pattern({ source: ['b'] }) }));
    const d = await eb.send(new DescribeRuleCommand({ Name: 'replaced' }));
    expect(d.EventPattern).toBe(pattern({ source: ['b'] }));
    expect(d.State).toBe('ENABLED');
    expect(d.Description).toBeUndefined();
    expect((await eb.send(new ListTargetsByRuleCommand({ Rule: 'replaced' }))).Targets).toHaveLength(1);
  });

  it('lists by prefix with pagination', async () => {
    await eb.send(new CreateEventBusCommand({ Name: 'paged' }));
    for (const n of ['p-c', 'p-a', 'p-b', 'q-a']) {
      await eb.send(new PutRuleCommand({ Name: n, EventBusName: 'paged', EventPattern: pattern({ source: ['x'] }) }));
    }
    const first = await eb.send(new ListRulesCommand({ EventBusName: 'paged', NamePrefix: 'p-', Limit: 2 }));
    expect(first.Rules!.map((r) => r.Name)).toEqual(['p-a', 'p-b']);
    const second = await eb.send(new ListRulesCommand({ EventBusName: 'paged', NamePrefix: 'p-', Limit: 2, NextToken: first.NextToken }));
    expect(second.Rules!.map((r) => r.Name)).toEqual(['p-c']);
    expect(second.NextToken).toBeUndefined();
    expect(await failure(eb.send(new ListRulesCommand({ EventBusName: 'paged', Limit: 101 })))).toMatchObject({ name: 'ValidationException' });
  });

  it('enables and disables', async () => {
    await eb.send(new PutRuleCommand({ Name: 'toggle', EventPattern: pattern({ source: ['x'] }) }));
    await eb.send(new DisableRuleCommand({ Name: 'toggle' }));
    expect((await eb.send(new DescribeRuleCommand({ Name: 'toggle' }))).State).toBe('DISABLED');
    await eb.send(new EnableRuleCommand({ Name: 'toggle' }));
    expect((await eb.send(new DescribeRuleCommand({ Name: 'toggle' }))).State).toBe('ENABLED');
    expect(await failure(eb.send(new EnableRuleCommand({ Name: 'no-such-rule' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Rule no-such-rule does not exist on EventBus default.',
    });
  });

  it('answers AWS errors for missing rules and buses, bad patterns and bad settings', async () => {
    expect(await failure(eb.send(new DescribeRuleCommand({ Name: 'missing' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Rule missing does not exist on EventBus default.',
    });
    expect(await failure(eb.send(new PutRuleCommand({ Name: 'r', EventBusName: 'no-bus', EventPattern: pattern({ source: ['x'] }) })))).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Event bus no-bus does not exist.',
    });
    const bad = await failure(eb.send(new PutRuleCommand({ Name: 'bad', EventPattern: pattern({ source: 'not-an-array' }) })));
    expect(bad.name).toBe('InvalidEventPatternException');
    expect(bad.message).toMatch(/^Event pattern is not valid\. Reason: /);
    expect(await failure(eb.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{not json' })))).toMatchObject({ name: 'InvalidEventPatternException' });
    expect(await failure(eb.send(new PutRuleCommand({ Name: 'nothing' })))).toMatchObject({
      name: 'ValidationException',
      message: 'Parameter(s) EventPattern or ScheduleExpression must be specified.',
    });
    expect(await failure(eb.send(new PutRuleCommand({ Name: 'bad name!', EventPattern: pattern({ source: ['x'] }) })))).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    });
    expect(await failure(eb.send(new PutRuleCommand({ Name: 's', EventPattern: pattern({ source: ['x'] }), State: 'ON' as never })))).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]'),
    });
  });

  it('accepts schedule expressions on the default bus only', async () => {
    expect((await eb.send(new PutRuleCommand({ Name: 'every-5', ScheduleExpression: 'rate(5 minutes)' }))).RuleArn).toContain(':rule/every-5');
    await eb.send(new PutRuleCommand({ Name: 'nightly', ScheduleExpression: 'cron(0 3 * * ? *)' }));
    expect((await eb.send(new DescribeRuleCommand({ Name: 'nightly' }))).ScheduleExpression).toBe('cron(0 3 * * ? *)');
    for (const bad of ['rate(5 minute)', 'rate(1 minutes)', 'rate(0 minutes)', 'cron(0 3 * * *)', 'every day']) {
      expect(await failure(eb.send(new PutRuleCommand({ Name: 'bad-schedule', ScheduleExpression: bad })))).toMatchObject({
        name: 'ValidationException',
        message: 'Parameter ScheduleExpression is not valid.',
      });
    }
    await eb.send(new CreateEventBusCommand({ Name: 'no-schedules' }));
    expect(await failure(eb.send(new PutRuleCommand({ Name: 's', EventBusName: 'no-schedules', ScheduleExpression: 'rate(1 hour)' })))).toMatchObject({
      name: 'ValidationException',
      message: 'ScheduleExpression is supported only on the default event bus.',
    });
  });

  it('refuses to delete a rule that still has targets; deleting a missing rule succeeds', async () => {
    await eb.send(new PutRuleCommand({ Name: 'with-targets', EventPattern: pattern({ source: ['x'] }) }));
    await eb.send(new PutTargetsCommand({ Rule: 'with-targets', Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:000000000000:q' }] }));
    expect(await failure(eb.send(new DeleteRuleCommand({ Name: 'with-targets' })))).toMatchObject({
      name: 'ValidationException',
      message: "Rule can't be deleted since it has targets.",
    });
    await eb.send(new RemoveTargetsCommand({ Rule: 'with-targets', Ids: ['q'] }));
    await eb.send(new DeleteRuleCommand({ Name: 'with-targets' }));
    await eb.send(new DeleteRuleCommand({ Name: 'with-targets' }));
    expect(await failure(eb.send(new DescribeRuleCommand({ Name: 'with-targets' })))).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('targets', () => {
  const queue = (n: string) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${n}`;

  it('puts, replaces, lists and removes targets, keeping what the caller gave', async () => {
    await eb.send(new PutRuleCommand({ Name: 'targets-rule', EventPattern: pattern({ source: ['x'] }) }));
    const put = await eb.send(
      new PutTargetsCommand({
        Rule: 'targets-rule',
        Targets: [
          { Id: 'a', Arn: queue('a'), InputPath: '$.detail' },
          {
            Id: 'b',
            Arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
            InputTransformer: { InputPathsMap: { id: '$.detail.id' }, InputTemplate: '{"id": <id>}' },
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 },
            DeadLetterConfig: { Arn: queue('dlq') },
          },
        ],
      }),
    );
    expect(put).toMatchObject({ FailedEntryCount: 0, FailedEntries: [] });
    await eb.send(new PutTargetsCommand({ Rule: 'targets-rule', Targets: [{ Id: 'a', Arn: queue('a2'), Input: '{"constant":true}' }] }));
    const listed = await eb.send(new ListTargetsByRuleCommand({ Rule: 'targets-rule' }));
    expect(listed.Targets).toEqual([
      { Id: 'a', Arn: queue('a2'), Input: '{"constant":true}' },
      {
        Id: 'b',
        Arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
        InputTransformer: { InputPathsMap: { id: '$.detail.id' }, InputTemplate: '{"id": <id>}' },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 },
        DeadLetterConfig: { Arn: queue('dlq') },
      },
    ]);
    const page = await eb.send(new ListTargetsByRuleCommand({ Rule: 'targets-rule', Limit: 1 }));
    expect(page.Targets!.map((t) => t.Id)).toEqual(['a']);
    expect((await eb.send(new ListTargetsByRuleCommand({ Rule: 'targets-rule', NextToken: page.NextToken }))).Targets!.map((t) => t.Id)).toEqual(['b']);

    const byTarget = await eb.send(new ListRuleNamesByTargetCommand({ TargetArn: queue('a2') }));
    expect(byTarget.RuleNames).toEqual(['targets-rule']);

    const removed = await eb.send(new RemoveTargetsCommand({ Rule: 'targets-rule', Ids: ['a', 'not-there'] }));
    expect(removed).toMatchObject({ FailedEntryCount: 0, FailedEntries: [] });
    expect((await eb.send(new ListTargetsByRuleCommand({ Rule: 'targets-rule' }))).Targets!.map((t) => t.Id)).toEqual(['b']);
  });

  it('answers AWS errors for missing rules, limits and bad targets', async () => {
    expect(await failure(eb.send(new PutTargetsCommand({ Rule: 'nope', Targets: [{ Id: 'a', Arn: queue('a') }] })))).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Rule nope does not exist on EventBus default.',
    });
    expect(await failure(eb.send(new ListTargetsByRuleCommand({ Rule: 'nope' })))).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await failure(eb.send(new RemoveTargetsCommand({ Rule: 'nope', Ids: ['a'] })))).toMatchObject({ name: 'ResourceNotFoundException' });

    await eb.send(new PutRuleCommand({ Name: 'limited', EventPattern: pattern({ source: ['x'] }) }));
    const five = ['1', '2', '3', '4', '5'].map((Id) => ({ Id, Arn: queue(Id) }));
    await eb.send(new PutTargetsCommand({ Rule: 'limited', Targets: five }));
    expect(await failure(eb.send(new PutTargetsCommand({ Rule: 'limited', Targets: [{ Id: '6', Arn: queue('6') }] })))).toMatchObject({
      name: 'LimitExceededException',
      message: 'The requested resource exceeds the maximum number allowed.',
    });
    // Replacing an existing target is not a new one.
    await eb.send(new PutTargetsCommand({ Rule: 'limited', Targets: [{ Id: '5', Arn: queue('five') }] }));

    await eb.send(new PutRuleCommand({ Name: 'checked', EventPattern: pattern({ source: ['x'] }) }));
    const put = (target: Record<string, unknown>) => failure(eb.send(new PutTargetsCommand({ Rule: 'checked', Targets: [target as never] })));
    expect(await put({ Id: 'x', Arn: 'not-an-arn' })).toMatchObject({
      name: 'ValidationException',
      message: 'Parameter not-an-arn is not valid. Reason: Provided Arn is not in correct format.',
    });
    expect(await put({ Id: 'bad id', Arn: queue('a') })).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("at 'targets.1.member.id' failed to satisfy constraint"),
    });
    expect(await put({ Id: 'x', Arn: queue('a'), Input: '{}', InputPath: '$.detail' })).toMatchObject({
      name: 'ValidationException',
      message: 'Only one of Input, InputPath, or InputTransformer must be provided for target x.',
    });
    expect(await put({ Id: 'x', Arn: queue('a'), InputTransformer: { InputPathsMap: { a: '$.detail.a' }, InputTemplate: '{"b": <b>}' } })).toMatchObject({
      name: 'ValidationException',
      message: 'InputTemplate for target x contains invalid placeholder b.',
    });
    expect(await put({ Id: 'x', Arn: queue('q.fifo') })).toMatchObject({
      name: 'ValidationException',
      message: 'Parameter(s) SqsParameters must be specified for target: x.',
    });
    expect(await put({ Id: 'x', Arn: queue('a'), RetryPolicy: { MaximumRetryAttempts: 186 } })).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("at 'targets.1.member.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185"),
    });
    const eleven = Array.from({ length: 11 }, (_, i) => ({ Id: `t${i}`, Arn: queue('a') }));
    expect(await failure(eb.send(new PutTargetsCommand({ Rule: 'checked', Targets: eleven })))).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("at 'targets' failed to satisfy constraint: Member must have length less than or equal to 10"),
    });
  });
});

describe('tags', () => {
  it('tags buses and rules by ARN', async () => {
    const bus = await eb.send(new CreateEventBusCommand({ Name: 'tagged', Tags: [{ Key: 'team', Value: 'orders' }] }));
    await eb.send(new TagResourceCommand({ ResourceARN: bus.EventBusArn, Tags: [{ Key: 'env', Value: 'dev' }] }));
    expect((await eb.send(new ListTagsForResourceCommand({ ResourceARN: bus.EventBusArn }))).Tags).toEqual([
      { Key: 'team', Value: 'orders' },
      { Key: 'env', Value: 'dev' },
    ]);
    await eb.send(new UntagResourceCommand({ ResourceARN: bus.EventBusArn, TagKeys: ['team'] }));
    expect((await eb.send(new ListTagsForResourceCommand({ ResourceARN: bus.EventBusArn }))).Tags).toEqual([{ Key: 'env', Value: 'dev' }]);

    const rule = await eb.send(new PutRuleCommand({ Name: 'tagged-rule', EventBusName: 'tagged', EventPattern: pattern({ source: ['x'] }), Tags: [{ Key: 'k', Value: 'v' }] }));
    expect((await eb.send(new ListTagsForResourceCommand({ ResourceARN: rule.RuleArn }))).Tags).toEqual([{ Key: 'k', Value: 'v' }]);
    expect(await failure(eb.send(new ListTagsForResourceCommand({ ResourceARN: `arn:aws:events:us-east-1:${ACCOUNT}:rule/nope` })))).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Rule nope does not exist on EventBus default.',
    });
  });
});

describe('TestEventPattern', () => {
  const event = {
    id: '1',
    'detail-type': 'Order Placed',
    source: 'shop',
    account: ACCOUNT,
    time: '2024-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { total: 120, currency: 'EUR' },
  };

  it('answers true and false', async () => {
    const match = await eb.send(new TestEventPatternCommand({ EventPattern: pattern({ source: ['shop'], detail: { total: [{ numeric: ['>', 100] }] } }), Event: JSON.stringify(event) }));
    expect(match.Result).toBe(true);
    const miss = await eb.send(new TestEventPatternCommand({ EventPattern: pattern({ detail: { currency: ['USD'] } }), Event: JSON.stringify(event) }));
    expect(miss.Result).toBe(false);
  });

  it('rejects invalid patterns and events as AWS does', async () => {
    const invalid = await failure(eb.send(new TestEventPatternCommand({ EventPattern: pattern({ source: 'shop' }), Event: JSON.stringify(event) })));
    expect(invalid.name).toBe('InvalidEventPatternException');
    expect(invalid.message).toMatch(/^Event pattern is not valid\. Reason: /);
    expect(await failure(eb.send(new TestEventPatternCommand({ EventPattern: pattern({ source: ['shop'] }), Event: '{not json' })))).toMatchObject({
      name: 'ValidationException',
      message: 'Parameter Event is not valid.',
    });
    const { id: _id, ...withoutId } = event;
    expect(await failure(eb.send(new TestEventPatternCommand({ EventPattern: pattern({ source: ['shop'] }), Event: JSON.stringify(withoutId) })))).toMatchObject({
      name: 'ValidationException',
      message: 'Parameter Event is not valid.',
    });
    const { resources: _r, ...withoutResources } = event;
    expect((await eb.send(new TestEventPatternCommand({ EventPattern: pattern({ source: ['shop'] }), Event: JSON.stringify(withoutResources) }))).Result).toBe(true);
  });
});

describe('protocol', () => {
  it('answers unknown operations and bad JSON with AWS-shaped errors', async () => {
    const post = (target: string, body: string) =>
      fetch(engine.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, authorization: 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/events/aws4_request, SignedHeaders=host, Signature=x' },
        body,
      });
    const unknown = await post('AWSEvents.CreateArchive', '{}');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
    const bad = await post('AWSEvents.PutRule', '{oops');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ __type: 'SerializationException' });
  });
});
