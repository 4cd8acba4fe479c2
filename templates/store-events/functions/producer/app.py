"""Emits a random mix of sales and inventory events on the store-orders bus and says what it sent.

Some events lack a store_id (a till that lost its configuration): they are sent anyway, and counted as
bad, so the consumer's handling of them can be seen. Payload (all optional): {"count": 20, "seed": 7}.
"""
import json
import os
import random
import uuid

import boto3

BUS = os.environ.get("EVENT_BUS_NAME", "store-orders")
BAD_SHARE = float(os.environ.get("BAD_SHARE", "0.2"))
STORES = ["store-001", "store-002", "store-003"]
SKUS = ["apple", "bread", "milk", "coffee", "tea"]
PUT_EVENTS_MAX = 10  # entries per PutEvents call
# One client per execution environment; the endpoint comes from AWS_ENDPOINT_URL where the engine or
# LocalStack sets it, else AWS's own.
events = boto3.client("events")


def handler(event, context):
    payload = event if isinstance(event, dict) else {}
    count = int(payload.get("count", 20))
    rng = random.Random(payload.get("seed"))
    entries = [make_entry(rng) for _ in range(count)]

    for start in range(0, len(entries), PUT_EVENTS_MAX):
        chunk = entries[start:start + PUT_EVENTS_MAX]
        result = events.put_events(Entries=chunk)
        # PutEvents fails per entry, not per call.
        if result.get("FailedEntryCount"):
            failed = [e for e in result.get("Entries", []) if e.get("ErrorCode")]
            raise RuntimeError(f"{len(failed)} events refused: {failed[0].get('ErrorCode')}: {failed[0].get('ErrorMessage')}")

    details = [json.loads(e["Detail"]) for e in entries]
    counts = {
        "tot_msgs": len(entries),
        "bad_msgs": sum(1 for d in details if "store_id" not in d),
        "sale_evnts": sum(1 for e in entries if e["DetailType"] == "sales-events"),
        "inventory_evnts": sum(1 for e in entries if e["DetailType"] == "inventory-events"),
    }
    print(json.dumps({"msg": "produced", **counts}))
    return counts


def make_entry(rng):
    if rng.random() < 0.5:
        detail_type = "sales-events"
        detail = {"sale_id": str(uuid.UUID(int=rng.getrandbits(128))), "sku": rng.choice(SKUS),
                  "quantity": rng.randint(1, 5), "amount": round(rng.uniform(1, 50), 2)}
    else:
        detail_type = "inventory-events"
        detail = {"sku": rng.choice(SKUS), "on_hand": rng.randint(0, 100)}
    if rng.random() >= BAD_SHARE:
        detail = {"store_id": rng.choice(STORES), **detail}
    return {"EventBusName": BUS, "Source": "store.pos", "DetailType": detail_type, "Detail": json.dumps(detail)}
