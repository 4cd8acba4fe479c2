import { describe, expect, it } from 'vitest';
import { describeInFlight, subscriptionIds } from '../../src/status/in-flight.js';
import { peekUrl, readDeadLetters } from '../../src/status/problems.js';
import { describeReadError } from '../../src/status/gather.js';
import { localDateTime } from '../../src/logs/format.js';
import { invalidFilterError, isInvalidFilterPattern } from '../../src/logs/cloudwatch.js';

describe('describeInFlight: the engine\'s idle snapshot in words', () => {
  it('names each kind of work, and the function a subscription feeds', () => {
    const uuid = 'ae250ec5-0000-4000-8000-000000000000';
    expect(
      describeInFlight({ retry: 4, [`lambda-esm:${uuid}`]: 5, invocation: 1, event: 2 }, { [uuid]: { function: 'counter', queue: 'jobs' } }),
    ).toEqual([
      '4 invocations waiting for a retry',
      '5 messages on their way to function counter via its SQS subscription (queue jobs)',
      '1 invocation running',
      "2 events being routed to their rules' targets",
    ]);
  });

  it('never shows a bare internal key, even without the mapping\'s names', () => {
    const lines = describeInFlight({ 'lambda-esm:abc': 1, delivery: 3, subscription: 2 });
    expect(lines).toEqual([
      '1 message on its way to a function via an SQS subscription (event source mapping abc)',
      '3 deliveries to rule targets in progress',
      '2 messages on their way to a subscribed function',
    ]);
    expect(subscriptionIds({ 'lambda-esm:abc': 1, retry: 1 })).toEqual(['abc']);
  });
});

describe('dead-letter queue hints work on a clean machine', () => {
  const url = 'http://127.0.0.1:4566/000000000000/counter-dlq';
  it('on the engine and LocalStack: the peek URL first (does not consume), then the aws CLI with region and dummy credentials', () => {
    const [peek, aws] = readDeadLetters({ url: 'http://127.0.0.1:4566', kind: 'evlab', label: '', source: 'default' }, url, 'us-east-1');
    expect(peek).toBe(
      "peek at them (they stay in the queue): curl -H 'Accept: application/json' 'http://127.0.0.1:4566/_aws/sqs/messages?QueueUrl=http%3A%2F%2F127.0.0.1%3A4566%2F000000000000%2Fcounter-dlq'",
    );
    expect(aws).toBe(
      `or receive them: AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws --endpoint-url http://127.0.0.1:4566 --region us-east-1 sqs receive-message --queue-url ${url} --max-number-of-messages 10 --attribute-names All --message-attribute-names All`,
    );
  });

  it('elsewhere (moto): the aws CLI only', () => {
    const lines = readDeadLetters({ url: 'http://127.0.0.1:5000', kind: 'moto', label: '', source: 'flag' }, url, 'eu-west-1');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^read them: AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws --endpoint-url http:\/\/127\.0\.0\.1:5000 --region eu-west-1 sqs receive-message/);
  });

  it('names a region other than the default in the peek path (path-style queue URLs carry none)', () => {
    expect(peekUrl('http://127.0.0.1:4566', url, 'eu-west-1')).toBe('http://127.0.0.1:4566/_aws/sqs/messages/eu-west-1/000000000000/counter-dlq');
  });
});

describe('describeReadError', () => {
  it('turns a deserialization error from a non-AWS answer into what came back', () => {
    const err = Object.assign(new Error("Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response"), {
      name: 'SyntaxError',
      $metadata: { httpStatusCode: 501 },
      $response: { headers: { 'content-type': 'text/html;charset=utf-8' } },
    });
    const read = describeReadError(err);
    expect(read).toEqual({ error: 'the endpoint answered HTTP 501 with a text/html body that is not an AWS response', errorCode: 'HTTP501' });
  });

  it('keeps the AWS error code of an ordinary error', () => {
    const err = Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    expect(describeReadError(err)).toEqual({ error: 'AccessDeniedException: denied (HTTP 403)', errorCode: 'AccessDeniedException' });
  });
});

describe('tail', () => {
  it('prints times in the header as local YYYY-MM-DD HH:MM:SS', () => {
    const t = new Date(2024, 4, 1, 16, 51, 26).getTime();
    expect(localDateTime(t)).toBe('2024-05-01 16:51:26');
    expect(localDateTime(new Date(2024, 11, 31, 4, 5, 6).getTime())).toBe('2024-12-31 04:05:06');
  });

  it('maps an invalid --filter to a usage error with examples', () => {
    const rejected = Object.assign(new Error('Invalid filter pattern'), { name: 'InvalidParameterException' });
    expect(isInvalidFilterPattern(rejected)).toBe(true);
    expect(isInvalidFilterPattern(Object.assign(new Error('bad token'), { name: 'InvalidParameterException' }))).toBe(false);
    const err = invalidFilterError('{ $.msg = ', 'Invalid filter pattern');
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('--filter "{ $.msg = "');
    for (const example of ['ERROR', '"exact phrase"', '{ $.level = "error" }', '?ERROR ?WARN']) expect(err.hint).toContain(example);
  });
});
