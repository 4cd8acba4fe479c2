"""A tiny AWS JSON-protocol client on the standard library, so the function needs no boto3.

The engine (and LocalStack, moto, AWS) accept these requests: a POST with X-Amz-Target and a
real Signature Version 4 signature computed from the credentials in the environment. The endpoint
is AWS_ENDPOINT_URL (set by evlab's engine and by LocalStack), else the service's AWS endpoint.
"""
import datetime
import hashlib
import hmac
import json
import os
import urllib.error
import urllib.parse
import urllib.request


class AwsError(Exception):
    def __init__(self, code, message, status):
        super().__init__(f"{code}: {message} (HTTP {status})")
        self.code = code
        self.status = status


def call(service, target, payload, json_version="1.0", timeout=5):
    """POSTs `payload` as AWS JSON to `service` (e.g. "dynamodb") with X-Amz-Target `target`."""
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    endpoint = (
        os.environ.get("AWS_ENDPOINT_URL_" + service.upper())
        or os.environ.get("AWS_ENDPOINT_URL")
        or f"https://{service}.{region}.amazonaws.com"
    )
    url = endpoint.rstrip("/") + "/"
    body = json.dumps(payload).encode("utf-8")
    headers = {
        "host": urllib.parse.urlsplit(url).netloc,
        "content-type": f"application/x-amz-json-{json_version}",
        "x-amz-target": target,
        "x-amz-date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ"),
    }
    token = os.environ.get("AWS_SESSION_TOKEN")
    if token:
        headers["x-amz-security-token"] = token
    headers["authorization"] = _authorization(service, region, headers, body)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode("utf-8")
            return json.loads(text) if text else {}
    except urllib.error.HTTPError as err:
        detail = _json_or_empty(err.read())
        code = str(detail.get("__type", "HTTPError")).rsplit("#", 1)[-1]
        raise AwsError(code, detail.get("message") or detail.get("Message") or err.reason, err.code) from None


def _authorization(service, region, headers, body):
    access_key = os.environ.get("AWS_ACCESS_KEY_ID", "test")
    secret_key = os.environ.get("AWS_SECRET_ACCESS_KEY", "test")
    amz_date = headers["x-amz-date"]
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    names = sorted(headers)
    canonical_request = "\n".join([
        "POST",
        "/",
        "",
        "".join(f"{name}:{headers[name].strip()}\n" for name in names),
        ";".join(names),
        hashlib.sha256(body).hexdigest(),
    ])
    string_to_sign = "\n".join([
        "AWS4-HMAC-SHA256",
        amz_date,
        scope,
        hashlib.sha256(canonical_request.encode("utf-8")).hexdigest(),
    ])
    key = ("AWS4" + secret_key).encode("utf-8")
    for part in (amz_date[:8], region, service, "aws4_request"):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    signature = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={';'.join(names)}, Signature={signature}"


def _json_or_empty(raw):
    try:
        value = json.loads(raw.decode("utf-8"))
        return value if isinstance(value, dict) else {}
    except ValueError:
        return {}
