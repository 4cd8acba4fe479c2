"""Logs each sales event the rule sends here; a sale without a store_id is logged as a warning."""
import json


def handler(event, context):
    detail = event.get("detail", {})
    store = detail.get("store_id")
    line = {"msg": "sale", "detail_type": event.get("detail-type"), "store_id": store, **detail}
    if store is None:
        line["warning"] = "sale without store_id"
    print(json.dumps(line))
    return {"logged": event.get("id")}
