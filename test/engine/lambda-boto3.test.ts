import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { runPython, startTestEngine } from '../helpers/engine.js';
import { requirePython3 } from '../fixtures/lambda/helpers.js';

// An independent client: boto3 (botocore's REST-JSON serializer, its waiter and error parsing) against the engine.
const SCRIPT = String.raw`
import base64, io, json, zipfile, boto3, botocore.exceptions
lam = boto3.client("lambda")
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("app.py", "import os\ndef handler(event, context):\n    print('py says', event)\n    return {'got': event, 'fn': os.environ['AWS_LAMBDA_FUNCTION_NAME'], 'rid': context.aws_request_id}\n")
created = lam.create_function(FunctionName="boto3-fn", Runtime="python3.12", Handler="app.handler",
    Role="arn:aws:iam::000000000000:role/lambda-role", Code={"ZipFile": buf.getvalue()}, Timeout=5)
lam.get_waiter("function_active_v2").wait(FunctionName="boto3-fn", WaiterConfig={"Delay": 1, "MaxAttempts": 10})
got = lam.get_function(FunctionName="boto3-fn")
out = lam.invoke(FunctionName="boto3-fn", Payload=json.dumps({"x": 1}), LogType="Tail")
payload = json.loads(out["Payload"].read())
event = lam.invoke(FunctionName="boto3-fn", InvocationType="Event", Payload=b"{}")
listed = [f["FunctionName"] for f in lam.list_functions()["Functions"]]
try:
    lam.get_function(FunctionName="missing")
    missing = None
except lam.exceptions.ResourceNotFoundException as e:
    missing = {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
try:
    lam.create_function(FunctionName="boto3-fn", Runtime="python3.12", Handler="app.handler",
        Role="arn:aws:iam::000000000000:role/lambda-role", Code={"ZipFile": buf.getvalue()})
    conflict = None
except lam.exceptions.ResourceConflictException as e:
    conflict = e.response["Error"]["Message"]
print(json.dumps({
    "created": {k: created.get(k) for k in ("FunctionName", "State", "CodeSha256", "CodeSize", "Runtime")},
    "status": got["Configuration"]["State"],
    "location": got["Code"]["Location"],
    "invoke": {"status": out["StatusCode"], "version": out.get("ExecutedVersion"), "error": out.get("FunctionError"),
               "requestId": out["ResponseMetadata"]["RequestId"], "log": base64.b64decode(out["LogResult"]).decode()},
    "payload": payload,
    "eventStatus": event["StatusCode"],
    "listed": listed,
    "missing": missing,
    "conflict": conflict,
}))
`;

describe('Lambda through boto3', () => {
  let engine: Engine;
  beforeAll(async () => {
    requirePython3();
    engine = await startTestEngine();
  });
  afterAll(() => engine?.stop());

  it('creates, waits for Active, invokes, gets and lists as botocore expects', async () => {
    const out = JSON.parse(await runPython(SCRIPT, engine.url)) as Record<string, any>;
    expect(out.created).toMatchObject({ FunctionName: 'boto3-fn', State: 'Pending', Runtime: 'python3.12' });
    expect(out.created.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(out.status).toBe('Active');
    expect(out.location).toContain('/2015-03-31/functions/boto3-fn/');
    expect(out.invoke).toMatchObject({ status: 200, version: '$LATEST', error: null });
    expect(out.payload).toEqual({ got: { x: 1 }, fn: 'boto3-fn', rid: out.invoke.requestId });
    expect(out.invoke.log).toContain("py says {'x': 1}");
    expect(out.invoke.log).toContain(`REPORT RequestId: ${out.invoke.requestId}`);
    expect(out.eventStatus).toBe(202);
    expect(out.listed).toEqual(['boto3-fn']);
    expect(out.missing).toEqual({
      code: 'ResourceNotFoundException',
      message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing',
      status: 404,
    });
    expect(out.conflict).toBe('Function already exist: boto3-fn');
  });
});
