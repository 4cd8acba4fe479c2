"""The Distance counter: one EventBridge event with a coordinate adds one to the counter in DynamoDB.

An event without what the counter needs raises, so Lambda retries it (asynchronous invocation)
and then hands it to the dead-letter queue: counter + DLQ = events fired.
"""
import json
import math
import os

import boto3

TABLE_NAME = os.environ.get("TABLE_NAME", "Distance")
COUNTER_KEY = {"Name": {"S": "Distance"}}
# Created once per execution environment, outside the handler, as AWS recommends. boto3 picks the endpoint
# from AWS_ENDPOINT_URL (set by evlab's engine and LocalStack; unset on AWS) and the region from AWS_REGION.
dynamodb = boto3.client("dynamodb")


class PoisonEvent(ValueError):
    """The event cannot be counted; retrying will not help, so it ends in the DLQ."""


def handler(event, context):
    detail = event.get("detail")
    coordinate = check(detail)
    distance = increment()
    print(json.dumps({"msg": "counted", "id": event.get("id"), "coordinate": coordinate, "distance": distance}))
    return {"distance": distance}


def check(detail):
    if not isinstance(detail, dict):
        raise PoisonEvent("detail is not an object")
    if detail.get("persist") is not True:
        raise PoisonEvent(f"persist is {json.dumps(detail.get('persist'))}, not true: the event must not be counted")
    coordinate = detail.get("coordinate")
    if not isinstance(coordinate, dict):
        raise PoisonEvent("detail.coordinate is missing")
    for axis in ("x", "y"):
        if axis not in coordinate:
            raise PoisonEvent(f"detail.coordinate.{axis} is missing")
        if not is_number(coordinate[axis]):
            raise PoisonEvent(f"detail.coordinate.{axis} is {json.dumps(coordinate[axis])}, not a number")
    return {"x": coordinate["x"], "y": coordinate["y"]}


def is_number(value):
    """A finite number, or a string holding one ("5", "-3.5"); booleans are not numbers here."""
    if isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def increment():
    # if_not_exists: `SET n = n + :one` on a missing attribute is a ValidationException.
    result = dynamodb.update_item(
        TableName=TABLE_NAME,
        Key=COUNTER_KEY,
        UpdateExpression="SET #d = if_not_exists(#d, :zero) + :one",
        ExpressionAttributeNames={"#d": "Distance"},
        ExpressionAttributeValues={":zero": {"N": "0"}, ":one": {"N": "1"}},
        ReturnValues="UPDATED_NEW",
    )
    return int(result["Attributes"]["Distance"]["N"])
