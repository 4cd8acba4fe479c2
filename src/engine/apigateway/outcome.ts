import { jsonReply, type HttpReply } from './http-call.js';
import type { LambdaCallOutcome } from './lambda-call.js';

/** Whose error bodies to copy: HTTP APIs, REST APIs and function URLs each word them their own way. */
export type Front = 'http' | 'rest' | 'url';

export interface MappedOutcome {
  reply: HttpReply;
  /** For $context.integrationErrorMessage in access logs. */
  integrationError?: string;
  integrationStatus?: number;
}

function errorReply(front: Front, status: number, kind: 'internal' | 'timeout' | 'too-large'): HttpReply {
  const text =
    kind === 'timeout'
      ? 'Endpoint request timed out'
      : kind === 'too-large'
        ? 'Request Entity Too Large'
        : front === 'rest'
          ? 'Internal server error'
          : 'Internal Server Error';
  if (front === 'url') return { status, headers: [['content-type', 'text/plain; charset=utf-8']], body: Buffer.from(text) };
  return jsonReply(status, { message: text });
}

/**
 * What the client gets for a Lambda call: the mapped response, 502 for a function error or a malformed
 * response, 504 when the integration timeout or the function's own timeout ran out, 500 when Lambda
 * refused the call (no such function, not Active).
 */
export function replyForOutcome(outcome: LambdaCallOutcome, front: Front, mapResponse: (payload: Buffer) => HttpReply | undefined): MappedOutcome {
  switch (outcome.kind) {
    case 'response': {
      const reply = mapResponse(outcome.payload);
      if (reply) return { reply, integrationStatus: 200 };
      return { reply: errorReply(front, 502, 'internal'), integrationStatus: 200, integrationError: 'The Lambda function returned an invalid response (malformed Lambda proxy response).' };
    }
    case 'function-error':
      return outcome.functionTimedOut
        ? { reply: errorReply(front, 504, 'timeout'), integrationStatus: 200, integrationError: outcome.message }
        : { reply: errorReply(front, 502, 'internal'), integrationStatus: 200, integrationError: `The Lambda function returned the following error: ${outcome.message}` };
    case 'integration-timeout':
      return { reply: errorReply(front, 504, 'timeout'), integrationError: outcome.message };
    case 'invoke-error':
      return outcome.tooLarge
        ? { reply: errorReply(front, 413, 'too-large'), integrationError: outcome.message }
        : { reply: errorReply(front, 500, 'internal'), integrationError: outcome.message };
  }
}

export const notFoundReply = (): HttpReply => jsonReply(404, { message: 'Not Found' });
