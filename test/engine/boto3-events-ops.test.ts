import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { runPython, startTestEngine, BOTO3_PRELUDE } from '../helpers/engine.js';

// boto3 (botocore's JSON 1.1 serializer and error parsing) over the EventBridge bus, rule and target lifecycle,
// in one python process; deliveries are awaited through the engine's idle probe, never by sleeping.
let engine: Engine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine?.stop());

const SCRIPT = String.raw`${BOTO3_PRELUDE}
import boto3, json, time
from botocore.exceptions import ClientError
events = boto3.client('events')
sqs = boto3.client('sqs')


url = sqs.create_queue(QueueName='ev-ops')['QueueUrl']
qarn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
out = {}
out['created'] = events.create_event_bus(Name='ops-bus', Description='for ops')
out['created'].pop('ResponseMetadata')
out['describedBus'] = pick(events.describe_event_bus(Name='ops-bus'), 'Name', 'Arn', 'Description')
out['describedDefault'] = pick(events.describe_event_bus(), 'Name', 'Arn')
out['buses'] = [b['Name'] for b in events.list_event_buses()['EventBuses']]
out['busesPrefix'] = [b['Name'] for b in events.list_event_buses(NamePrefix='ops')['EventBuses']]

pattern = {'source': ['ops.app'], 'detail-type': ['order']}
r1 = events.put_rule(Name='ops-orders', EventBusName='ops-bus', EventPattern=json.dumps(pattern), State='DISABLED', Description='orders only')
events.put_rule(Name='ops-other', EventBusName='ops-bus', EventPattern=json.dumps({'source': ['other']}))
events.put_rule(Name='ops-default', EventPattern=json.dumps({'source': ['x']}))
out['ruleArn'] = r1['RuleArn']
out['describedRule'] = pick(events.describe_rule(Name='ops-orders', EventBusName='ops-bus'), 'Name', 'Arn', 'State', 'Description', 'EventBusName', 'EventPattern', 'CreatedBy')
out['rules'] = [pick(r, 'Name', 'State', 'Description', 'EventBusName') for r in events.list_rules(EventBusName='ops-bus')['Rules']]
out['rulesPrefix'] = [r['Name'] for r in events.list_rules(EventBusName='ops-bus', NamePrefix='ops-o')['Rules']]
out['rulesDefault'] = [r['Name'] for r in events.list_rules()['Rules']]
page = events.list_rules(EventBusName='ops-bus', Limit=1)
out['rulesPage'] = {'n': len(page['Rules']), 'next': 'NextToken' in page}
if 'NextToken' in page:
  out['rulesPage']['second'] = [r['Name'] for r in events.list_rules(EventBusName='ops-bus', Limit=1, NextToken=page['NextToken'])['Rules']]

targets = events.put_targets(Rule='ops-orders', EventBusName='ops-bus', Targets=[
  {'Id': 'q', 'Arn': qarn},
  {'Id': 'q2', 'Arn': qarn, 'InputPath': '$.detail'},
])
out['putTargets'] = {'failed': targets['FailedEntryCount'], 'entries': targets['FailedEntries']}
out['targets'] = sorted([t['Id'], t['Arn'], t.get('InputPath')] for t in events.list_targets_by_rule(Rule='ops-orders', EventBusName='ops-bus')['Targets'])
removed = events.remove_targets(Rule='ops-orders', EventBusName='ops-bus', Ids=['q2', 'nope'])
out['removeTargets'] = {'failed': removed['FailedEntryCount'], 'entries': removed['FailedEntries']}
out['targetsAfterRemove'] = [t['Id'] for t in events.list_targets_by_rule(Rule='ops-orders', EventBusName='ops-bus')['Targets']]

def drain():
  msgs = []
  while True:
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get('Messages', [])
    if not got: return msgs
    msgs += got

def idle():
  import urllib.request, os
  urllib.request.urlopen(os.environ['AWS_ENDPOINT_URL'] + '/_evlab/idle?timeout=5000').read()

# Disabled: an event is accepted but not delivered.
put1 = events.put_events(Entries=[{'Source': 'ops.app', 'DetailType': 'order', 'Detail': '{"n": 1}', 'EventBusName': 'ops-bus'}])
idle()
out['whileDisabled'] = {'failed': put1['FailedEntryCount'], 'delivered': len(drain())}
events.enable_rule(Name='ops-orders', EventBusName='ops-bus')
out['afterEnable'] = events.describe_rule(Name='ops-orders', EventBusName='ops-bus')['State']
put2 = events.put_events(Entries=[
  {'Source': 'ops.app', 'DetailType': 'order', 'Detail': '{"n": 2}', 'EventBusName': 'ops-bus'},
  {'Source': 'ops.app', 'DetailType': 'refund', 'Detail': '{"n": 3}', 'EventBusName': 'ops-bus'},
  {'Source': 'ops.app', 'DetailType': 'order', 'Detail': '[1, 2]', 'EventBusName': 'ops-bus'},
  {'Source': 'ops.app', 'DetailType': 'order', 'Detail': '{}', 'EventBusName': 'no-such-bus'},
])
idle()
out['put2'] = {'failed': put2['FailedEntryCount'], 'entries': [[('EventId' in e), e.get('ErrorCode'), e.get('ErrorMessage')] for e in put2['Entries']]}
out['deliveredAfterEnable'] = [json.loads(m['Body'])['detail'] for m in drain()]
events.disable_rule(Name='ops-orders', EventBusName='ops-bus')
out['afterDisable'] = events.describe_rule(Name='ops-orders', EventBusName='ops-bus')['State']
events.put_events(Entries=[{'Source': 'ops.app', 'DetailType': 'order', 'Detail': '{"n": 4}', 'EventBusName': 'ops-bus'}])
idle()
out['afterDisableDelivered'] = len(drain())

# Updating a rule in place keeps its targets; PutRule with an invalid pattern is refused.
events.put_rule(Name='ops-orders', EventBusName='ops-bus', EventPattern=json.dumps({'source': ['ops.app']}), Description='all of ops.app')
out['updated'] = pick(events.describe_rule(Name='ops-orders', EventBusName='ops-bus'), 'State', 'Description', 'EventPattern')
out['targetsKept'] = [t['Id'] for t in events.list_targets_by_rule(Rule='ops-orders', EventBusName='ops-bus')['Targets']]

out['errors'] = {
  'describeMissing': error(lambda: events.describe_rule(Name='nope', EventBusName='ops-bus')),
  'enableMissing': error(lambda: events.enable_rule(Name='nope', EventBusName='ops-bus')),
  'disableMissing': error(lambda: events.disable_rule(Name='nope')),
  'listTargetsMissing': error(lambda: events.list_targets_by_rule(Rule='nope', EventBusName='ops-bus')),
  'removeTargetsMissing': error(lambda: events.remove_targets(Rule='nope', EventBusName='ops-bus', Ids=['q'])),
  'invalidPattern': error(lambda: events.put_rule(Name='bad', EventBusName='ops-bus', EventPattern=json.dumps({'source': 'ops.app'}))),
  'notJsonPattern': error(lambda: events.put_rule(Name='bad', EventBusName='ops-bus', EventPattern='{oops')),
  'badState': error(lambda: events.put_rule(Name='bad', EventBusName='ops-bus', EventPattern=json.dumps(pattern), State='PAUSED')),
  'ruleOnMissingBus': error(lambda: events.put_rule(Name='r', EventBusName='no-such-bus', EventPattern=json.dumps(pattern))),
}
out['testPattern'] = events.test_event_pattern(EventPattern=json.dumps({'detail': {'n': [{'anything-but': 1}]}}),
  Event=json.dumps({'id': '1', 'detail-type': 'x', 'source': 's', 'account': '000000000000', 'time': '2024-01-01T00:00:00Z', 'region': 'us-east-1', 'resources': [], 'detail': {'n': 2}}))['Result']

# Teardown: remove targets, delete rules, delete the bus.
events.remove_targets(Rule='ops-orders', EventBusName='ops-bus', Ids=['q'])
events.delete_rule(Name='ops-orders', EventBusName='ops-bus')
out['deletedRule'] = error(lambda: events.describe_rule(Name='ops-orders', EventBusName='ops-bus'))
out['deleteMissingRule'] = error(lambda: events.delete_rule(Name='ops-orders', EventBusName='ops-bus'))
events.delete_event_bus(Name='ops-bus')  # its remaining rule (ops-other) goes with it
out['busesAfterDelete'] = [b['Name'] for b in events.list_event_buses()['EventBuses']]
out['deletedBus'] = error(lambda: events.describe_event_bus(Name='ops-bus'))
out['deleteMissingBus'] = error(lambda: events.delete_event_bus(Name='ops-bus'))
print(json.dumps(out))
`;

const notFound = (message: string) => ({ code: 'ResourceNotFoundException', message, status: 400 });

describe('EventBridge operations through boto3', () => {
  it('manages buses, rules (state, description, pattern) and targets, delivers only while enabled, and reports errors', async () => {
    const out = JSON.parse(await runPython(SCRIPT, engine.url));
    const busArn = 'arn:aws:events:us-east-1:000000000000:event-bus/ops-bus';
    expect(out.created).toEqual({ EventBusArn: busArn, Description: 'for ops' });
    expect(out.describedBus).toEqual({ Name: 'ops-bus', Arn: busArn, Description: 'for ops' });
    expect(out.describedDefault).toEqual({ Name: 'default', Arn: 'arn:aws:events:us-east-1:000000000000:event-bus/default' });
    expect(out.buses).toEqual(['default', 'ops-bus']);
    expect(out.busesPrefix).toEqual(['ops-bus']);

    expect(out.ruleArn).toBe('arn:aws:events:us-east-1:000000000000:rule/ops-bus/ops-orders');
    expect(out.describedRule).toEqual({
      Name: 'ops-orders',
      Arn: out.ruleArn,
      State: 'DISABLED',
      Description: 'orders only',
      EventBusName: 'ops-bus',
      EventPattern: '{"source": ["ops.app"], "detail-type": ["order"]}',
      CreatedBy: '000000000000',
    });
    expect(out.rules).toEqual([
      { Name: 'ops-orders', State: 'DISABLED', Description: 'orders only', EventBusName: 'ops-bus' },
      { Name: 'ops-other', State: 'ENABLED', Description: null, EventBusName: 'ops-bus' },
    ]);
    expect(out.rulesPrefix).toEqual(['ops-orders', 'ops-other']);
    expect(out.rulesDefault).toEqual(['ops-default']);
    expect(out.rulesPage).toEqual({ n: 1, next: true, second: ['ops-other'] });

    const queueArn = 'arn:aws:sqs:us-east-1:000000000000:ev-ops';
    expect(out.putTargets).toEqual({ failed: 0, entries: [] });
    expect(out.targets).toEqual([
      ['q', queueArn, null],
      ['q2', queueArn, '$.detail'],
    ]);
    // Removing an id the rule does not have is not a failure (AWS reports none).
    expect(out.removeTargets).toEqual({ failed: 0, entries: [] });
    expect(out.targetsAfterRemove).toEqual(['q']);

    // A disabled rule delivers nothing; enabled, exactly the matching event; disabled again, nothing.
    expect(out.whileDisabled).toEqual({ failed: 0, delivered: 0 });
    expect(out.afterEnable).toBe('ENABLED');
    // Per-entry results: the non-object Detail fails alone, in its place; an unknown bus is accepted (and dropped), as AWS does.
    expect(out.put2).toEqual({
      failed: 1,
      entries: [
        [true, null, null],
        [true, null, null],
        [false, 'MalformedDetail', 'Detail is malformed.'],
        [true, null, null],
      ],
    });
    expect(out.deliveredAfterEnable).toEqual([{ n: 2 }]);
    expect(out.afterDisable).toBe('DISABLED');
    expect(out.afterDisableDelivered).toBe(0);
    // PutRule on an existing rule updates pattern and description, keeps targets, and (State omitted) enables it.
    expect(out.updated).toEqual({ State: 'ENABLED', Description: 'all of ops.app', EventPattern: '{"source": ["ops.app"]}' });
    expect(out.targetsKept).toEqual(['q']);

    const e = out.errors;
    expect(e.describeMissing).toEqual(notFound('Rule nope does not exist on EventBus ops-bus.'));
    expect(e.enableMissing).toEqual(notFound('Rule nope does not exist on EventBus ops-bus.'));
    expect(e.disableMissing).toEqual(notFound('Rule nope does not exist on EventBus default.'));
    expect(e.listTargetsMissing).toEqual(notFound('Rule nope does not exist on EventBus ops-bus.'));
    expect(e.removeTargetsMissing).toEqual(notFound('Rule nope does not exist on EventBus ops-bus.'));
    expect(e.ruleOnMissingBus).toEqual(notFound('Event bus no-such-bus does not exist.'));
    expect(e.invalidPattern.code).toBe('InvalidEventPatternException');
    expect(e.invalidPattern.message).toMatch(/^Event pattern is not valid\. Reason: "source" must be an object or an array/);
    expect(e.notJsonPattern.code).toBe('InvalidEventPatternException');
    expect(e.notJsonPattern.message).toMatch(/^Event pattern is not valid\. Reason: Unexpected character/);
    expect(e.badState).toEqual({
      code: 'ValidationException',
      message:
        "1 validation error detected: Value 'PAUSED' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]",
      status: 400,
    });
    expect(out.testPattern).toBe(true);

    // Teardown: DeleteRule, then DeleteEventBus (taking its remaining rule along); deleting either again succeeds.
    expect(out.deletedRule).toEqual(notFound('Rule ops-orders does not exist on EventBus ops-bus.'));
    expect(out.deleteMissingRule).toBeNull();
    expect(out.busesAfterDelete).toEqual(['default']);
    expect(out.deletedBus).toEqual(notFound('Event bus ops-bus does not exist.'));
    expect(out.deleteMissingBus).toBeNull();
  });
});
