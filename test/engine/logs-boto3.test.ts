import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { runPython, startTestEngine } from '../helpers/engine.js';

// An independent client: boto3 (botocore's own JSON 1.1 serializer and parser) against the engine.
const SCRIPT = String.raw`
import json, time, boto3, botocore.exceptions
logs = boto3.client("logs")
group, stream = "/evlab/boto3", "s1"
logs.create_log_group(logGroupName=group)
logs.create_log_stream(logGroupName=group, logStreamName=stream)
now = int(time.time() * 1000)
events = [{"timestamp": now + i, "message": json.dumps({"level": "ERROR" if i % 3 == 0 else "INFO", "latency": i * 10, "user": {"id": i}})} for i in range(12)]
put = logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
filtered = logs.filter_log_events(logGroupName=group, filterPattern='{ $.level = "ERROR" && $.latency >= 30 }')
pages = [len(p["events"]) for p in logs.get_paginator("filter_log_events").paginate(logGroupName=group, PaginationConfig={"PageSize": 5})]
got = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True, limit=4)
streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
groups = logs.describe_log_groups(logGroupNamePrefix="/evlab/")["logGroups"]
try:
    logs.filter_log_events(logGroupName=group, filterPattern="{ $.level = }")
    bad = None
except botocore.exceptions.ClientError as e:
    bad = e.response["Error"]
try:
    logs.create_log_group(logGroupName=group)
    dup = None
except logs.exceptions.ResourceAlreadyExistsException as e:
    dup = e.response["Error"]
print(json.dumps({
    "nextSequenceToken": put.get("nextSequenceToken"),
    "filtered": [json.loads(e["message"])["latency"] for e in filtered["events"]],
    "filteredStreams": sorted({e["logStreamName"] for e in filtered["events"]}),
    "pages": pages,
    "got": [json.loads(e["message"])["user"]["id"] for e in got["events"]],
    "forward": got["nextForwardToken"],
    "stream": {k: streams[0].get(k) for k in ("logStreamName", "firstEventTimestamp", "lastEventTimestamp")},
    "now": now,
    "group": {k: groups[0].get(k) for k in ("logGroupName", "arn")},
    "bad": bad,
    "dup": dup,
}))
`;

describe('CloudWatch Logs through boto3', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startTestEngine();
  });
  afterAll(() => engine.stop());

  it('creates, puts, filters with a JSON pattern, pages and reports errors as botocore expects', async () => {
    const out = JSON.parse(await runPython(SCRIPT, engine.url)) as Record<string, any>;
    expect(out.nextSequenceToken).toMatch(/^\d{56}$/);
    expect(out.filtered).toEqual([30, 60, 90]);
    expect(out.filteredStreams).toEqual(['s1']);
    expect(out.pages).toEqual([5, 5, 2]);
    expect(out.got).toEqual([0, 1, 2, 3]);
    expect(out.forward).toMatch(/^f\/\d{56}\/s$/);
    expect(out.stream).toEqual({ logStreamName: 's1', firstEventTimestamp: out.now, lastEventTimestamp: out.now + 11 });
    expect(out.group).toEqual({ logGroupName: '/evlab/boto3', arn: 'arn:aws:logs:us-east-1:000000000000:log-group:/evlab/boto3:*' });
    expect(out.bad).toEqual({ Code: 'InvalidParameterException', Message: 'Invalid filter pattern' });
    expect(out.dup).toEqual({ Code: 'ResourceAlreadyExistsException', Message: 'The specified log group already exists' });
  });
});
