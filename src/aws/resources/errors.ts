/** The AWS error code of an SDK error (`name`, or `Code` for query-protocol errors). */
export function awsErrorCode(err: unknown): string {
  const e = err as { name?: string; Code?: string; code?: string; __type?: string };
  return e?.Code ?? e?.name ?? e?.code ?? e?.__type?.split('#').pop() ?? '';
}

/** Error codes meaning "that resource does not exist", across services and protocols. */
const NOT_FOUND = new Set([
  'ResourceNotFoundException',
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  'NoSuchEntity',
  'NoSuchEntityException',
  'ResourceNotFound',
]);

export function isNotFound(err: unknown): boolean {
  return NOT_FOUND.has(awsErrorCode(err));
}

/** The endpoint does not implement the operation or service (an emulator without IAM, say). */
export function isUnsupported(err: unknown): boolean {
  const code = awsErrorCode(err);
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return code === 'UnknownOperationException' || code === 'NotImplemented' || code === 'InternalFailure' || code === 'UnrecognizedClientException' || status === 501 || status === 404;
}

/** Resolves to undefined when the resource does not exist. */
export async function ifExists<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Runs a delete, treating "already gone" as done. Resolves to false when there was nothing to delete. */
export async function deleteIfExists(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** Polls until `check` returns a value, with short, growing pauses (local endpoints are fast). */
export async function pollUntil<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  // Local endpoints finish in milliseconds: start with short pauses, growing for slower ones.
  let pause = 10;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(Math.round(pause * 1.5), 1000);
  }
}

/**
 * An SDK error as a short code and message. When the endpoint answered with something that is not an AWS
 * response (an emulator's HTML error page, say), the SDK's "Deserialization error" is replaced by what came back.
 */
export function describeSdkError(err: unknown): { code: string; message: string } {
  const e = err as Error & { $metadata?: { httpStatusCode?: number }; $responseBodyText?: unknown; $response?: { headers?: Record<string, string> } };
  const status = e?.$metadata?.httpStatusCode;
  const suffix = status ? ` (HTTP ${status})` : '';
  const message = String(e?.message ?? err);
  if (message.includes('Deserialization error') || e?.name === 'SyntaxError') {
    const body = typeof e.$responseBodyText === 'string' ? summariseBody(e.$responseBodyText) : '';
    const type = e.$response?.headers?.['content-type']?.split(';')[0];
    return {
      code: status ? `HTTP${status}` : 'UnreadableResponse',
      message: `the endpoint answered${status ? ` HTTP ${status}` : ''} with ${type ? `a ${type} body` : 'a body'} that is not an AWS response${body ? `: ${body}` : ''}`,
    };
  }
  return { code: awsErrorCode(err) || 'Error', message: `${message}${suffix}` };
}

/** A code describeSdkError gives an answer that is not an AWS response (`HTTPnnn`, `UnreadableResponse`). */
export function isNotAwsResponse(code: string | undefined): boolean {
  return code !== undefined && (/^HTTP\d+$/.test(code) || code === 'UnreadableResponse');
}

/** The text of an error page, tags and runs of blanks removed, cut to one line. */
function summariseBody(body: string): string {
  const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1];
  const text = (title ?? body.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
