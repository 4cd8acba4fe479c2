import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ConfigError } from '../errors.js';
import { LogGroupMissing, type FilterFetcher } from './tail-core.js';

/** Filter patterns that work, shown when the endpoint rejects one. */
const FILTER_EXAMPLES = ['ERROR', '"exact phrase"', '{ $.level = "error" }', '?ERROR ?WARN'];

/** The endpoint rejected --filter: a usage error (exit 2) naming the flag, with patterns that work. */
export function invalidFilterError(pattern: string, reason: string): ConfigError {
  return new ConfigError('InvalidFilterPattern', `--filter ${JSON.stringify(pattern)} is not a valid CloudWatch Logs filter pattern (${reason})`, {
    hint: `for example: ${FILTER_EXAMPLES.map((p) => `--filter '${p}'`).join(', ')}`,
  });
}

/** An endpoint's "that filter pattern is invalid" answer (InvalidParameterException naming the pattern). */
export function isInvalidFilterPattern(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e?.name === 'InvalidParameterException' && /pattern/i.test(e.message ?? '');
}

/** FilterLogEvents through the SDK, mapping ResourceNotFoundException to LogGroupMissing. */
export async function cloudWatchFetcher(client: CloudWatchLogsClient, signal: AbortSignal): Promise<FilterFetcher> {
  const { FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  return async (request) => {
    try {
      const out = await client.send(
        new FilterLogEventsCommand({
          logGroupName: request.logGroupName,
          startTime: request.startTime,
          filterPattern: request.filterPattern || undefined,
          nextToken: request.nextToken,
        }),
        { abortSignal: signal },
      );
      return {
        nextToken: out.nextToken,
        events: (out.events ?? []).map((e) => ({
          // Every service gives eventIds; the fallback keeps a strange emulator from breaking dedupe.
          eventId: e.eventId ?? `${e.logStreamName}:${e.timestamp}:${e.message}`,
          timestamp: e.timestamp ?? 0,
          message: e.message ?? '',
          logStreamName: e.logStreamName,
          ingestionTime: e.ingestionTime,
        })),
      };
    } catch (err) {
      if ((err as Error).name === 'ResourceNotFoundException') throw new LogGroupMissing(request.logGroupName);
      if (request.filterPattern && isInvalidFilterPattern(err)) throw invalidFilterError(request.filterPattern, (err as Error).message);
      throw err;
    }
  };
}

/** Network-level failures (endpoint restarted, laptop asleep): worth retrying while following. */
export function isConnectionFailure(err: unknown): boolean {
  const e = err as { code?: string; name?: string; cause?: { code?: string }; $metadata?: { httpStatusCode?: number } };
  const code = e?.code ?? e?.cause?.code;
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code ?? '') ||
    e?.name === 'TimeoutError' ||
    (e?.$metadata?.httpStatusCode ?? 0) >= 500
  );
}
