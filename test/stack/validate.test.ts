import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError, type Problem } from '../../src/errors.js';
import { parseStack } from '../../src/stack/load.js';
import { validateStack } from '../../src/stack/validate.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/stacks/good');
const goodFile = join(fixture, 'evlab.json');
const goodText = readFileSync(goodFile, 'utf8');

/** The good stack with one change applied. */
function variant(change: (stack: any) => void): Problem[] {
  const stack = JSON.parse(goodText);
  change(stack);
  return validateStack(stack, { dir: fixture });
}

function only(problems: Problem[]): Problem {
  expect(problems, JSON.stringify(problems, null, 2)).toHaveLength(1);
  return problems[0]!;
}

describe('validateStack', () => {
  it('accepts the good stack', () => {
    expect(validateStack(JSON.parse(goodText), { dir: fixture })).toEqual([]);
    expect(parseStack(goodText, goodFile).dir).toBe(fixture);
  });

  it("accepts every runtime the engine runs, AWS's newest included", () => {
    for (const runtime of ['nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x', 'python3.9', 'python3.13', 'python3.14', 'provided.al2023']) {
      const problems = variant((s) => Object.values(s.functions).forEach((f: any) => (f.runtime = runtime)));
      // (a node runtime looks for app.js beside the Python fixture's app.py: only the runtime itself matters here)
      expect(problems.filter((p) => p.path.endsWith('.runtime')), runtime).toEqual([]);
    }
  });

  it('accepts a minimal stack and an empty one', () => {
    expect(validateStack({}, { dir: fixture })).toEqual([]);
    expect(validateStack({ queues: { q: {} } }, { dir: fixture })).toEqual([]);
  });

  describe('structure', () => {
    it('reports an unknown key once, with a "did you mean" hint', () => {
      const p = only(variant((s) => {
        s.functions['lambda-testing'].deadletterQueue = s.functions['lambda-testing'].deadLetterQueue;
        delete s.functions['lambda-testing'].deadLetterQueue;
      }));
      expect(p.path).toBe('functions.lambda-testing.deadletterQueue');
      expect(p.hint).toBe('did you mean "deadLetterQueue"?');
    });

    it('reports a misspelt required key once (not also as missing)', () => {
      const p = only(variant((s) => {
        s.functions.counter.handlr = s.functions.counter.handler;
        delete s.functions.counter.handler;
      }));
      expect(p.path).toBe('functions.counter.handlr');
      expect(p.hint).toBe('did you mean "handler"?');
    });

    it('reports a misspelt section at the top level', () => {
      const p = only(variant((s) => {
        s.subscription = s.subscriptions;
        delete s.subscriptions;
      }));
      expect(p.path).toBe('subscription');
      expect(p.hint).toBe('did you mean "subscriptions"?');
    });

    it('lists the known keys when nothing is close', () => {
      const p = only(variant((s) => (s.queues.jobs.colour = 'blue')));
      expect(p.path).toBe('queues.jobs.colour');
      expect(p.hint).toContain('visibilityTimeout');
    });

    it('reports a wrong type with a fix', () => {
      const p = only(variant((s) => (s.functions['lambda-testing'].timeout = '10')));
      expect(p.path).toBe('functions.lambda-testing.timeout');
      expect(p.message).toContain('must be a whole number');
      expect(p.hint).toBe('remove the quotes: 10');
    });

    it('reports a number where a string is needed', () => {
      const p = only(variant((s) => (s.functions['lambda-testing'].environment.PORT = 8080)));
      expect(p.path).toBe('functions.lambda-testing.environment.PORT');
      expect(p.hint).toBe('quote it: "8080"');
    });

    it('reports a missing required key', () => {
      const p = only(variant((s) => delete s.functions.counter.source));
      expect(p.path).toBe('functions.counter.source');
      expect(p.message).toBe('"source" is required');
    });

    it('reports out-of-range values with the allowed range', () => {
      const p = only(variant((s) => (s.queues.jobs.visibilityTimeout = 50000)));
      expect(p.path).toBe('queues.jobs.visibilityTimeout');
      expect(p.hint).toContain('0 to 43200');
    });

    it('suggests the nearest runtime, and accepts runtimes the engine cannot run', () => {
      const p = only(variant((s) => (s.functions['lambda-testing'].runtime = 'pyhton3.12')));
      expect(p.path).toBe('functions.lambda-testing.runtime');
      expect(p.hint).toBe('did you mean "python3.12"?');
      expect(variant((s) => (s.functions['lambda-testing'] = { runtime: 'java21', handler: 'x.Y::handle', source: 'functions/distance' }))).toEqual([]);
      expect(only(variant((s) => (s.functions['lambda-testing'].runtime = 'python2.7'))).path).toBe('functions.lambda-testing.runtime');
    });

    it('rejects key types other than S, N and B', () => {
      const p = only(variant((s) => (s.tables.Distance.partitionKey.type = 'String')));
      expect(p.path).toBe('tables.Distance.partitionKey.type');
    });

    it('rejects invalid names', () => {
      const p = only(variant((s) => (s.queues['jobs.txt'] = {})));
      expect(p.path).toBe('queues["jobs.txt"]');
      expect(p.hint).toContain('FIFO');
      expect(variant((s) => (s.queues['jobs.fifo'] = { contentBasedDeduplication: true }))).toEqual([]);
    });

    it('rejects more than five targets per rule', () => {
      const p = only(variant((s) => (s.rules['cli-events'].targets = Array.from({ length: 6 }, (_, i) => ({ queue: 'jobs', id: `t${i}` })))));
      expect(p.path).toBe('rules.cli-events.targets');
    });
  });

  describe('references', () => {
    it('reports a function DLQ that is not declared', () => {
      const p = only(variant((s) => delete s.queues['lambda-testing-dlq']));
      expect(p.path).toBe('functions.lambda-testing.deadLetterQueue');
      expect(p.message).toContain('"lambda-testing-dlq", which is not declared under "queues"');
      expect(p.hint).toContain('"lambda-testing-dlq": {}');
    });

    it('suggests the declared queue for a misspelt reference', () => {
      const p = only(variant((s) => (s.rules['cli-events'].targets[1].queue = 'jbos')));
      expect(p.path).toBe('rules.cli-events.targets[1].queue');
      expect(p.hint).toMatch(/^did you mean "jobs"\?/);
    });

    it('reports a queue DLQ, a subscription and a rule target naming undeclared resources', () => {
      expect(only(variant((s) => (s.queues.jobs.deadLetterQueue = 'nope'))).path).toBe('queues.jobs.deadLetterQueue');
      expect(only(variant((s) => (s.subscriptions[0].function = 'nope'))).path).toBe('subscriptions[0].function');
      expect(only(variant((s) => (s.subscriptions[0].queue = 'nope'))).path).toBe('subscriptions[0].queue');
      expect(only(variant((s) => (s.rules['cli-events'].targets[0].function = 'nope'))).path).toBe('rules.cli-events.targets[0].function');
      expect(only(variant((s) => (s.functions.counter.onFailure = { queue: 'nope' }))).path).toBe('functions.counter.onFailure.queue');
    });

    it("reports a rule's undeclared bus; default always exists", () => {
      const p = only(variant((s) => (s.rules['order-placed'].bus = 'order')));
      expect(p.path).toBe('rules.order-placed.bus');
      expect(p.hint).toMatch(/^did you mean "orders"\?/);
      expect(variant((s) => delete s.buses)).toHaveLength(1);
      expect(variant((s) => (s.rules['cli-events'].bus = 'default'))).toEqual([]);
    });
  });

  describe('meaning', () => {
    it('rejects an invalid event pattern with AWS\'s reason', () => {
      const p = only(variant((s) => (s.rules['cli-events'].pattern = { source: 'cli' })));
      expect(p.path).toBe('rules.cli-events.pattern');
      expect(p.message).toContain('is not a valid event pattern');
      const q = only(variant((s) => (s.rules['cli-events'].pattern = { detail: { n: [{ numeric: ['>>', 1] }] } })));
      expect(q.path).toBe('rules.cli-events.pattern');
    });

    it('accepts a schedule in place of a pattern, on the default bus only; a target DLQ names a declared queue', () => {
      const scheduled = (s: any) => {
        delete s.rules['cli-events'].pattern;
        delete s.rules['cli-events'].bus;
        s.rules['cli-events'].schedule = 'rate(5 minutes)';
      };
      expect(variant(scheduled)).toEqual([]);
      expect(only(variant((s) => (scheduled(s), (s.rules['cli-events'].bus = 'orders')))).path).toBe('rules.cli-events.schedule');
      expect(variant((s) => delete s.rules['cli-events'].pattern).length).toBeGreaterThan(0);
      const dlq = only(variant((s) => (s.rules['cli-events'].targets[0].deadLetterQueue = 'nope')));
      expect(dlq.path).toBe('rules.cli-events.targets[0].deadLetterQueue');
      expect(variant((s) => (s.rules['cli-events'].targets[0].deadLetterQueue = 'jobs'))).toEqual([]);
    });

    it('reports a missing source folder', () => {
      const p = only(variant((s) => (s.functions.counter.source = 'functions/missing')));
      expect(p.path).toBe('functions.counter.source');
      expect(p.message).toContain('does not exist');
    });

    it('checks the handler format and that its file exists', () => {
      const bad = only(variant((s) => (s.functions['lambda-testing'].handler = 'handler')));
      expect(bad.path).toBe('functions.lambda-testing.handler');
      expect(bad.hint).toContain('app.handler');
      const missing = only(variant((s) => (s.functions['lambda-testing'].handler = 'main.handler')));
      expect(missing.path).toBe('functions.lambda-testing.handler');
      expect(missing.message).toContain('main.py');
      expect(missing.hint).toContain('app.py');
      expect(only(variant((s) => (s.functions.counter.handler = 'main.handler'))).message).toContain('main.js');
    });

    it('rejects reserved environment variables', () => {
      const p = only(variant((s) => (s.functions.counter.environment = { AWS_REGION: 'eu-west-1' })));
      expect(p.path).toBe('functions.counter.environment.AWS_REGION');
    });

    it('requires maxReceiveCount and deadLetterQueue together', () => {
      const noCount = only(variant((s) => delete s.queues.jobs.maxReceiveCount));
      expect(noCount.path).toBe('queues.jobs.maxReceiveCount');
      expect(noCount.message).toContain('required with deadLetterQueue');
      const noDlq = only(variant((s) => delete s.queues.jobs.deadLetterQueue));
      expect(noDlq.path).toBe('queues.jobs.maxReceiveCount');
      expect(noDlq.message).toContain('no effect without deadLetterQueue');
    });

    it('reports a dead-letter cycle once', () => {
      const p = only(variant((s) => (s.queues['jobs-dlq'] = { deadLetterQueue: 'jobs', maxReceiveCount: 1 })));
      expect(p.path).toBe('queues.jobs.deadLetterQueue');
      expect(p.message).toContain('jobs → jobs-dlq → jobs');
    });

    it('checks seed items against the key schema', () => {
      const lacking = only(variant((s) => (s.tables.Distance.seed = [{ Name: 'x' }])));
      expect(lacking.path).toBe('tables.Distance.seed[0]');
      expect(lacking.message).toContain('"city"');
      const wrongType = only(variant((s) => (s.tables.Distance.seed = [{ Name: 5, city: 'a' }])));
      expect(wrongType.path).toBe('tables.Distance.seed[0].Name');
      const duplicate = only(variant((s) => s.tables.Distance.seed.push({ ...s.tables.Distance.seed[0] })));
      expect(duplicate.path).toBe('tables.Distance.seed[1]');
    });

    it('checks targets: one destination, one input transform, log group prefix, unique ids', () => {
      expect(only(variant((s) => (s.rules['cli-events'].targets[0] = { function: 'counter', queue: 'jobs' }))).path).toBe('rules.cli-events.targets[0]');
      expect(only(variant((s) => (s.rules['cli-events'].targets[0] = { inputPath: '$.detail' }))).message).toBe('names no destination');
      expect(only(variant((s) => (s.rules['cli-events'].targets[1].input = { a: 1 }))).path).toBe('rules.cli-events.targets[1].inputPath');
      expect(only(variant((s) => (s.rules['cli-events'].targets[1].inputPath = 'detail'))).hint).toContain('$.detail');
      expect(only(variant((s) => s.rules['cli-events'].targets.push({ logGroup: 'events' }))).hint).toContain('/aws/events/events');
      expect(only(variant((s) => s.rules['cli-events'].targets.push({ queue: 'jobs-dlq', id: 'x' }, { queue: 'jobs', id: 'x' }))).path).toBe('rules.cli-events.targets[3].id');
      // A derived id steps aside for an explicit one.
      expect(variant((s) => s.rules['cli-events'].targets.push({ queue: 'jobs-dlq', id: 'jobs' }))).toEqual([]);
      // Two targets to the same destination get distinct derived ids.
      expect(variant((s) => s.rules['cli-events'].targets.push({ queue: 'jobs' }))).toEqual([]);
    });

    it('reports a misspelt destination once', () => {
      const p = only(variant((s) => (s.rules['cli-events'].targets[0] = { functon: 'counter' })));
      expect(p.path).toBe('rules.cli-events.targets[0].functon');
      expect(p.hint).toBe('did you mean "function"?');
    });

    it('checks subscriptions: batching window for large batches, duplicates', () => {
      expect(only(variant((s) => (s.subscriptions[0].batchSize = 100))).path).toBe('subscriptions[0].batchSize');
      expect(variant((s) => Object.assign(s.subscriptions[0], { batchSize: 100, maximumBatchingWindowSeconds: 1 }))).toEqual([]);
      expect(only(variant((s) => s.subscriptions.push({ ...s.subscriptions[0] }))).path).toBe('subscriptions[1]');
    });
  });

  it('reports every problem of a file at once, one per issue, with line numbers', () => {
    const text = goodText
      .replace('"deadLetterQueue": "lambda-testing-dlq"', '"deadLetterQueue": "missing-dlq"')
      .replace('"runtime": "nodejs20.x"', '"runtime": "nodejs2.x"')
      .replace('"source": ["cli"]', '"source": "cli"');
    let error: unknown;
    try {
      parseStack(text, goodFile);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const problems = (error as ValidationError).problems;
    expect(problems.map((p) => p.path).sort()).toEqual(['functions.counter.runtime', 'functions.lambda-testing.deadLetterQueue', 'rules.cli-events.pattern']);
    expect(problems.find((p) => p.path === 'functions.counter.runtime')!.message).toMatch(/\(line 23\)$/);
    expect((error as ValidationError).exitCode).toBe(2);
  });

  it('reports repeated keys', () => {
    const text = goodText.replace('"timeout": 10,', '"timeout": 10, "timeout": 11,');
    expect(() => parseStack(text, goodFile)).toThrow(ValidationError);
    try {
      parseStack(text, goodFile);
    } catch (err) {
      expect((err as ValidationError).problems[0]!.path).toBe('functions.lambda-testing.timeout');
    }
  });
});
