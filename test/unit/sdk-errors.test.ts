import { describe, expect, it } from 'vitest';
import { describeSdkError } from '../../src/aws/resources/errors.js';

function sdkError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, ...extra });
}

describe('describeSdkError', () => {
  it('keeps an AWS error code and adds the HTTP status', () => {
    const err = sdkError('ResourceNotFoundException', 'Function not found', { $metadata: { httpStatusCode: 404 } });
    expect(describeSdkError(err)).toEqual({ code: 'ResourceNotFoundException', message: 'Function not found (HTTP 404)' });
  });

  it('replaces the SDK deserialization noise with what the endpoint sent', () => {
    const err = sdkError('SyntaxError', 'Unexpected token \'<\', "<!doctype "... is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.', {
      $metadata: { httpStatusCode: 500 },
      $response: { headers: { 'content-type': 'text/html; charset=utf-8' } },
    });
    expect(describeSdkError(err)).toEqual({ code: 'HTTP500', message: 'the endpoint answered HTTP 500 with a text/html body that is not an AWS response' });
  });

  it('quotes the title of an error page when the body text is known', () => {
    const err = sdkError('SyntaxError', 'Deserialization error', {
      $metadata: { httpStatusCode: 502 },
      $responseBodyText: '<html><head><title>502 Bad Gateway</title></head><body>…</body></html>',
    });
    expect(describeSdkError(err).message).toBe('the endpoint answered HTTP 502 with a body that is not an AWS response: 502 Bad Gateway');
  });
});
