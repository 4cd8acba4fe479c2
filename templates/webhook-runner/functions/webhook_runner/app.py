"""Runs a webhook job: posts the rows of an NDJSON file to a destination in batches.

Started over HTTP (POST /lambda/<name>, an API Gateway HTTP API route) with the body
    {"data_url", "callback_url", "webhook_id", "access_token",
     "settings": {"destination_url", "batch_size": 50, "max_batches_per_invocation": 4}}
it downloads data_url with a plain HTTP GET (an object of a bucket, read by URL), posts the rows in batches
to settings.destination_url (Authorization: Bearer <access_token>), and after each batch reports progress to
callback_url. When its batch budget is used up and rows remain, it invokes itself asynchronously
(InvocationType Event) with the offset to continue from, so a long job never meets the Lambda timeout.
Callbacks carry a sequence number, so the receiver sees them in order: started, progress..., completed.
"""
import json
import urllib.error
import urllib.request

import boto3

HTTP_TIMEOUT_SECONDS = 10
# One client per execution environment; the endpoint comes from AWS_ENDPOINT_URL where the engine or
# LocalStack sets it, else AWS's own.
lambda_client = boto3.client("lambda")


def handler(event, context):
    if "requestContext" in event:
        return start(event, context)
    return run(event, context)


def start(event, context):
    """The HTTP entry point: check the request, then run the first share of the job."""
    name = (event.get("pathParameters") or {}).get("name")
    if name != context.function_name:
        return reply(404, {"message": f"no webhook runner named {name!r} here (this is {context.function_name})"})
    try:
        body = json.loads(event.get("body") or "")
    except ValueError:
        return reply(400, {"message": "the body must be JSON"})
    settings = body.get("settings") or {}
    missing = [k for k in ("data_url", "callback_url", "webhook_id", "access_token") if not body.get(k)]
    if not settings.get("destination_url"):
        missing.append("settings.destination_url")
    if missing:
        return reply(400, {"message": "missing: " + ", ".join(missing)})
    job = {
        "webhook_id": body["webhook_id"],
        "data_url": body["data_url"],
        "callback_url": body["callback_url"],
        "access_token": body["access_token"],
        "settings": settings,
        "offset": 0,
        "invocation": 1,
        "seq": 0,
    }
    outcome = run(job, context)
    return reply(200 if outcome["status"] == "completed" else 202, outcome)


def run(job, context):
    """One share of the job: at most max_batches_per_invocation batches from job["offset"] on."""
    settings = job["settings"]
    batch_size = int(settings.get("batch_size", 50))
    budget = int(settings.get("max_batches_per_invocation", 4))
    rows = download_rows(job["data_url"])
    offset = job["offset"]
    seq = job["seq"]
    if offset == 0:
        seq += 1
        callback(job, seq, "started", 0, len(rows))
    batches = 0
    while offset < len(rows) and batches < budget:
        batch = rows[offset:offset + batch_size]
        post_json(settings["destination_url"], {"webhook_id": job["webhook_id"], "offset": offset, "rows": batch}, job["access_token"])
        offset += len(batch)
        batches += 1
        seq += 1
        callback(job, seq, "progress", offset, len(rows))
    if offset < len(rows):
        # The budget is used up: continue in a fresh invocation, asynchronously.
        follow_up = dict(job, offset=offset, invocation=job["invocation"] + 1, seq=seq)
        lambda_client.invoke(FunctionName=context.function_name, InvocationType="Event", Payload=json.dumps(follow_up).encode())
        print(json.dumps({"msg": "continuing", "webhook_id": job["webhook_id"], "offset": offset, "next_invocation": follow_up["invocation"]}))
        return {"webhook_id": job["webhook_id"], "status": "continuing", "rows_sent": offset, "total_rows": len(rows)}
    seq += 1
    callback(job, seq, "completed", offset, len(rows))
    print(json.dumps({"msg": "completed", "webhook_id": job["webhook_id"], "rows": len(rows), "invocations": job["invocation"]}))
    return {"webhook_id": job["webhook_id"], "status": "completed", "rows_sent": offset, "total_rows": len(rows)}


def download_rows(url):
    with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT_SECONDS) as res:
        text = res.read().decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def callback(job, seq, status, rows_sent, total_rows):
    post_json(job["callback_url"], {
        "webhook_id": job["webhook_id"],
        "seq": seq,
        "status": status,
        "rows_sent": rows_sent,
        "total_rows": total_rows,
        "invocation": job["invocation"],
    }, job["access_token"])


def post_json(url, payload, token):
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as res:
            res.read()
    except urllib.error.HTTPError as err:
        raise RuntimeError(f"POST {url} answered HTTP {err.code}") from err


def reply(status, body):
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}
