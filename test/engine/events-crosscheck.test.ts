import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { runPython, startTestEngine, BOTO3_PRELUDE } from '../helpers/engine.js';
import { startMoto, type MotoServer } from '../helpers/moto.js';

let engine: Engine;
let moto: MotoServer;

beforeAll(async () => {
  [engine, moto] = await Promise.all([startTestEngine(), startMoto()]);
});
afterAll(async () => {
  await Promise.all([engine?.stop(), moto?.stop()]);
});

/** The same boto3 session against either endpoint; prints what the test compares. */
const BOTO3_SCRIPT = String.raw`${BOTO3_PRELUDE}
import boto3, json, time
from botocore.exceptions import ClientError
events = boto3.client('events')
sqs = boto3.client('sqs')


url = sqs.create_queue(QueueName='py-events')['QueueUrl']
arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
bus = events.create_event_bus(Name='py-bus')['EventBusArn']
rule = events.put_rule(Name='py-rule', EventBusName='py-bus', EventPattern=json.dumps({'source': ['py.app'], 'detail': {'n': [{'numeric': ['>', 1]}]}}))
targets = events.put_targets(Rule='py-rule', EventBusName='py-bus', Targets=[{'Id': 'q', 'Arn': arn}])
described = events.describe_rule(Name='py-rule', EventBusName='py-bus')
listed = events.list_targets_by_rule(Rule='py-rule', EventBusName='py-bus')['Targets']
put = events.put_events(Entries=[
  {'Source': 'py.app', 'DetailType': 'counted', 'Detail': json.dumps({'n': 2}), 'EventBusName': 'py-bus'},
  {'Source': 'py.app', 'DetailType': 'too small', 'Detail': json.dumps({'n': 1}), 'EventBusName': 'py-bus'},
  {'Source': 'py.app', 'DetailType': 'broken', 'Detail': '{oops', 'EventBusName': 'py-bus'},
  {'DetailType': 'no source', 'Detail': '{}', 'EventBusName': 'py-bus'},
])
messages = []
deadline = time.time() + 5
while time.time() < deadline and not messages:
  messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get('Messages', [])
body = json.loads(messages[0]['Body']) if messages else None
print(json.dumps({
  'busArn': bus,
  'ruleArn': rule['RuleArn'],
  'targets': {'failed': targets['FailedEntryCount'], 'listed': listed},
  'described': {k: described.get(k) for k in ('Name', 'Arn', 'State', 'EventBusName', 'EventPattern')},
  'put': {'failed': put['FailedEntryCount'], 'errors': [[e.get('ErrorCode'), e.get('ErrorMessage')] for e in put['Entries']], 'firstId': put['Entries'][0].get('EventId')},
  'delivered': len(messages),
  'body': {k: body.get(k) for k in ('id', 'source', 'detail-type', 'account', 'region', 'resources', 'detail')} if body else None,
  'errors': {
    'describeMissing': error(lambda: events.describe_rule(Name='missing', EventBusName='py-bus')),
    'missingBus': error(lambda: events.describe_event_bus(Name='no-such-bus')),
    'duplicateBus': error(lambda: events.create_event_bus(Name='py-bus')),
    'deleteDefault': error(lambda: events.delete_event_bus(Name='default')),
    'deleteWithTargets': error(lambda: events.delete_rule(Name='py-rule', EventBusName='py-bus')),
    'noPattern': error(lambda: events.put_rule(Name='empty')),
    'scheduleOnCustom': error(lambda: events.put_rule(Name='tick', EventBusName='py-bus', ScheduleExpression='rate(5 minutes)')),
    'targetsOnMissingRule': error(lambda: events.put_targets(Rule='missing', EventBusName='py-bus', Targets=[{'Id': 'q', 'Arn': arn}])),
    'badArn': error(lambda: events.put_targets(Rule='py-rule', EventBusName='py-bus', Targets=[{'Id': 'x', 'Arn': 'nope'}])),
    'elevenEntries': error(lambda: events.put_events(Entries=[{'Source': 's', 'DetailType': 'd', 'Detail': '{}'}] * 11)),
  },
}))
`;

/** TestEventPattern is not implemented by moto: checked against the engine alone. */
const TEST_PATTERN_SCRIPT = String.raw`
import boto3, json
from botocore.exceptions import ClientError
events = boto3.client('events')
event = json.dumps({'id': '1', 'detail-type': 'x', 'source': 'py.app', 'account': '000000000000', 'time': '2024-01-01T00:00:00Z', 'region': 'us-east-1', 'resources': [], 'detail': {'n': 5}})
def code(call):
  try:
    call()
  except ClientError as e:
    return [e.response['Error']['Code'], e.response['Error']['Message']]
print(json.dumps({
  'match': events.test_event_pattern(EventPattern=json.dumps({'detail': {'n': [{'numeric': ['>=', 5]}]}}), Event=event)['Result'],
  'miss': events.test_event_pattern(EventPattern=json.dumps({'source': ['other']}), Event=event)['Result'],
  'invalidPattern': code(lambda: events.test_event_pattern(EventPattern=json.dumps({'source': 'py.app'}), Event=event)),
  'invalidEvent': code(lambda: events.test_event_pattern(EventPattern=json.dumps({'source': ['py.app']}), Event='{}')),
}))
`;

describe('EventBridge cross-checks with boto3', () => {
  it('answers boto3 as moto (an independent emulator) does, and delivers to SQS', async () => {
    const [mine, reference] = await Promise.all([runPython(BOTO3_SCRIPT, engine.url), runPython(BOTO3_SCRIPT, moto.url)]).then((outs) =>
      outs.map((o) => JSON.parse(o)),
    );
    // Shapes and identifiers.
    expect(mine.busArn).toBe(reference.busArn);
    expect(mine.ruleArn).toBe(reference.ruleArn);
    expect(mine.ruleArn).toBe('arn:aws:events:us-east-1:000000000000:rule/py-bus/py-rule');
    expect(mine.targets).toEqual(reference.targets);
    expect(mine.described).toEqual(reference.described);
    // Per-entry PutEvents results: moto words them as AWS does.
    expect(mine.put.failed).toBe(2);
    expect(mine.put.errors).toEqual(reference.put.errors);
    // Delivery: exactly the matching event, as an AWS envelope.
    expect(mine.delivered).toBe(1);
    expect(mine.body).toEqual({
      id: mine.put.firstId,
      source: 'py.app',
      'detail-type': 'counted',
      account: '000000000000',
      region: 'us-east-1',
      resources: [],
      detail: { n: 2 },
    });
    // Error codes everywhere; messages where moto reproduces AWS's wording.
    for (const key of Object.keys(reference.errors)) {
      expect(mine.errors[key]?.code, key).toBe(reference.errors[key]?.code);
      expect(mine.errors[key]?.status, key).toBe(400);
    }
    for (const key of ['missingBus', 'duplicateBus', 'deleteDefault', 'deleteWithTargets', 'noPattern', 'scheduleOnCustom', 'targetsOnMissingRule', 'badArn']) {
      expect(mine.errors[key].message, key).toBe(reference.errors[key].message);
    }
    // moto omits "on EventBus <bus>" from DescribeRule's not-found message; AWS includes it.
    expect(mine.errors.describeMissing.message).toBe('Rule missing does not exist on EventBus py-bus.');
    expect(mine.errors.elevenEntries.message).toMatch(/at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10$/);
  });

  it('answers TestEventPattern for boto3', async () => {
    const out = JSON.parse(await runPython(TEST_PATTERN_SCRIPT, engine.url));
    expect(out.match).toBe(true);
    expect(out.miss).toBe(false);
    expect(out.invalidPattern[0]).toBe('InvalidEventPatternException');
    expect(out.invalidPattern[1]).toMatch(/^Event pattern is not valid\. Reason: /);
    expect(out.invalidEvent).toEqual(['ValidationException', 'Parameter Event is not valid.']);
  });
});
