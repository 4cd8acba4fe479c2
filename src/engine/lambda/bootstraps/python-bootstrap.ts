/**
 * The Python runtime client the engine runs for python3.* functions: Lambda Runtime API loop,
 * handler(event, context), AWS's error shapes (errorMessage/errorType/requestId/stackTrace) and log
 * format (`[INFO]\t<time>\t<request id>\t<message>` for the logging module), on the host's python3.
 * Standard library only. A string so that it ships inside dist/ (see node-bootstrap.ts).
 */
export const PYTHON_BOOTSTRAP = String.raw`
import decimal
import http.client
import importlib
import json
import logging
import os
import signal
import sys
import threading
import time
import traceback

MARK = sys.argv.pop(1) if len(sys.argv) > 1 else ""
HOST, PORT = (os.environ.get("AWS_LAMBDA_RUNTIME_API") or "127.0.0.1:9001").rsplit(":", 1)
PREFIX = "/2018-06-01/runtime"
BOOTSTRAP_FILE = os.path.abspath(__file__)
_current_id = None
_conn = None


def _die():
    try:
        os.killpg(os.getpgid(0), signal.SIGKILL)
    except Exception:
        pass
    os._exit(137)


def _watch_engine():
    # The engine holds our stdin open; it ends when the engine goes away, even when it was killed.
    try:
        while sys.stdin.buffer.read(65536):
            pass
    except Exception:
        pass
    _die()


threading.Thread(target=_watch_engine, daemon=True).start()


def _request(method, path, body=None, headers=None):
    global _conn
    for attempt in (0, 1):
        if _conn is None:
            _conn = http.client.HTTPConnection(HOST, int(PORT))
        try:
            _conn.request(method, PREFIX + path, body=body.encode("utf-8") if isinstance(body, str) else body, headers=headers or {})
            response = _conn.getresponse()
            return response, response.read()
        except (OSError, http.client.HTTPException):
            _conn.close()
            _conn = None
    _die()


def _flush():
    sys.stdout.write(MARK + "\n")
    sys.stdout.flush()
    sys.stderr.write(MARK + "\n")
    sys.stderr.flush()


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _current_id
        return True


class _LambdaFormatter(logging.Formatter):
    converter = time.gmtime

    def format(self, record):
        return super().format(record).replace("\n", "\r")


def _setup_logging():
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(_LambdaFormatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S"))
    handler.addFilter(_RequestIdFilter())
    logging.getLogger().addHandler(handler)


def _frames(tb):
    return [f for f in traceback.extract_tb(tb) if os.path.abspath(f.filename) != BOOTSTRAP_FILE]


def _error_body(error, tb, error_type=None, message=None):
    return {
        "errorMessage": message if message is not None else str(error),
        "errorType": error_type or type(error).__name__,
        "requestId": _current_id or "",
        "stackTrace": traceback.format_list(_frames(tb)) if tb is not None else [],
    }


def _log_error(body):
    lines = ["[ERROR] %s: %s" % (body["errorType"], body["errorMessage"]), "Traceback (most recent call last):"]
    lines.extend(line.rstrip("\n") for line in body["stackTrace"])
    sys.stdout.write("\r".join(lines).replace("\n", "\r") + "\n")


class _Encoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, decimal.Decimal):
            return int(o) if o == o.to_integral_value() else float(o)
        return super().default(o)


class LambdaContext:
    def __init__(self, request_id, headers):
        self.aws_request_id = request_id
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE") or 128)
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.client_context = _json_or_none(headers.get("Lambda-Runtime-Client-Context"))
        self.identity = _json_or_none(headers.get("Lambda-Runtime-Cognito-Identity"))
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms") or 0)

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def log(self, message):
        sys.stdout.write(str(message))


def _json_or_none(text):
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


class _InitError(Exception):
    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type


def _load_handler():
    handler = os.environ.get("_HANDLER", "")
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as e:
        raise _InitError("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler, e))
    module_name = module_name.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise _InitError("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, e))
    except SyntaxError as e:
        raise _InitError("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, e))
    fn = getattr(module, function_name, None)
    if fn is None:
        raise _InitError("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, module_name))
    return fn


def main():
    global _current_id
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    sys.path[0:1] = [task_root]
    _setup_logging()
    try:
        handler = _load_handler()
    except Exception as e:
        error_type = e.error_type if isinstance(e, _InitError) else type(e).__name__
        body = _error_body(e, e.__traceback__ if not isinstance(e, _InitError) else None, error_type)
        _log_error(body)
        _flush()
        _request("POST", "/init/error", json.dumps(body), {"Lambda-Runtime-Function-Error-Type": error_type, "Content-Type": "application/json"})
        # Not sys.exit: interpreter shutdown stalls on the stdin watcher thread.
        os._exit(1)

    while True:
        response, data = _request("GET", "/invocation/next")
        if response.status != 200:
            _die()
        request_id = response.getheader("Lambda-Runtime-Aws-Request-Id")
        _current_id = request_id
        os.environ["_X_AMZN_TRACE_ID"] = response.getheader("Lambda-Runtime-Trace-Id") or ""
        headers = {k: v for k, v in response.getheaders()}
        try:
            event = json.loads(data) if data else {}
            result = handler(event, LambdaContext(request_id, headers))
            try:
                body = json.dumps(result, cls=_Encoder)
            except Exception as e:
                raise _InitError("Runtime.MarshalError", "Unable to marshal response: %s" % e)
        except Exception as e:
            if isinstance(e, _InitError):
                error = _error_body(e, None, e.error_type)
            else:
                error = _error_body(e, e.__traceback__)
            _log_error(error)
            _flush()
            _request("POST", "/invocation/%s/error" % request_id, json.dumps(error),
                     {"Lambda-Runtime-Function-Error-Type": error["errorType"], "Content-Type": "application/json"})
            continue
        _flush()
        _request("POST", "/invocation/%s/response" % request_id, body, {"Content-Type": "application/json"})


main()
`;
