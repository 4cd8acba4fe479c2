// Buckets, APIs and function URLs in the stack file: every problem is found before an endpoint is touched,
// with the file's line, and the stack's desired state has the permissions AWS needs.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ValidationError, type Problem } from '../../src/errors.js';
import { parseStack } from '../../src/stack/load.js';
import { validateStack } from '../../src/stack/validate.js';
import { desiredState } from '../../src/stack/desired.js';
import { routeKeyProblem } from '../../src/stack/validate-entry-points.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/stacks/entry-points');
const file = join(fixture, 'evlab.json');
const text = readFileSync(file, 'utf8');

function variant(change: (stack: any) => void): Problem[] {
  const stack = JSON.parse(text);
  change(stack);
  return validateStack(stack, { dir: fixture });
}

function only(problems: Problem[]): Problem {
  expect(problems, JSON.stringify(problems, null, 2)).toHaveLength(1);
  return problems[0]!;
}

/** The fixture with one line replaced, parsed as a file (so problems carry their line). */
function fileProblems(from: string, to: string): Problem[] {
  expect(text).toContain(from);
  try {
    parseStack(text.replace(from, to), file);
  } catch (err) {
    if (err instanceof ValidationError) return err.problems;
    throw err;
  }
  return [];
}

const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('buckets, APIs and function URLs in the stack file', () => {
  it('accepts the fixture', () => {
    expect(validateStack(JSON.parse(text), { dir: fixture })).toEqual([]);
  });

  it('a notification to an undeclared function names the file line and the declared ones', () => {
    const p = only(fileProblems('{ "function": "worker", "events"', '{ "function": "wroker", "events"'));
    expect(p.path).toBe('buckets.entry-uploads.notifications[0].function');
    expect(p.message).toBe(`names the function "wroker", which is not declared under "functions" (line ${lineOf('"function": "worker", "events"')})`);
    expect(p.hint).toContain('did you mean "worker"?');
  });

  it('a notification to an undeclared queue', () => {
    const p = only(variant((s) => (s.buckets['entry-uploads'].notifications[1].queue = 'nope')));
    expect(p.path).toBe('buckets.entry-uploads.notifications[1].queue');
    expect(p.message).toContain('names the queue "nope", which is not declared under "queues"');
  });

  it('a route to an undeclared function, with its line', () => {
    const p = only(fileProblems('"ANY /{proxy+}": { "function": "api"', '"ANY /{proxy+}": { "function": "apii"'));
    expect(p.path).toBe('apis.entry-api.routes["ANY /{proxy+}"].function');
    expect(p.message).toBe(`names the function "apii", which is not declared under "functions" (line ${lineOf('ANY /{proxy+}')})`);
  });

  it('invalid route keys, each with what is wrong', () => {
    const p = only(fileProblems('"GET /items/{id}"', '"FETCH /items/{id}"'));
    expect(p.path).toBe('apis.entry-api.routes["FETCH /items/{id}"]');
    expect(p.message).toBe(`"FETCH /items/{id}" is not a valid route key: "FETCH" is not an HTTP method API Gateway routes (line ${lineOf('GET /items/{id}')})`);
    expect(routeKeyProblem('GET items', 'http')?.message).toContain('a method, one space and a path starting with /');
    expect(routeKeyProblem('ANY /{proxy+}/x', 'http')?.message).toContain('must be the last segment');
    expect(routeKeyProblem('GET /a//b', 'http')?.message).toContain('empty segment');
    expect(routeKeyProblem('$default', 'rest')?.message).toContain('REST APIs have no $default route');
    expect(routeKeyProblem('$default', 'http')).toBeUndefined();
    expect(routeKeyProblem('get /v1/jobs/{id}', 'rest')).toBeUndefined();
  });

  it('two keys for one route', () => {
    const p = only(variant((s) => (s.apis['entry-api'].routes['any /{proxy+}'] = { function: 'api' })));
    expect(p.message).toBe('is the same route as "ANY /{proxy+}"');
  });

  it('a seed folder that does not exist, with the path looked for', () => {
    const p = only(fileProblems('"objects": "seed"', '"objects": "seeds"'));
    expect(p.path).toBe('buckets.entry-uploads.objects');
    expect(p.message).toBe(`the folder "seeds" does not exist (looked for ${join(fixture, 'seeds')}) (line ${lineOf('"objects"')})`);
  });

  it('a notification with two destinations or none, EventBridge with filters, overlapping rules', () => {
    expect(only(variant((s) => (s.buckets['entry-uploads'].notifications[1].function = 'worker'))).message).toBe(
      'names function and queue: a notification has exactly one destination',
    );
    expect(only(variant((s) => (s.buckets['entry-uploads'].notifications = [{ prefix: 'x/' }]))).message).toBe('names no destination');
    expect(only(variant((s) => (s.buckets['entry-uploads'].notifications = [{ eventBridge: true, prefix: 'x/' }]))).message).toContain('does not apply to EventBridge');
    const overlap = only(variant((s) => (s.buckets['entry-uploads'].notifications[1] = { queue: 'uploads', prefix: 'job_offers/2024/' })));
    expect(overlap.message).toBe('overlaps notifications[0]: S3 rejects two notifications that can match the same event');
  });

  it('unknown event types and bad bucket names are structural problems', () => {
    const events = only(variant((s) => (s.buckets['entry-uploads'].notifications[0].events = ['s3:ObjectCreated:Puts'])));
    expect(events.hint).toContain('s3:ObjectCreated:Put');
    const name = only(variant((s) => (s.buckets = { Bad_Bucket: {} })));
    expect(name.message).toBe('"Bad_Bucket" is not a valid name here');
  });

  it('REST APIs: no 2.0 payload, no overwritePath, no $default stage', () => {
    const problems = variant((s) => {
      s.apis['entry-api'].type = 'rest';
      s.apis['entry-api'].stage = '$default';
      s.apis['entry-api'].routes['GET /items/{id}'].payloadFormat = '2.0';
    });
    expect(problems.map((p) => p.path).sort()).toEqual([
      'apis.entry-api.routes["ANY /{proxy+}"].overwritePath',
      'apis.entry-api.routes["GET /items/{id}"].payloadFormat',
      'apis.entry-api.stage',
    ]);
  });

  it('desired state: buckets, notifications, APIs, URLs and the invoke permissions each needs', () => {
    const { stack } = parseStack(text, file);
    const state = desiredState(stack, { codeSha256: {}, ensureRole: false });
    expect(Object.keys(state.buckets)).toEqual(['entry-uploads']);
    expect(state.notifications['entry-uploads']!.rules).toHaveLength(2);
    expect(state.apis['entry-api']).toMatchObject({
      type: 'http',
      stage: 'dev',
      accessLog: '/aws/apigateway/entry-api',
      routes: { 'ANY /{proxy+}': { function: 'api', payloadFormat: '2.0', overwritePath: '$request.path' }, 'GET /items/{id}': { payloadFormat: '1.0', overwritePath: null } },
    });
    expect(state.logGroups['/aws/apigateway/entry-api']).toBeDefined();
    expect(state.functionUrls).toEqual({ api: { function: 'api', authType: 'NONE' } });
    expect(Object.keys(state.permissions).sort()).toEqual(['api/evlab-apigw-entry-api', 'api/evlab-function-url', 'worker/evlab-s3-entry-uploads']);
  });
});
