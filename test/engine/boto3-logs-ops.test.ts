import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { runPython, startTestEngine, BOTO3_PRELUDE } from '../helpers/engine.js';

// boto3 (botocore's JSON 1.1 serializer and parser) over the CloudWatch Logs operations logs-boto3.test.ts
// leaves out: time ranges, stream filters, tokens both ways, retention, rejected events, deletes and errors.
let engine: Engine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine?.stop());

const SCRIPT = String.raw`${BOTO3_PRELUDE}
import json, time, boto3
from botocore.exceptions import ClientError
logs = boto3.client('logs')


G = '/ops/app'
out = {}
logs.create_log_group(logGroupName=G)
logs.create_log_group(logGroupName='/ops/other')
for s in ('api-1', 'api-2', 'worker-1'):
  logs.create_log_stream(logGroupName=G, logStreamName=s)
base = (int(time.time()) - 3600) * 1000  # an hour ago: well inside retention
def put(stream, offsets, make):
  logs.put_log_events(logGroupName=G, logStreamName=stream, logEvents=[{'timestamp': base + o, 'message': make(o)} for o in offsets])
put('api-1', range(0, 10), lambda o: json.dumps({'stream': 'api-1', 'at': o, 'status': 500 if o % 4 == 0 else 200}))
put('api-2', range(5, 15), lambda o: json.dumps({'stream': 'api-2', 'at': o, 'status': 503 if o % 5 == 0 else 200}))
put('worker-1', range(0, 20, 2), lambda o: 'plain text line %d' % o)

def ats(events):
  return [[e['logStreamName'], json.loads(e['message'])['at'] if e['message'].startswith('{') else e['message']] for e in events]

# FilterLogEvents: time range, stream names, stream prefix, JSON pattern, and pagination through nextToken
out['timeRange'] = [e['timestamp'] - base for e in logs.filter_log_events(logGroupName=G, startTime=base + 6, endTime=base + 8)['events']]
out['byStreams'] = ats(logs.filter_log_events(logGroupName=G, logStreamNames=['api-2'], startTime=base + 12)['events'])
out['byPrefix'] = sorted({e['logStreamName'] for e in logs.filter_log_events(logGroupName=G, logStreamNamePrefix='api-')['events']})
out['jsonPattern'] = ats(logs.filter_log_events(logGroupName=G, filterPattern='{ $.status >= 500 }')['events'])
out['textPattern'] = len(logs.filter_log_events(logGroupName=G, filterPattern='"plain text"')['events'])
collected, token, calls = [], None, 0
while True:
  kw = {'logGroupName': G, 'limit': 7, 'logStreamNamePrefix': 'api-'}
  if token: kw['nextToken'] = token
  page = logs.filter_log_events(**kw)
  calls += 1
  collected += [e['timestamp'] - base for e in page['events']]
  token = page.get('nextToken')
  if not token: break
out['paged'] = {'calls': calls, 'count': len(collected), 'sorted': collected == sorted(collected)}
out['interleavedIds'] = len({e['eventId'] for e in logs.filter_log_events(logGroupName=G)['events']})

# GetLogEvents: head, tail (default), time range, and paging forward with the returned token until it repeats
tail = logs.get_log_events(logGroupName=G, logStreamName='api-1', limit=3)
out['tail'] = [json.loads(e['message'])['at'] for e in tail['events']]
head = logs.get_log_events(logGroupName=G, logStreamName='api-1', limit=3, startFromHead=True)
out['head'] = [json.loads(e['message'])['at'] for e in head['events']]
nxt = logs.get_log_events(logGroupName=G, logStreamName='api-1', limit=3, nextToken=head['nextForwardToken'])
out['headNext'] = [json.loads(e['message'])['at'] for e in nxt['events']]
back = logs.get_log_events(logGroupName=G, logStreamName='api-1', limit=3, nextToken=tail['nextBackwardToken'])
out['tailBack'] = [json.loads(e['message'])['at'] for e in back['events']]
out['window'] = [json.loads(e['message'])['at'] for e in logs.get_log_events(logGroupName=G, logStreamName='api-1', startTime=base + 2, endTime=base + 5, startFromHead=True)['events']]
end = logs.get_log_events(logGroupName=G, logStreamName='api-1', startFromHead=True)
again = logs.get_log_events(logGroupName=G, logStreamName='api-1', nextToken=end['nextForwardToken'])
out['endOfStream'] = {'events': len(again['events']), 'sameToken': again['nextForwardToken'] == end['nextForwardToken']}

# DescribeLogStreams: prefix, order by last event time, descending
streams = logs.describe_log_streams(logGroupName=G, logStreamNamePrefix='api')['logStreams']
out['streams'] = [[s['logStreamName'], s['firstEventTimestamp'] - base, s['lastEventTimestamp'] - base] for s in streams]
out['byLastEvent'] = [s['logStreamName'] for s in logs.describe_log_streams(logGroupName=G, orderBy='LastEventTime', descending=True)['logStreams']]
sp = logs.describe_log_streams(logGroupName=G, limit=2)
out['streamPage'] = {'n': len(sp['logStreams']), 'next': [s['logStreamName'] for s in logs.describe_log_streams(logGroupName=G, limit=2, nextToken=sp['nextToken'])['logStreams']]}

# Retention
logs.put_retention_policy(logGroupName=G, retentionInDays=7)
out['retention'] = [pick(g, 'logGroupName', 'retentionInDays') for g in logs.describe_log_groups(logGroupNamePrefix='/ops/')['logGroups']]
out['badRetention'] = error(lambda: logs.put_retention_policy(logGroupName=G, retentionInDays=8))
logs.delete_retention_policy(logGroupName=G)
out['retentionCleared'] = 'retentionInDays' in logs.describe_log_groups(logGroupNamePrefix=G)['logGroups'][0]
gp = logs.describe_log_groups(limit=1)
out['groupPage'] = {'n': len(gp['logGroups']), 'hasNext': 'nextToken' in gp}

# PutLogEvents: out-of-range events are rejected by index (tooOld exclusive, tooNew inclusive); a batch must be in time order
now = int(time.time() * 1000)
logs.create_log_stream(logGroupName='/ops/other', logStreamName='r')
rej = logs.put_log_events(logGroupName='/ops/other', logStreamName='r',
  logEvents=[{'timestamp': now - 15 * 86400 * 1000, 'message': 'old'}, {'timestamp': now, 'message': 'kept'}, {'timestamp': now + 3 * 3600 * 1000, 'message': 'future'}])
out['rejected'] = rej.get('rejectedLogEventsInfo')
out['keptOnly'] = [e['message'] for e in logs.get_log_events(logGroupName='/ops/other', logStreamName='r')['events']]

# Errors
out['errors'] = {
  'putMissingGroup': error(lambda: logs.put_log_events(logGroupName='/nope', logStreamName='s', logEvents=[{'timestamp': base, 'message': 'x'}])),
  'putMissingStream': error(lambda: logs.put_log_events(logGroupName=G, logStreamName='nope', logEvents=[{'timestamp': base, 'message': 'x'}])),
  'getMissingStream': error(lambda: logs.get_log_events(logGroupName=G, logStreamName='nope')),
  'filterMissingGroup': error(lambda: logs.filter_log_events(logGroupName='/nope')),
  'streamsMissingGroup': error(lambda: logs.describe_log_streams(logGroupName='/nope')),
  'retentionMissingGroup': error(lambda: logs.put_retention_policy(logGroupName='/nope', retentionInDays=1)),
  'createStreamMissingGroup': error(lambda: logs.create_log_stream(logGroupName='/nope', logStreamName='s')),
  'dupStream': error(lambda: logs.create_log_stream(logGroupName=G, logStreamName='api-1')),
  'outOfOrder': error(lambda: logs.put_log_events(logGroupName=G, logStreamName='api-1', logEvents=[{'timestamp': base + 50, 'message': 'b'}, {'timestamp': base + 40, 'message': 'a'}])),
  'namesAndPrefix': error(lambda: logs.filter_log_events(logGroupName=G, logStreamNames=['api-1'], logStreamNamePrefix='api')),
  'badToken': error(lambda: logs.get_log_events(logGroupName=G, logStreamName='api-1', nextToken='garbage')),
  'dupGroup': error(lambda: logs.create_log_group(logGroupName=G)),
}

# DeleteLogStream, DeleteLogGroup
logs.delete_log_stream(logGroupName=G, logStreamName='worker-1')
out['afterStreamDelete'] = [s['logStreamName'] for s in logs.describe_log_streams(logGroupName=G)['logStreams']]
out['deleteStreamAgain'] = error(lambda: logs.delete_log_stream(logGroupName=G, logStreamName='worker-1'))
logs.delete_log_group(logGroupName=G)
out['afterGroupDelete'] = [g['logGroupName'] for g in logs.describe_log_groups(logGroupNamePrefix='/ops/')['logGroups']]
out['deleteGroupAgain'] = error(lambda: logs.delete_log_group(logGroupName=G))
out['getAfterDelete'] = error(lambda: logs.get_log_events(logGroupName=G, logStreamName='api-1'))
print(json.dumps(out))
`;

const notFound = (what: 'group' | 'stream') => ({ code: 'ResourceNotFoundException', message: `The specified log ${what} does not exist.`, status: 400 });
const invalid = (message: string) => ({ code: 'InvalidParameterException', message, status: 400 });

describe('CloudWatch Logs operations through boto3', () => {
  it('filters by time and stream, pages both ways, keeps retention, rejects out-of-range events, deletes and reports errors', async () => {
    const out = JSON.parse(await runPython(SCRIPT, engine.url));
    // FilterLogEvents: startTime and endTime are both inclusive; results are in time order across streams.
    expect(out.timeRange).toEqual([6, 6, 6, 7, 7, 8, 8, 8]);
    expect(out.byStreams).toEqual([
      ['api-2', 12],
      ['api-2', 13],
      ['api-2', 14],
    ]);
    expect(out.byPrefix).toEqual(['api-1', 'api-2']);
    expect(out.jsonPattern).toEqual([
      ['api-1', 0],
      ['api-1', 4],
      ['api-2', 5],
      ['api-1', 8],
      ['api-2', 10],
    ]);
    expect(out.textPattern).toBe(10);
    expect(out.paged).toEqual({ calls: 3, count: 20, sorted: true });
    expect(out.interleavedIds).toBe(30);
    // GetLogEvents: the newest page by default, the oldest with startFromHead, tokens forward and backward;
    // endTime is exclusive here; at the end of the stream the forward token comes back unchanged.
    expect(out.tail).toEqual([7, 8, 9]);
    expect(out.head).toEqual([0, 1, 2]);
    expect(out.headNext).toEqual([3, 4, 5]);
    expect(out.tailBack).toEqual([4, 5, 6]);
    expect(out.window).toEqual([2, 3, 4]);
    expect(out.endOfStream).toEqual({ events: 0, sameToken: true });
    // DescribeLogStreams.
    expect(out.streams).toEqual([
      ['api-1', 0, 9],
      ['api-2', 5, 14],
    ]);
    expect(out.byLastEvent).toEqual(['worker-1', 'api-2', 'api-1']);
    expect(out.streamPage).toEqual({ n: 2, next: ['worker-1'] });
    // Retention.
    expect(out.retention).toEqual([
      { logGroupName: '/ops/app', retentionInDays: 7 },
      { logGroupName: '/ops/other', retentionInDays: null },
    ]);
    expect(out.badRetention).toEqual(
      invalid(
        "1 validation error detected: Value '8' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]",
      ),
    );
    expect(out.retentionCleared).toBe(false);
    expect(out.groupPage).toEqual({ n: 1, hasNext: true });
    // Events more than 14 days old or 2 hours ahead are rejected by index and not stored.
    expect(out.rejected).toEqual({ tooOldLogEventEndIndex: 1, tooNewLogEventStartIndex: 2 });
    expect(out.keptOnly).toEqual(['kept']);

    const e = out.errors;
    for (const key of ['putMissingGroup', 'filterMissingGroup', 'streamsMissingGroup', 'retentionMissingGroup', 'createStreamMissingGroup']) {
      expect(e[key], key).toEqual(notFound('group'));
    }
    expect(e.putMissingStream).toEqual(notFound('stream'));
    expect(e.getMissingStream).toEqual(notFound('stream'));
    expect(e.dupStream).toEqual({ code: 'ResourceAlreadyExistsException', message: 'The specified log stream already exists', status: 400 });
    expect(e.dupGroup).toEqual({ code: 'ResourceAlreadyExistsException', message: 'The specified log group already exists', status: 400 });
    expect(e.outOfOrder).toEqual(invalid('Log events in a single PutLogEvents request must be in chronological order.'));
    expect(e.namesAndPrefix).toEqual(invalid('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.'));
    expect(e.badToken).toEqual(invalid('The specified nextToken is invalid.'));

    // DeleteLogStream and DeleteLogGroup; deleting again names what is missing.
    expect(out.afterStreamDelete).toEqual(['api-1', 'api-2']);
    expect(out.deleteStreamAgain).toEqual(notFound('stream'));
    expect(out.afterGroupDelete).toEqual(['/ops/other']);
    expect(out.deleteGroupAgain).toEqual(notFound('group'));
    expect(out.getAfterDelete).toEqual(notFound('group'));
  });
});
