/**
 * An error a service handler throws; the protocol layer turns it into the exact wire shape
 * of the protocol the request came in on (JSON 1.0/1.1, REST-JSON or query XML).
 */
export interface AwsErrorOptions {
  /** Sender (client) fault by default, as for nearly every validation/not-found error. */
  fault?: 'Sender' | 'Receiver';
  /** Extra response headers, e.g. SQS's `x-amzn-query-error`. */
  headers?: Record<string, string>;
  /** Extra fields in a JSON error body (Lambda's `Type`, SQS's legacy code for query clients...). */
  fields?: Record<string, unknown>;
  /** Query-protocol code where it differs from the JSON `__type` (SQS: AWS.SimpleQueueService.NonExistentQueue). */
  queryCode?: string;
  /** Namespace for JSON 1.0 `__type` (SQS uses `com.amazonaws.sqs#QueueDoesNotExist`). */
  typePrefix?: string;
}

export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  readonly fault: 'Sender' | 'Receiver';
  readonly headers: Record<string, string>;
  readonly fields: Record<string, unknown>;
  readonly queryCode?: string;
  readonly typePrefix?: string;

  constructor(code: string, status: number, message: string, options: AwsErrorOptions = {}) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
    this.fault = options.fault ?? (status >= 500 ? 'Receiver' : 'Sender');
    this.headers = options.headers ?? {};
    this.fields = options.fields ?? {};
    this.queryCode = options.queryCode;
    this.typePrefix = options.typePrefix;
  }
}

export const validationError = (message: string) => new AwsError('ValidationException', 400, message);

/** Anything that is not an AwsError is a bug in the engine: report it the way AWS reports its own faults. */
export function toAwsError(err: unknown): AwsError {
  if (err instanceof AwsError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new AwsError('InternalFailure', 500, `evlab engine internal error: ${message}`, { fault: 'Receiver' });
}
